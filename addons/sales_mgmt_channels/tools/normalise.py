"""The normalised order format every channel adapter maps to, and its validation.

Pure Python: ``parse_order(payload)`` returns a :class:`NormalisedOrder` or raises
:class:`PayloadError` with every problem found, in words a user can act on.

Text is kept as received (only surrounding whitespace is trimmed; Odoo escapes it on
display): control characters and over-long values fail the record with an error naming the
field. Structural errors name the field, what was expected and what came.
"""

import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext

#: ``shipped``: paid, and the channel fulfilled (part of) it; ``received``: the buyer confirmed receipt.
STATUSES = ("pending", "paid", "shipped", "received", "cancelled", "refunded")
MAX_TEXT = 1000  # characters allowed in a name or address field
MAX_LINES = 1000
TAG_RE = re.compile(r"<[^>]*>")
# Control characters (C0, DEL, C1) other than tab, line feed and carriage return.
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
CURRENCY_RE = re.compile(r"^[A-Z]{3}$")
DATE_FORMATS = ("%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%d.%m.%Y %H:%M:%S")
CENT = Decimal("0.01")
# Amounts and quantities from this magnitude on are refused: Odoo stores them as floats,
# which no longer hold the cents (and overflow to infinity past 1e308).
MAX_AMOUNT = Decimal("1e15")
# Digits of the exact total check: MAX_LINES lines of MAX_AMOUNT x MAX_AMOUNT, to the cent.
TOTAL_PRECISION = 60
#: Masked values (Taobao/JD/PDD hide all but a few characters of the receiver: "刘*", "刘**",
#: "138****0002", "*******0002"): a run of '*', a '*' at either end or next to a digit.
MASK_RE = re.compile(r"\*{2,}|^\s*\*|\*\s*$|\d\*|\*\d")


def is_masked(value):
    """True when ``value`` is text the platform masked (see :data:`MASK_RE`)."""
    return isinstance(value, str) and bool(MASK_RE.search(value))


class PayloadError(ValueError):
    def __init__(self, errors):
        self.errors = list(errors)
        super().__init__("; ".join(self.errors))


@dataclass
class Address:
    name: str = ""
    street: str = ""
    street2: str = ""
    city: str = ""
    zip: str = ""
    state_code: str = ""
    country_code: str = ""
    phone: str = ""
    masked: bool = False  # the platform masked the receiver: kept on the delivery address only
    oaid: str = ""  # the platform's id of the encrypted receiver, for a later decrypt


@dataclass
class Customer:
    ref: str = ""
    name: str = ""
    email: str = ""
    phone: str = ""
    address: Address = field(default_factory=Address)
    masked: bool = False  # the platform masked the buyer: name is the nick or "<Platform> buyer <uid>"


@dataclass
class Line:
    ref: str
    sku: str
    name: str
    quantity: Decimal
    unit_price: Decimal
    discount: Decimal  # amount off the line
    tax_rates: list = field(default_factory=list)  # percent rates (Decimal) applying to the line
    tax: Decimal = Decimal(0)  # tax amount of the line as the channel states it


@dataclass
class TaxLine:
    rate: Decimal  # percent, e.g. Decimal("13")
    amount: Decimal
    name: str = ""
    ref: str = ""


@dataclass
class Fulfilment:
    """A shipment the channel made: ``lines`` maps line ref -> quantity shipped (empty = everything)."""

    ref: str = ""
    carrier: str = ""
    tracking_ref: str = ""
    shipped_at: datetime | None = None
    lines: dict = field(default_factory=dict)


