"""Field parsers of the normalised order format: text, numbers, dates, rates, and what came.

Pure Python. Each parser takes the value, the list of ``errors`` to append to and the field's
``label`` (a lazy translation, or text); on a problem it appends a message naming the label and
returns a harmless value, so that one payload reports all its problems at once. Messages are
Odoo lazy translations (see :mod:`odoo.addons.sales_mgmt_core.tools.messages`): ``str()`` of
a payload error is English, the import screens show them in the reader's language.
"""

import re
from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation

from babel.numbers import list_currencies

from odoo.tools.translate import LazyTranslate

_lt = LazyTranslate(__name__, default_lang="en_US")

MAX_TEXT = 1000  # characters allowed in a name or address field
TAG_RE = re.compile(r"<[^>]*>")
# Control characters (C0, DEL, C1) other than tab, line feed and carriage return.
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
CURRENCY_RE = re.compile(r"^[A-Z]{3}$")
DATE_FORMATS = ("%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%d.%m.%Y %H:%M:%S")
CENT = Decimal("0.01")
# Amounts and quantities from this magnitude on are refused: Odoo stores them as floats,
# which no longer hold the cents (and overflow to infinity past 1e308).
MAX_AMOUNT = Decimal("1e15")
#: Masked values (Taobao/JD/PDD hide all but a few characters of the receiver: "刘*", "刘**",
#: "138****0002", "*******0002"): a run of '*', a '*' at either end or next to a digit.
MASK_RE = re.compile(r"\*{2,}|^\s*\*|\*\s*$|\d\*|\*\d")


ADDRESS_KEYS = ("name", "street", "street2", "city", "zip", "state_code", "country_code", "phone")
#: Labels of the fields of the format (its keys), translated in the messages that name them.
LABELS = {
    "id": _lt("id"),
    "updated_at": _lt("updated_at"),
    "created_at": _lt("created_at"),
    "status": _lt("status"),
    "currency": _lt("currency"),
    "prices_include_tax": _lt("prices_include_tax"),
    "lines": _lt("lines"),
    "tax_lines": _lt("tax_lines"),
    "fulfilments": _lt("fulfilments"),
    "customer": _lt("customer"),
    "shipping_address": _lt("shipping_address"),
    "shipping": _lt("shipping"),
    "shipping_tax": _lt("shipping_tax"),
    "shipping_tax_rates": _lt("shipping_tax_rates"),
    "total": _lt("total"),
    "total_tolerance": _lt("total_tolerance"),
    "tax": _lt("tax"),
    "note": _lt("note"),
    "name": _lt("name"),
    # of a line, an address, a tax line or a fulfilment
    "sku": _lt("sku"),
    "quantity": _lt("quantity"),
    "unit_price": _lt("unit_price"),
    "discount": _lt("discount"),
    "tax_rates": _lt("tax_rates"),
    "street": _lt("street"),
    "street2": _lt("street2"),
    "city": _lt("city"),
    "zip": _lt("zip"),
    "state_code": _lt("state_code"),
    "country_code": _lt("country_code"),
    "phone": _lt("phone"),
    "oaid": _lt("oaid"),
    "rate": _lt("rate"),
    "amount": _lt("amount"),
    "ref": _lt("ref"),
    "carrier": _lt("carrier"),
    "tracking_ref": _lt("tracking_ref"),
    "shipped_at": _lt("shipped_at"),
}
CUSTOMER_LABELS = {
    "id": _lt("customer id"),
    "name": _lt("customer name"),
    "email": _lt("customer email"),
    "phone": _lt("customer phone"),
    "address": _lt("customer address"),
}


def is_masked(value):
    """True when ``value`` is text the platform masked (see :data:`MASK_RE`)."""
    return isinstance(value, str) and bool(MASK_RE.search(value))


def field_of(item, key):
    """The label of the field ``key`` (see :data:`LABELS`) of ``item`` (a label: "line 1" + "unit_price")."""
    return _lt("%(item)s %(field)s", item=item, field=LABELS[key])


def shown(value, size=40):
    """A received value as a message shows it: its repr, at most ``size`` characters of it; "nothing" for
    an absent value (never Python's 'None')."""
    if value is None:
        return describe(value)
    return repr(str(value)[:size])


