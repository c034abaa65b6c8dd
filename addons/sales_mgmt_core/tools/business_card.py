"""Parse the text of a business card (pasted or OCR'd) into lead fields."""

import re

import phonenumbers

EMAIL_RE = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
PHONE_RE = re.compile(r"(?:\+|00)?\d[\d\s().\-/]{6,}\d")
URL_RE = re.compile(r"\b(?:https?://|www\.)\S+", re.IGNORECASE)
# A Chinese mobile number: 11 digits starting 13-19, after an optional +86 / 0086.
CN_MOBILE_RE = re.compile(r"^(?:(?:\+|00)?86)?1[3-9]\d{9}$")

# Labels of card lines -> what the line holds. Longest first, so that "移动电话" wins over "电话".
LABELS = {
    "name": ("姓名", "名字", "name"),
    "function": ("职位", "职务", "头衔", "job title", "position", "title"),
    "company": ("公司名称", "单位名称", "公司", "单位", "company"),
    "address": ("公司地址", "通讯地址", "联系地址", "地址", "address", "addr"),
    "mobile": ("移动电话", "手机号码", "手机号", "手机", "mobile", "mob", "cell"),
    "phone": ("办公电话", "联系电话", "电话", "座机", "固话", "telephone", "phone", "tel"),
    "fax": ("传真", "fax"),
    "email": ("电子邮件", "电子邮箱", "邮箱", "电邮", "e-mail", "email", "mail"),
    "website": ("网址", "网站", "主页", "website", "web", "site", "url"),
}
_KIND_OF = {label: kind for kind, labels in LABELS.items() for label in labels}
_ALTERNATION = "|".join(re.escape(label) for label in sorted(_KIND_OF, key=len, reverse=True))
# A label ends with a colon (ASCII or full-width), or - for labels of numbers and addresses -
# with blanks or the number itself ("手机 138…", "Tel. 0571…", "手机138…").
LABEL_RE = re.compile(
    rf"^\s*(?P<label>{_ALTERNATION})\s*(?:[:\uff1a]\s*|(?<=[A-Za-z])\.\s*|\s+(?=[\d+(])|(?=[\d+(]))",
    re.IGNORECASE,
)
COMPANY_HINTS = re.compile(
    r"\b(?:inc|ltd|llc|gmbh|s\.?a\.?|sarl|bv|co\.|corp|company|group|limited|plc|ag)\b|有限公司|集团|公司",
    re.IGNORECASE,
)
TITLE_HINTS = re.compile(
    r"\b(?:manager|director|ceo|cto|cfo|founder|owner|head|sales|engineer|buyer|purchas\w*|president|officer)\b"
    r"|经理|总监|总裁|主管|董事|主任|工程师|销售|采购|顾问|助理|专员|代表|厂长|店长|会计",
    re.IGNORECASE,
)
# Addresses: never a name. Chinese administrative units followed by a number, or a street number.
ADDRESS_HINTS = re.compile(
    r"(?:省|市|区|县|镇|路|街|道|巷|弄|大厦|广场).*\d|\d+\s*(?:号|室|楼|层)"
    r"|\b\d+\s+\w+\s+(?:street|st\.?|road|rd\.?|avenue|ave\.?|boulevard|blvd\.?|lane|way|drive)\b",
    re.IGNORECASE,
)
# Separators between a name and a title on one line: two blanks, a bar, a slash, a comma.
PART_SPLIT_RE = re.compile(r"\s{2,}|\t|\s*[|\uff5c/,\uff0c\u00b7]\s*")

HAN_RE = re.compile(r"[\u4e00-\u9fff]")
KANA_RE = re.compile(r"[\u3040-\u30ff]")