@dataclass
class NormalisedOrder:
    ref: str
    updated_at: datetime  # naive UTC
    status: str
    currency: str  # the currency the buyer paid; every amount is in it
    customer: Customer
    shipping_address: Address | None
    lines: list
    shipping: Decimal
    total: Decimal
    tax: Decimal = Decimal(0)  # tax amount of the order, as the channel states it
    note: str = ""
    prices_include_tax: bool | None = None  # what the order says of its amounts; None: the channel decides
    tax_lines: list = field(default_factory=list)  # TaxLine per rate; empty = unknown
    shipping_tax: Decimal = Decimal(0)
    fulfilments: list = field(default_factory=list)
    total_tolerance: Decimal = Decimal(0)  # accepted |computed - total| (per-field currency conversion)
    #: The order states its tax: a ``tax`` amount (Shopify, WooCommerce and normalised JSON with a
    #: "tax" key always do), tax lines or line rates. Taobao, and JSON or files without a tax, do not.
    tax_stated: bool = False
    shipping_tax_rates: list = field(default_factory=list)  # percent rates of the shipping (Decimal)
    created_at: datetime | None = None  # naive UTC: when the buyer placed the order (else updated_at)
    name: str = ""  # the order's reference as the seller knows it (Shopify "#1002"), else ``ref``

    @property
    def states_rates(self):
        """The order says which tax rates apply (order tax lines, line or shipping rates)."""
        return bool(self.tax_lines or self.shipping_tax_rates or any(line.tax_rates for line in self.lines))

    @property
    def taxes_from_channel(self):
        """The channel's taxes decide the Odoo taxes, not the products': the order states its rates, or
        states a tax of zero (no tax at all). Otherwise the products' taxes apply (fiscal position)."""
        return self.states_rates or (self.tax_stated and not self.tax)

    def computed_total(self, prices_include_tax=False):
        amount = sum((line.quantity * line.unit_price - line.discount for line in self.lines), Decimal(0))
        return amount + self.shipping + (Decimal(0) if prices_include_tax else self.tax)


def loads(payload):
    """A payload as received: a dict, or JSON text/bytes. Invalid JSON raises PayloadError."""
    if isinstance(payload, dict):
        return payload
    if isinstance(payload, bytes):
        payload = payload.decode("utf-8", errors="replace")
    if not isinstance(payload, str):
        raise PayloadError([f"an order must be a JSON object, not {type(payload).__name__}"])
    try:
        data = json.loads(payload)
    except json.JSONDecodeError as error:
        raise PayloadError([json_problem(error, payload)]) from None
    except ValueError:
        raise PayloadError([json_problem(None, payload)]) from None
    except RecursionError:
        raise PayloadError(["the body is not usable JSON: it is nested too deeply"]) from None
    if not isinstance(data, dict):
        raise PayloadError(["an order must be a JSON object"])
    return data


def json_problem(error, text):
    """A sentence on why ``text`` is not JSON, naming the position and the size; never the parser's own
    words. ``error``: the JSONDecodeError (None when unknown)."""
    size = len(text or "")
    if not (text or "").strip():
        return f"the body is empty ({size} characters), not JSON"
    if error is None or not isinstance(getattr(error, "pos", None), int):
        return f"the body ({size} characters) is not JSON"
    position = error.pos + 1
    rest = text[error.pos :]
    if error.msg.startswith("Unterminated string"):
        return (
            f"the body is not complete JSON: it stops after character {size}, inside the text begun at "
            f"character {position} (cut off?)"
        )
    if not rest.strip():
        return f"the body is not complete JSON: it stops after character {size}, in the middle of a value (cut off?)"
    return (
        f"the body is not valid JSON: unexpected {rest[:1]!r} at character {position} of {size} "
        f"(line {error.lineno}, column {error.colno})"
    )


