"""CSV / XLSX files of orders → normalised orders (one row per order line).

Pure Python. Columns are found by the channel's saved mapping (target → header text), or by
the target's own name; rows with the same order id make one order, whose order-level values
come from its first row.
"""

import datetime

from odoo.tools.translate import LazyTranslate

from odoo.addons.sales_mgmt_core.tools import order_import
from odoo.addons.sales_mgmt_core.tools.messages import LazyJoin, TranslatableError

_lt = LazyTranslate(__name__, default_lang="en_US")

TARGETS = {
    "order_id": "Order ID",
    "updated_at": "Updated At",
    "status": "Status",
    "currency": "Currency",
    "customer_id": "Customer ID",
    "customer_name": "Customer Name",
    "customer_email": "Customer E-mail",
    "customer_phone": "Customer Phone",
    "street": "Street",
    "city": "City",
    "zip": "Zip",
    "state_code": "State Code",
    "country_code": "Country Code",
    "line_id": "Line ID",
    "sku": "SKU",
    "line_name": "Description",
    "quantity": "Quantity",
    "unit_price": "Unit Price",
    "discount": "Discount",
    "shipping": "Shipping",
    "tax": "Tax",
    "total": "Total",
    "note": "Note",
}
REQUIRED = ("order_id", "sku", "quantity", "unit_price", "total")
#: The required targets' names in messages (translated as on the channel's File Columns).
REQUIRED_LABELS = {
    "order_id": _lt("Order ID"),
    "sku": _lt("SKU"),
    "quantity": _lt("Quantity"),
    "unit_price": _lt("Unit Price"),
    "total": _lt("Total"),
}


class FileError(TranslatableError, ValueError):
    """The file as a whole cannot be used; the message (lazy) says why."""


def _key(text):
    return " ".join(str(text or "").strip().lower().replace("_", " ").split())


def read_rows(content, filename):
    """(header, rows) of the first sheet of a CSV or XLSX file; rows are lists of values."""
    try:
        rows = order_import.read_rows(content, filename, data_only=True)
    except order_import.SheetError as error:
        raise FileError(*error.messages) from error
    if len(rows) < 2:
        raise FileError(_lt("The file needs a header row and at least one order line."))
    return [str(h or "").strip() for h in rows[0]], rows[1:]


def column_indexes(header, mapping):
    """target → column index, from ``mapping`` (target → header text) or the target's own name."""
    positions = {_key(name): index for index, name in enumerate(header)}
    indexes = {}
    for target, label in TARGETS.items():
        for candidate in (mapping.get(target), target, label):
            if candidate and _key(candidate) in positions:
                indexes[target] = positions[_key(candidate)]
                break
    missing = [REQUIRED_LABELS[t] for t in REQUIRED if t not in indexes]
    if missing:
        raise FileError(
            _lt(
                "Missing columns: %(columns)s. Map them on the channel (File Columns) or name the headers like the "
                "targets.",
                columns=LazyJoin(missing),
            )
        )
    return indexes


def _cell(value):
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat() + "T00:00:00"
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        return value.strip()
    return value


def rows_to_orders(header, rows, mapping, defaults=None):
    """Normalised order dicts, one per order id, in file order. ``defaults`` fills order-level
    values the file does not have (currency, status, updated_at)."""
    indexes = column_indexes(header, mapping)
    defaults = defaults or {}
    orders = {}
    for number, row in enumerate(rows, start=2):

        def get(target, row=row):
            index = indexes.get(target)
            return _cell(row[index]) if index is not None and index < len(row) else None

        ref = get("order_id")
        key = str(ref) if ref not in (None, "") else f"row {number}"
        order = orders.get(key)
        if order is None:
            order = orders[key] = {
                "id": ref,
                "updated_at": get("updated_at") or defaults.get("updated_at"),
                "status": get("status") or defaults.get("status", "paid"),
                "currency": get("currency") or defaults.get("currency"),
                "customer": {
                    "id": get("customer_id"),
                    "name": get("customer_name"),
                    "email": get("customer_email"),
                    "phone": get("customer_phone"),
                    "address": {
                        "street": get("street"),
                        "city": get("city"),
                        "zip": get("zip"),
                        "state_code": get("state_code"),
                        "country_code": get("country_code"),
                    },
                },
                "lines": [],
                "shipping": get("shipping"),
                "tax": get("tax"),
                "total": get("total"),
                "note": get("note"),
                "file_rows": [],
            }
        order["file_rows"].append(number)
        order["lines"].append(
            {
                "id": get("line_id") or f"row-{number}",
                "sku": get("sku"),
                "name": get("line_name"),
                "quantity": get("quantity"),
                "unit_price": get("unit_price"),
                "discount": get("discount"),
            }
        )
    return list(orders.values())
