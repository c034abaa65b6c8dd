"""The normalised order format every channel adapter maps to, and its validation.

Pure Python: ``parse_order(payload)`` returns a :class:`NormalisedOrder` or raises
:class:`PayloadError` with every problem found, in words a user can act on: Odoo lazy
translations, English in ``str(error)``, in the reader's language with ``error.render(env)``.

Text is kept as received (only surrounding whitespace is trimmed; Odoo escapes it on
display): control characters and over-long values fail the record with an error naming the
field. Structural errors name the field, what was expected and what came. The field parsers
are in :mod:`.normalise_fields` (and importable from here).
"""

import json
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal, localcontext

from odoo.tools.translate import LazyTranslate

from odoo.addons.sales_mgmt_core.tools.messages import TranslatableError

from .normalise_fields import (  # noqa: F401  (re-exported: ``normalise.X`` is what other code imports)
    ADDRESS_KEYS,
    CENT,
    CONTROL_RE,
    CUSTOMER_LABELS,
    LABELS,
    MAX_AMOUNT,
    clean_text,
    describe,
    field_of,
    is_masked,
    json_problem,
    parse_bool,
    parse_choice,
    parse_currency,
    parse_datetime,
    parse_decimal,
    parse_list,
    parse_rates,
    shown,
    strip_tags,
)

_lt = LazyTranslate(__name__, default_lang="en_US")

#: ``shipped``: paid, and the channel fulfilled (part of) it; ``received``: the buyer confirmed receipt.
STATUSES = ("pending", "paid", "shipped", "received", "cancelled", "refunded")
MAX_LINES = 1000
# Digits of the exact total check: MAX_LINES lines of MAX_AMOUNT x MAX_AMOUNT, to the cent.
TOTAL_PRECISION = 60


class PayloadError(TranslatableError, ValueError):
    """Every problem of a payload: ``errors``, lazy translations (or text)."""

    def __init__(self, errors):
        self.errors = list(errors)
        super().__init__(*self.errors)


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
    lang: str = ""  # a hint: the language a new customer is created in when it is active (Taobao: zh_CN)


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
        raise PayloadError([_lt("an order must be a JSON object, not %(type)s", type=type(payload).__name__)])
    try:
        data = json.loads(payload)
    except json.JSONDecodeError as error:
        raise PayloadError([json_problem(error, payload)]) from None
    except ValueError:
        raise PayloadError([json_problem(None, payload)]) from None
    except RecursionError:
        raise PayloadError([_lt("the body is not usable JSON: it is nested too deeply")]) from None
    if not isinstance(data, dict):
        raise PayloadError([_lt("an order must be a JSON object")])
    return data


def parse_address(data, errors, label):
    if data in (None, {}):
        return None
    if not isinstance(data, dict):
        errors.append(_lt("%(label)s must be an object (got %(got)s)", label=label, got=describe(data)))
        return None
    address = Address(**{key: clean_text(data.get(key), errors, field_of(label, key)) for key in ADDRESS_KEYS})
    address.oaid = clean_text(data.get("oaid"), errors, field_of(label, "oaid"), limit=255)
    address.masked = bool(data.get("masked")) or any(is_masked(getattr(address, key)) for key in ADDRESS_KEYS)
    return address


def parse_customer(raw, errors):
    label = LABELS["customer"]
    if not isinstance(raw, dict):
        if raw is None:
            errors.append(_lt("%(label)s is missing", label=label))
        else:
            errors.append(_lt("%(label)s must be an object (got %(got)s)", label=label, got=describe(raw)))
        return Customer()
    customer = Customer(
        ref=clean_text(raw.get("id"), errors, CUSTOMER_LABELS["id"], limit=255),
        name=clean_text(raw.get("name"), errors, CUSTOMER_LABELS["name"], required=True),
        email=clean_text(raw.get("email"), errors, CUSTOMER_LABELS["email"], limit=254).lower(),
        phone=clean_text(raw.get("phone"), errors, CUSTOMER_LABELS["phone"], limit=64),
        address=parse_address(raw.get("address"), errors, CUSTOMER_LABELS["address"]) or Address(),
        masked=bool(raw.get("masked")),
        lang=raw["lang"][:16] if isinstance(raw.get("lang"), str) else "",
    )
    if customer.email and "@" not in customer.email:
        errors.append(
            _lt(
                "%(label)s is not an e-mail address: %(value)s",
                label=CUSTOMER_LABELS["email"],
                value=shown(customer.email),
            )
        )
    for key in ("email", "phone"):
        if is_masked(getattr(customer, key)):
            # never the customer's: dropped here, kept in the stored payload (and on the delivery address)
            setattr(customer, key, "")
    for key in ("name",):
        if is_masked(getattr(customer, key)):
            errors.append(
                _lt(
                    "%(label)s is masked by the platform (%(value)s)",
                    label=CUSTOMER_LABELS[key],
                    value=shown(getattr(customer, key)),
                )
            )
    return customer