def clean_text(value, errors, label, required=False, limit=MAX_TEXT):
    """Text as received (surrounding whitespace trimmed); control characters other than tab and
    line breaks, and more than ``limit`` characters, are errors naming ``label``."""
    if value is None or value == "":
        if required:
            errors.append(f"{label} is missing")
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int):
        errors.append(f"{label} must be text (got {describe(value)})")
        return ""
    try:
        text = str(value)
    except ValueError:  # an integer of more than 4,300 digits
        errors.append(f"{label} is longer than {limit} characters")
        return ""
    text = text.strip()
    if len(text) > limit:
        errors.append(f"{label} is longer than {limit} characters ({len(text)})")
        return text[:limit]
    control = CONTROL_RE.search(text)
    if control:
        errors.append(f"{label} contains a control character (U+{ord(control.group()):04X})")
        return CONTROL_RE.sub("", text)
    if required and not text:
        errors.append(f"{label} is empty")
    return text


KINDS = (
    (bool, "true/false"),
    (dict, "an object"),
    (list | tuple, "a list"),
    (str, "text"),
    (int | float | Decimal, "a number"),
)


def describe(value):
    """What came, in words: 'an object', 'a list', 'text', 'a number', 'true/false', 'nothing'."""
    if value is None:
        return "nothing"
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
        errors.append(f"{label} is missing")
        return Decimal(0)
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        errors.append(f"{label} must be a number (got {describe(value)})")
        return Decimal(0)
    try:
        number = Decimal(value) if isinstance(value, int) else Decimal(str(value))
    except InvalidOperation:
        errors.append(f"{label} is not a number: {str(value)[:40]!r}")
        return Decimal(0)
    problem = None
    if not number.is_finite():
        problem = "is not a finite number"
    elif number.copy_abs() >= MAX_AMOUNT:  # copy_abs: no context, so no Overflow past Emax
        problem = f"is too large: {number:.6E} (at most {MAX_AMOUNT - CENT})"
    if problem:
        errors.append(f"{label} {problem}")
        return Decimal(0)
    if minimum is not None and number < minimum:
        errors.append(f"{label} cannot be below {minimum} ({number})")
    return number


def parse_datetime(value, errors, label):
    """ISO 8601 (offset or 'Z'; naive means UTC), 'YYYY/MM/DD HH:MM:SS', or a Unix timestamp → naive UTC."""
    if value in (None, ""):
        errors.append(f"{label} is missing")
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            return datetime.fromtimestamp(value, timezone.utc).replace(tzinfo=None)
        except (OverflowError, OSError, ValueError):
            errors.append(f"{label} is not a valid timestamp")
            return None
    if not isinstance(value, str):
        errors.append(f"{label} must be a date and time (got {describe(value)})")
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
        errors.append(f"{label} is not a date and time: {value[:40]!r}")
        return None
    if moment.tzinfo:
        try:
            moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
        except OverflowError:  # year 1 or 9999 moved out of the calendar by its offset
            errors.append(f"{label} is out of range: {value[:40]!r}")
            moment = None
    return moment


ADDRESS_KEYS = ("name", "street", "street2", "city", "zip", "state_code", "country_code", "phone")


def parse_address(data, errors, label):
    if data in (None, {}):
        return None
    if not isinstance(data, dict):
        errors.append(f"{label} must be an object (got {describe(data)})")
        return None
    address = Address(**{key: clean_text(data.get(key), errors, f"{label} {key}") for key in ADDRESS_KEYS})
    address.oaid = clean_text(data.get("oaid"), errors, f"{label} oaid", limit=255)
    address.masked = bool(data.get("masked")) or any(is_masked(getattr(address, key)) for key in ADDRESS_KEYS)
    return address


def parse_list(data, key, errors, label=None, required=False):
    """``data[key]`` as a list of objects; a structural error naming the field otherwise."""
    value = data.get(key)
    label = label or key
    if value in (None, []) and not required:
        return []
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        got = describe(value) if not isinstance(value, list) else "a list with something else than objects"
        errors.append(f"{label} must be a list of objects (got {got})")
        return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []
    if required and not value:
        errors.append(f"{label} must be a non-empty list")
    return value


def parse_rates(value, errors, label):
    if value in (None, []):
        return []
    if not isinstance(value, list):
        errors.append(f"{label} must be a list of percent rates (got {describe(value)})")
        return []
    return [parse_decimal(rate, errors, f"{label} {index}", minimum=0) for index, rate in enumerate(value, 1)]