def json_problem(error, text):
    """A sentence on why ``text`` is not JSON, naming the position and the size; never the parser's own
    words. ``error``: the JSONDecodeError (None when unknown)."""
    size = len(text or "")
    if not (text or "").strip():
        return _lt("the body is empty (%(size)s characters), not JSON", size=size)
    if error is None or not isinstance(getattr(error, "pos", None), int):
        return _lt("the body (%(size)s characters) is not JSON", size=size)
    position = error.pos + 1
    rest = text[error.pos :]
    if error.msg.startswith("Unterminated string"):
        return _lt(
            "the body is not complete JSON: it stops after character %(size)s, inside the text begun at "
            "character %(position)s (cut off?)",
            size=size,
            position=position,
        )
    if not rest.strip():
        return _lt(
            "the body is not complete JSON: it stops after character %(size)s, in the middle of a value (cut off?)",
            size=size,
        )
    return _lt(
        "the body is not valid JSON: unexpected %(character)s at character %(position)s of %(size)s "
        "(line %(line)s, column %(column)s)",
        character=repr(rest[:1]),
        position=position,
        size=size,
        line=error.lineno,
        column=error.colno,
    )


def clean_text(value, errors, label, required=False, limit=MAX_TEXT):
    """Text as received (surrounding whitespace trimmed); control characters other than tab and
    line breaks, and more than ``limit`` characters, are errors naming ``label``."""
    if value is None or value == "":
        if required:
            errors.append(_lt("%(label)s is missing", label=label))
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int):
        errors.append(_lt("%(label)s must be text (got %(got)s)", label=label, got=describe(value)))
        return ""
    try:
        text = str(value)
    except ValueError:  # an integer of more than 4,300 digits
        errors.append(_lt("%(label)s is longer than %(limit)s characters", label=label, limit=limit))
        return ""
    text = text.strip()
    if len(text) > limit:
        errors.append(
            _lt(
                "%(label)s is longer than %(limit)s characters (%(length)s)",
                label=label,
                limit=limit,
                length=len(text),
            )
        )
        return text[:limit]
    control = CONTROL_RE.search(text)
    if control:
        errors.append(
            _lt(
                "%(label)s contains a control character (U+%(code)s)",
                label=label,
                code=f"{ord(control.group()):04X}",
            )
        )
        return CONTROL_RE.sub("", text)
    if required and not text:
        errors.append(_lt("%(label)s is empty", label=label))
    return text


KINDS = (
    (bool, _lt("true/false")),
    (dict, _lt("an object")),
    (list | tuple, _lt("a list")),
    (str, _lt("text")),
    (int | float | Decimal, _lt("a number")),
)


def describe(value):
    """What came, in words: 'an object', 'a list', 'text', 'a number', 'true/false', 'nothing'."""
    if value is None:
        return _lt("nothing")
    return next((words for kind, words in KINDS if isinstance(value, kind)), type(value).__name__)


def strip_tags(text):
    """``text`` without HTML tags, in linear time (not used on orders: text is kept as received)."""
    end = text.rfind(">") + 1
    return TAG_RE.sub("", text[:end]) + text[end:]


def parse_decimal(value, errors, label, minimum=None, default=None):
    """The exact Decimal of a number or numeric text; on a problem, an error starting with
    ``label`` is appended and 0 returned. Refused: non-numbers, NaN and infinities, values of
    :data:`MAX_AMOUNT` or more, values below ``minimum``."""
    if value is None or value == "":
        if default is not None:
            return default
        errors.append(_lt("%(label)s is missing", label=label))
        return Decimal(0)
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        errors.append(_lt("%(label)s must be a number (got %(got)s)", label=label, got=describe(value)))
        return Decimal(0)
    try:
        number = Decimal(value) if isinstance(value, int) else Decimal(str(value))
    except InvalidOperation:
        errors.append(_lt("%(label)s is not a number: %(value)s", label=label, value=shown(value)))
        return Decimal(0)
    problem = None
    if not number.is_finite():
        problem = _lt("%(label)s is not a finite number", label=label)
    elif number.copy_abs() >= MAX_AMOUNT:  # copy_abs: no context, so no Overflow past Emax
        problem = _lt(
            "%(label)s is too large: %(value)s (at most %(maximum)s)",
            label=label,
            value=f"{number:.6E}",
            maximum=str(MAX_AMOUNT - CENT),
        )
    if problem:
        errors.append(problem)
        return Decimal(0)
    if minimum is not None and number < minimum:
        errors.append(
            _lt(
                "%(label)s cannot be below %(minimum)s (%(value)s)",
                label=label,
                minimum=str(minimum),
                value=str(number),
            )
        )
    return number


