"""Parse the text of a business card (pasted or OCR'd) into lead fields."""

import re

import phonenumbers

EMAIL_RE = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
PHONE_RE = re.compile(r"(?:\+|00)?\d[\d\s().\-/]{6,}\d")
URL_RE = re.compile(r"\b(?:https?://|www\.)\S+", re.IGNORECASE)
LABEL_RE = re.compile(
    r"^\s*(?:tel|phone|mobile|mob|cell|fax|e-?mail|mail|web|site|手机|电话|邮箱|网址)\s*[:.\uff1a]?\s*", re.IGNORECASE
)
COMPANY_HINTS = re.compile(
    r"\b(?:inc|ltd|llc|gmbh|s\.?a\.?|sarl|bv|co\.|corp|company|group|limited|plc|ag)\b|有限公司|集团|公司",
    re.IGNORECASE,
)
TITLE_HINTS = re.compile(
    r"\b(?:manager|director|ceo|cto|cfo|founder|owner|head|sales|engineer|buyer|purchas\w*|president|officer)\b"
    r"|经理|总监|总裁|主管",
    re.IGNORECASE,
)

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


def parse_card(text):
    """Return a dict with contact_name, partner_name, function, phone, mobile, email_from, website
    and country_code (see ``card_country_code``).

    Heuristics: labelled and pattern-matched lines (e-mail, phones, URL) first; among the
    remaining lines, one with a company suffix is the company, one with a job word is the
    function, and the first other line is the person's name. Missing parts are empty strings.
    """
    result = dict.fromkeys(
        ("contact_name", "partner_name", "function", "phone", "mobile", "email_from", "website", "country_code"), ""
    )
    rest = []
    for raw in (text or "").splitlines():
        line = raw.strip()
        if not line:
            continue
        label = LABEL_RE.match(line)
        label_text = label.group(0).lower() if label else ""
        body = line[label.end() :] if label else line
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
            is_mobile = any(word in label_text for word in ("mob", "cell", "手机"))
            if is_mobile and not result["mobile"]:
                result["mobile"] = number
            elif not result["phone"]:
                result["phone"] = number
            elif not result["mobile"]:
                result["mobile"] = number
            continue
        rest.append(line)
    for line in rest:
        if not result["partner_name"] and COMPANY_HINTS.search(line):
            result["partner_name"] = line
        elif not result["function"] and TITLE_HINTS.search(line):
            result["function"] = line
        elif not result["contact_name"]:
            result["contact_name"] = line
        elif not result["partner_name"]:
            result["partner_name"] = line
    result["country_code"] = card_country_code(text, (result["phone"], result["mobile"]))
    return result