def card_country_code(text, numbers=()):
    """ISO code of the country the card comes from, or "" when nothing tells.

    An international prefix (+86, 0086) decides; otherwise Chinese script (Han characters and no
    Japanese kana) on the card means China."""
    for number in numbers:
        if not number:
            continue
        international = "+" + number[2:] if number.startswith("00") else number
        if not international.startswith("+"):
            continue
        try:
            region = phonenumbers.region_code_for_number(phonenumbers.parse(international, None))
        except phonenumbers.NumberParseException:
            continue
        if region and region != "ZZ":
            return region
    if HAN_RE.search(text or "") and not KANA_RE.search(text or ""):
        return "CN"
    return ""


def strip_labels(line):
    """(kind of the first label or "", the line without its leading labels)."""
    kind = ""
    while True:
        label = LABEL_RE.match(line)
        if not label or label.end() == 0:
            return kind, line.strip()
        kind = kind or _KIND_OF[label.group("label").lower()]
        line = line[label.end() :]


def _is_mobile(number):
    return bool(CN_MOBILE_RE.match(re.sub(r"[\s().\-/]", "", number)))


def _split_name_and_title(line):
    """("王建国", "销售总监") of "王建国  销售总监": a line holding a name and a job title."""
    parts = [p for p in PART_SPLIT_RE.split(line) if p.strip()]
    if len(parts) < 2 and HAN_RE.search(line):
        parts = line.split()  # Chinese: one blank is a separator too
    titles = [p for p in parts if TITLE_HINTS.search(p)]
    names = [p for p in parts if not TITLE_HINTS.search(p)]
    if titles and names and not ADDRESS_HINTS.search(names[0]):
        return names[0].strip(), " ".join(t.strip() for t in titles)
    return "", line


def parse_card(text):
    """Return a dict with contact_name, partner_name, function, phone, mobile, email_from, website
    and country_code (see ``card_country_code``).

    Heuristics: labelled lines (姓名 and a colon, Tel:, 手机, …) go to their field, labels stripped;
    pattern-matched lines (e-mail, phones, URL) next; a Chinese mobile number (1[3-9]…, 11
    digits) is the mobile whatever its label; addresses and faxes are left out. Among the
    remaining lines, one with a company suffix is the company, one with a job word is the
    function (a name before it on the same line is the name), and the first other line is the
    person's name. Missing parts are empty strings.
    """
    result = dict.fromkeys(
        ("contact_name", "partner_name", "function", "phone", "mobile", "email_from", "website", "country_code"), ""
    )
    rest = []
    for raw in (text or "").splitlines():
        kind, body = strip_labels(raw)
        if not body or kind in ("address", "fax"):
            continue
        if kind in ("name", "function", "company"):
            key = {"name": "contact_name", "function": "function", "company": "partner_name"}[kind]
            if not result[key]:
                result[key] = body
            continue
        email = EMAIL_RE.search(body)
        if email and not result["email_from"]:
            result["email_from"] = email.group(0).lower()
            continue
        url = URL_RE.search(body)
        if url and not result["website"]:
            result["website"] = url.group(0)
            continue
        phone = PHONE_RE.search(body)
        if phone and len(re.sub(r"\D", "", phone.group(0))) >= 7:
            number = re.sub(r"\s+", " ", phone.group(0)).strip()
            if (kind == "mobile" or _is_mobile(number)) and not result["mobile"]:
                result["mobile"] = number
            elif not result["phone"]:
                result["phone"] = number
            elif not result["mobile"]:
                result["mobile"] = number
            continue
        if kind in ("email", "website", "phone", "mobile") or ADDRESS_HINTS.search(body):
            continue  # a label with nothing usable, or an unlabelled address
        rest.append(body)
    for line in rest:
        if not result["partner_name"] and COMPANY_HINTS.search(line):
            result["partner_name"] = line
        elif not result["function"] and TITLE_HINTS.search(line):
            name, title = _split_name_and_title(line) if not result["contact_name"] else ("", line)
            result["function"] = title
            if name:
                result["contact_name"] = name
        elif not result["contact_name"]:
            result["contact_name"] = line
        elif not result["partner_name"]:
            result["partner_name"] = line
    result["country_code"] = card_country_code(text, (result["phone"], result["mobile"]))
    return result