def parse_customer(raw, errors):
    if not isinstance(raw, dict):
        errors.append("customer is missing" if raw is None else f"customer must be an object (got {describe(raw)})")
        return Customer()
    customer = Customer(
        ref=clean_text(raw.get("id"), errors, "customer id", limit=255),
        name=clean_text(raw.get("name"), errors, "customer name", required=True),
        email=clean_text(raw.get("email"), errors, "customer email", limit=254).lower(),
        phone=clean_text(raw.get("phone"), errors, "customer phone", limit=64),
        address=parse_address(raw.get("address"), errors, "customer address") or Address(),
        masked=bool(raw.get("masked")),
    )
    if customer.email and "@" not in customer.email:
        errors.append(f"customer email is not an e-mail address: {customer.email[:40]!r}")
    for key in ("name", "email", "phone"):
        if is_masked(getattr(customer, key)):
            errors.append(f"customer {key} is masked by the platform ({getattr(customer, key)[:40]!r})")
    return customer


def parse_line(raw, index, errors, seen):
    label = f"line {index}"
    line_ref = clean_text(raw.get("id"), errors, f"{label} id", required=True, limit=255)
    if line_ref in seen:
        errors.append(f"{label} id {line_ref!r} is duplicated")
    seen.add(line_ref)
    quantity = parse_decimal(raw.get("quantity"), errors, f"{label} quantity")
    if quantity <= 0:
        errors.append(f"{label} quantity must be positive ({quantity})")
    return Line(
        ref=line_ref,
        sku=clean_text(raw.get("sku"), errors, f"{label} sku", required=True, limit=255),
        name=clean_text(raw.get("name"), errors, f"{label} name"),
        quantity=quantity,
        unit_price=parse_decimal(raw.get("unit_price"), errors, f"{label} unit_price", minimum=0),
        discount=parse_decimal(raw.get("discount"), errors, f"{label} discount", minimum=0, default=Decimal(0)),
        tax_rates=parse_rates(raw.get("tax_rates"), errors, f"{label} tax_rates"),
        tax=parse_decimal(raw.get("tax"), errors, f"{label} tax", minimum=0, default=Decimal(0)),
    )


def parse_fulfilment(raw, index, errors):
    label = f"fulfilment {index}"
    lines = raw.get("lines") or {}
    if not isinstance(lines, dict):
        errors.append(f"{label} lines must be an object of line id to quantity (got {describe(lines)})")
        lines = {}
    shipped_at = raw.get("shipped_at")
    return Fulfilment(
        ref=clean_text(raw.get("ref"), errors, f"{label} ref", limit=255),
        carrier=clean_text(raw.get("carrier"), errors, f"{label} carrier", limit=255),
        tracking_ref=clean_text(raw.get("tracking_ref"), errors, f"{label} tracking_ref", limit=255),
        shipped_at=parse_datetime(shipped_at, errors, f"{label} shipped_at") if shipped_at else None,
        lines={
            str(ref): parse_decimal(qty, errors, f"{label} quantity of line {ref}", minimum=0)
            for ref, qty in lines.items()
        },
    )


