"""The normalised order format every channel adapter maps to, and its validation.

Pure Python: ``parse_order(payload)`` returns a :class:`NormalisedOrder` or raises
:class:`PayloadError` with every problem found, in words a user can act on.
"""

import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

STATUSES = ("pending", "paid", "cancelled", "refunded")
MAX_TEXT = 1000  # characters kept in a name or address field
MAX_LINES = 1000
TAG_RE = re.compile(r"<[^>]*>")
CURRENCY_RE = re.compile(r"^[A-Z]{3}$")
DATE_FORMATS = ("%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%d.%m.%Y %H:%M:%S")
CENT = Decimal("0.01")


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


@dataclass
class Customer:
    ref: str = ""
    name: str = ""
    email: str = ""
    phone: str = ""
    address: Address = field(default_factory=Address)


@dataclass
class Line:
    ref: str
    sku: str
    name: str
    quantity: Decimal
    unit_price: Decimal
    discount: Decimal  # amount off the line


@dataclass
class NormalisedOrder:
    ref: str
    updated_at: datetime  # naive UTC
    status: str
    currency: str
    customer: Customer
    shipping_address: Address | None
    lines: list
    shipping: Decimal
    total: Decimal
    tax: Decimal = Decimal(0)  # tax amount of the order, informative when prices include tax
    note: str = ""

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
    except ValueError as error:
        raise PayloadError([f"invalid JSON: {error}"]) from error
    if not isinstance(data, dict):
        raise PayloadError(["an order must be a JSON object"])
    return data


def clean_text(value, errors, label, required=False, limit=MAX_TEXT):
    """Plain text: HTML tags removed, whitespace trimmed, at most ``limit`` characters."""
    if value is None or value == "":
        if required:
            errors.append(f"{label} is missing")
        return ""
    if not isinstance(value, str | int):
        errors.append(f"{label} must be text, not {type(value).__name__}")
        return ""
    text = TAG_RE.sub("", str(value)).replace("\x00", "").strip()
    if len(text) > limit:
        errors.append(f"{label} is longer than {limit} characters ({len(text)})")
        return text[:limit]
    if required and not text:
        errors.append(f"{label} is empty")
    return text


def parse_decimal(value, errors, label, minimum=None, default=None):
    if value is None or value == "":
        if default is not None:
            return default
        errors.append(f"{label} is missing")
        return Decimal(0)
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        errors.append(f"{label} must be a number, not {type(value).__name__}")
        return Decimal(0)
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        errors.append(f"{label} is not a number: {str(value)[:40]!r}")
        return Decimal(0)
    if not number.is_finite():
        errors.append(f"{label} is not a finite number")
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
        errors.append(f"{label} must be a date and time")
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
        moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
    return moment


def parse_address(data, errors, label):
    if data in (None, {}):
        return None
    if not isinstance(data, dict):
        errors.append(f"{label} must be an object")
        return None
    return Address(
        **{
            key: clean_text(data.get(key), errors, f"{label} {key}")
            for key in ("name", "street", "street2", "city", "zip", "state_code", "country_code", "phone")
        }
    )


def parse_order(payload, prices_include_tax=False):
    """Validate ``payload`` (dict or JSON) into a NormalisedOrder; PayloadError lists every problem.

    The total must equal the lines less discounts plus shipping, plus ``tax`` when the
    channel's prices exclude taxes.
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
    raw_customer = data.get("customer")
    customer = Customer()
    if not isinstance(raw_customer, dict):
        errors.append("customer is missing")
    else:
        customer = Customer(
            ref=clean_text(raw_customer.get("id"), errors, "customer id", limit=255),
            name=clean_text(raw_customer.get("name"), errors, "customer name", required=True),
            email=clean_text(raw_customer.get("email"), errors, "customer email", limit=254).lower(),
            phone=clean_text(raw_customer.get("phone"), errors, "customer phone", limit=64),
            address=parse_address(raw_customer.get("address"), errors, "customer address") or Address(),
        )
        if customer.email and "@" not in customer.email:
            errors.append(f"customer email is not an e-mail address: {customer.email[:40]!r}")
    lines = []
    raw_lines = data.get("lines")
    if not isinstance(raw_lines, list) or not raw_lines:
        errors.append("lines must be a non-empty list")
        raw_lines = []
    if len(raw_lines) > MAX_LINES:
        errors.append(f"more than {MAX_LINES} lines")
        raw_lines = raw_lines[:MAX_LINES]
    seen = set()
    for index, raw in enumerate(raw_lines, start=1):
        label = f"line {index}"
        if not isinstance(raw, dict):
            errors.append(f"{label} must be an object")
            continue
        line_ref = clean_text(raw.get("id"), errors, f"{label} id", required=True, limit=255)
        if line_ref in seen:
            errors.append(f"{label} id {line_ref!r} is duplicated")
        seen.add(line_ref)
        quantity = parse_decimal(raw.get("quantity"), errors, f"{label} quantity")
        if quantity <= 0:
            errors.append(f"{label} quantity must be positive ({quantity})")
        lines.append(
            Line(
                ref=line_ref,
                sku=clean_text(raw.get("sku"), errors, f"{label} sku", required=True, limit=255),
                name=clean_text(raw.get("name"), errors, f"{label} name"),
                quantity=quantity,
                unit_price=parse_decimal(raw.get("unit_price"), errors, f"{label} unit_price", minimum=0),
                discount=parse_decimal(raw.get("discount"), errors, f"{label} discount", minimum=0, default=Decimal(0)),
            )
        )
    shipping = parse_decimal(data.get("shipping"), errors, "shipping", minimum=0, default=Decimal(0))
    tax = parse_decimal(data.get("tax"), errors, "tax", minimum=0, default=Decimal(0))
    total = parse_decimal(data.get("total"), errors, "total", minimum=0)
    order = NormalisedOrder(
        ref=ref,
        updated_at=updated_at,
        status=status,
        currency=currency,
        customer=customer,
        shipping_address=parse_address(data.get("shipping_address"), errors, "shipping_address"),
        lines=lines,
        shipping=shipping,
        total=total,
        tax=tax,
        note=clean_text(data.get("note"), errors, "note", limit=10000),
    )
    if not errors:
        computed = order.computed_total(prices_include_tax).quantize(CENT, ROUND_HALF_UP)
        if computed != total.quantize(CENT, ROUND_HALF_UP):
            taxes = "" if prices_include_tax else " and tax"
            errors.append(
                f"total {total} does not match the lines, discounts, shipping{taxes} ({computed}): "
                f"difference {total - computed}"
            )
    if errors:
        raise PayloadError(errors)
    return order