def parse_line(raw, index, errors, seen):
    label = _lt("line %(index)s", index=index)
    line_ref = clean_text(raw.get("id"), errors, field_of(label, "id"), required=True, limit=255)
    if line_ref in seen:
        errors.append(_lt("%(label)s %(value)s is duplicated", label=field_of(label, "id"), value=repr(line_ref)))
    seen.add(line_ref)
    quantity_label = field_of(label, "quantity")
    quantity = parse_decimal(raw.get("quantity"), errors, quantity_label)
    if quantity <= 0:
        errors.append(_lt("%(label)s must be positive (%(value)s)", label=quantity_label, value=str(quantity)))

    def amount(key):
        return parse_decimal(raw.get(key), errors, field_of(label, key), minimum=0, default=Decimal(0))

    return Line(
        ref=line_ref,
        sku=clean_text(raw.get("sku"), errors, field_of(label, "sku"), required=True, limit=255),
        name=clean_text(raw.get("name"), errors, field_of(label, "name")),
        quantity=quantity,
        unit_price=parse_decimal(raw.get("unit_price"), errors, field_of(label, "unit_price"), minimum=0),
        discount=amount("discount"),
        tax_rates=parse_rates(raw.get("tax_rates"), errors, field_of(label, "tax_rates")),
        tax=amount("tax"),
    )


def parse_tax_line(raw, index, errors):
    label = _lt("tax line %(index)s", index=index)
    return TaxLine(
        rate=parse_decimal(raw.get("rate"), errors, field_of(label, "rate"), minimum=0),
        amount=parse_decimal(raw.get("amount"), errors, field_of(label, "amount"), minimum=0),
        name=clean_text(raw.get("name"), errors, field_of(label, "name"), limit=255),
        ref=clean_text(raw.get("ref"), errors, field_of(label, "ref"), limit=255),
    )


def parse_fulfilment(raw, index, errors):
    label = _lt("fulfilment %(index)s", index=index)
    lines = raw.get("lines") or {}
    if not isinstance(lines, dict):
        errors.append(
            _lt(
                "%(label)s must be an object of line id to quantity (got %(got)s)",
                label=field_of(label, "lines"),
                got=describe(lines),
            )
        )
        lines = {}
    shipped_at = raw.get("shipped_at")

    def text(key):
        return clean_text(raw.get(key), errors, field_of(label, key), limit=255)

    return Fulfilment(
        ref=text("ref"),
        carrier=text("carrier"),
        tracking_ref=text("tracking_ref"),
        shipped_at=parse_datetime(shipped_at, errors, field_of(label, "shipped_at")) if shipped_at else None,
        lines={
            str(ref): parse_decimal(
                qty, errors, _lt("%(fulfilment)s quantity of line %(line)s", fulfilment=label, line=ref), minimum=0
            )
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

    def amount(key, **kwargs):
        return parse_decimal(data.get(key), errors, LABELS[key], minimum=0, **kwargs)

    ref = clean_text(data.get("id"), errors, LABELS["id"], required=True, limit=255)
    updated_at = parse_datetime(data.get("updated_at"), errors, LABELS["updated_at"])
    status = parse_choice(data.get("status"), errors, LABELS["status"], STATUSES)
    currency = parse_currency(data.get("currency"), errors, LABELS["currency"])
    includes = parse_bool(data.get("prices_include_tax"), errors, LABELS["prices_include_tax"])
    raw_lines = parse_list(data, "lines", errors, required=True)
    if len(raw_lines) > MAX_LINES:
        errors.append(_lt("more than %(count)s lines", count=MAX_LINES))
        raw_lines = raw_lines[:MAX_LINES]
    seen = set()
    lines = [parse_line(raw, index, errors, seen) for index, raw in enumerate(raw_lines, start=1)]
    tax_lines = [
        parse_tax_line(raw, index, errors) for index, raw in enumerate(parse_list(data, "tax_lines", errors), 1)
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
        shipping_address=parse_address(data.get("shipping_address"), errors, LABELS["shipping_address"]),
        lines=lines,
        shipping=amount("shipping", default=Decimal(0)),
        total=amount("total"),
        tax=amount("tax", default=Decimal(0)),
        note=clean_text(data.get("note"), errors, LABELS["note"], limit=10000),
        prices_include_tax=includes,
        tax_lines=tax_lines,
        shipping_tax=amount("shipping_tax", default=Decimal(0)),
        tax_stated=bool(tax_lines) or data.get("tax") not in (None, ""),
        shipping_tax_rates=parse_rates(data.get("shipping_tax_rates"), errors, LABELS["shipping_tax_rates"]),
        created_at=parse_datetime(created, errors, LABELS["created_at"]) if created not in (None, "") else updated_at,
        name=clean_text(data.get("name"), errors, LABELS["name"], limit=255),
        fulfilments=fulfilments,
        total_tolerance=amount("total_tolerance", default=Decimal(0)),
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
    if matches:
        return
    values = {"label": LABELS["total"], "total": order.total, "computed": computed, "difference": difference}
    values = {key: str(value) if isinstance(value, Decimal) else value for key, value in values.items()}
    if prices_include_tax:
        errors.append(
            _lt(
                "%(label)s %(total)s does not match the lines, discounts and shipping (%(computed)s): "
                "difference %(difference)s",
                **values,
            )
        )
    else:
        errors.append(
            _lt(
                "%(label)s %(total)s does not match the lines, discounts, shipping and tax (%(computed)s): "
                "difference %(difference)s",
                **values,
            )
        )