def parse_datetime(value, errors, label):
    """ISO 8601 (offset or 'Z'; naive means UTC), 'YYYY/MM/DD HH:MM:SS', or a Unix timestamp → naive UTC."""
    if value in (None, ""):
        errors.append(_lt("%(label)s is missing", label=label))
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            return datetime.fromtimestamp(value, timezone.utc).replace(tzinfo=None)
        except (OverflowError, OSError, ValueError):
            errors.append(_lt("%(label)s is not a valid timestamp", label=label))
            return None
    if not isinstance(value, str):
        errors.append(_lt("%(label)s must be a date and time (got %(got)s)", label=label, got=describe(value)))
        return None
    text = value.strip()
    moment = None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        for fmt in DATE_FORMATS:
            try:
                moment = datetime.strptime(text, fmt)
                break
            except ValueError:
                continue
    if moment is None:
        errors.append(_lt("%(label)s is not a date and time: %(value)s", label=label, value=shown(value)))
        return None
    if moment.tzinfo:
        try:
            moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
        except OverflowError:  # year 1 or 9999 moved out of the calendar by its offset
            errors.append(_lt("%(label)s is out of range: %(value)s", label=label, value=shown(value)))
            moment = None
    return moment


def parse_rates(value, errors, label):
    """Percent rates (Decimal) of a list; a structural error naming ``label`` otherwise."""
    if value in (None, []):
        return []
    if not isinstance(value, list):
        errors.append(_lt("%(label)s must be a list of percent rates (got %(got)s)", label=label, got=describe(value)))
        return []
    return [
        parse_decimal(rate, errors, _lt("%(label)s %(index)s", label=label, index=index), minimum=0)
        for index, rate in enumerate(value, 1)
    ]


def parse_list(data, key, errors, label=None, required=False):
    """``data[key]`` as a list of objects; a structural error naming the field otherwise."""
    value = data.get(key)
    label = label or LABELS.get(key, key)
    if value in (None, []) and not required:
        return []
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        got = describe(value) if not isinstance(value, list) else _lt("a list with something else than objects")
        errors.append(_lt("%(label)s must be a list of objects (got %(got)s)", label=label, got=got))
        return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []
    if required and not value:
        errors.append(_lt("%(label)s must be a non-empty list", label=label))
    return value


def parse_choice(value, errors, label, choices):
    """``value``, with an error naming ``label`` when it is not one of ``choices``."""
    if value not in choices:
        errors.append(
            _lt(
                "%(label)s must be one of %(values)s (got %(value)s)",
                label=label,
                values=", ".join(choices),
                value=shown(value),
            )
        )
    return value


# The currency codes CLDR knows (Odoo's own list is a subset): an unknown code is reported with the
# payload's other problems, not after them.
ISO_CURRENCIES = frozenset(list_currencies())


def parse_currency(value, errors, label):
    """An ISO 4217 code ("EUR"); "" and an error naming ``label`` otherwise."""
    if not isinstance(value, str) or not CURRENCY_RE.match(value):
        errors.append(
            _lt("%(label)s must be an ISO 4217 code like 'EUR' (got %(value)s)", label=label, value=shown(value))
        )
        return ""
    if value not in ISO_CURRENCIES:
        errors.append(_lt("%(label)s %(value)s is not an ISO 4217 currency", label=label, value=shown(value)))
        return ""
    return value


def parse_bool(value, errors, label):
    """True or False, None when absent; None and an error naming ``label`` for anything else."""
    if value is not None and not isinstance(value, bool):
        errors.append(_lt("%(label)s must be true or false (got %(got)s)", label=label, got=describe(value)))
        return None
    return value