def parse_order(payload, prices_include_tax=False):
    """Validate ``payload`` (dict or JSON) into a NormalisedOrder; PayloadError lists every problem.

    The total must equal the lines less discounts plus shipping, plus ``tax`` when the prices
    exclude taxes (the order's own ``prices_include_tax``; ``prices_include_tax`` here is only
    the fallback when the order does not say), within the order's ``total_tolerance``.
    """
    data = loads(payload)
    errors = []
    ref = clean_text(data.get("id"), errors, "id", required=True, limit=255)
    updated_at = parse_datetime(data.get("updated_at"), errors, "updated_at")
    status = data.get("status")
    if status not in STATUSES:
        errors.append(f"status must be one of {', '.join(STATUSES)} (got {str(status)[:40]!r})")
    currency = data.get("currency")
    if not isinstance(currency, str) or not CURRENCY_RE.match(currency):
        errors.append(f"currency must be an ISO 4217 code like 'EUR' (got {str(currency)[:40]!r})")
        currency = ""
    includes = data.get("prices_include_tax")
    if includes is not None and not isinstance(includes, bool):
        errors.append(f"prices_include_tax must be true or false (got {describe(includes)})")
        includes = None
    raw_lines = parse_list(data, "lines", errors, required=True)
    if len(raw_lines) > MAX_LINES:
        errors.append(f"more than {MAX_LINES} lines")
        raw_lines = raw_lines[:MAX_LINES]
    seen = set()
    lines = [parse_line(raw, index, errors, seen) for index, raw in enumerate(raw_lines, start=1)]
    tax_lines = [
        TaxLine(
            rate=parse_decimal(raw.get("rate"), errors, f"tax line {index} rate", minimum=0),
            amount=parse_decimal(raw.get("amount"), errors, f"tax line {index} amount", minimum=0),
            name=clean_text(raw.get("name"), errors, f"tax line {index} name", limit=255),
            ref=clean_text(raw.get("ref"), errors, f"tax line {index} ref", limit=255),
        )
        for index, raw in enumerate(parse_list(data, "tax_lines", errors), start=1)
    ]
    created = data.get("created_at")
    fulfilments = [
        parse_fulfilment(raw, index, errors) for index, raw in enumerate(parse_list(data, "fulfilments", errors), 1)
    ]
    order = NormalisedOrder(
        ref=ref,
        updated_at=updated_at,
        status=status,
        currency=currency,
        customer=parse_customer(data.get("customer"), errors),
        shipping_address=parse_address(data.get("shipping_address"), errors, "shipping_address"),
        lines=lines,
        shipping=parse_decimal(data.get("shipping"), errors, "shipping", minimum=0, default=Decimal(0)),
        total=parse_decimal(data.get("total"), errors, "total", minimum=0),
        tax=parse_decimal(data.get("tax"), errors, "tax", minimum=0, default=Decimal(0)),
        note=clean_text(data.get("note"), errors, "note", limit=10000),
        prices_include_tax=includes,
        tax_lines=tax_lines,
        shipping_tax=parse_decimal(data.get("shipping_tax"), errors, "shipping_tax", minimum=0, default=Decimal(0)),
        tax_stated=bool(tax_lines) or data.get("tax") not in (None, ""),
        shipping_tax_rates=parse_rates(data.get("shipping_tax_rates"), errors, "shipping_tax_rates"),
        created_at=parse_datetime(created, errors, "created_at") if created not in (None, "") else updated_at,
        name=clean_text(data.get("name"), errors, "name", limit=255),
        fulfilments=fulfilments,
        total_tolerance=parse_decimal(
            data.get("total_tolerance"), errors, "total_tolerance", minimum=0, default=Decimal(0)
        ),
    )
    if not errors:
        check_total(order, prices_include_tax if includes is None else includes, errors)
    if errors:
        raise PayloadError(errors)
    return order


def check_total(order, prices_include_tax, errors):
    """Appends an error when the total is not the lines' within ``order.total_tolerance``."""
    with localcontext() as exact:  # 28 digits would not hold large totals to the cent
        exact.prec = TOTAL_PRECISION
        computed = order.computed_total(prices_include_tax).quantize(CENT, ROUND_HALF_UP)
        difference = order.total - computed
        matches = abs(order.total.quantize(CENT, ROUND_HALF_UP) - computed) <= order.total_tolerance
    if not matches:
        taxes = "" if prices_include_tax else " and tax"
        errors.append(
            f"total {order.total} does not match the lines, discounts, shipping{taxes} ({computed}): "
            f"difference {difference}"
        )
