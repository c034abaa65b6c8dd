"""Reading and checking an order sheet (CSV or XLSX), independent of the ORM.

One row per order line; rows sharing an ``order_ref`` form one order. Every problem is
reported with its row number, naming the column, what was expected and what the cell holds;
nothing received is silently changed (a value is used as written, or the row is refused).
Nothing here touches the database.
"""

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field

import openpyxl

from odoo.tools.translate import LazyTranslate

from .messages import LazyJoin, TranslatableError
from .order_import_cells import (  # noqa: F401  (re-exported: ``order_import.X`` is what other code imports)
    DATE_FORMATS,
    MAX_DATE,
    MAX_NUMBER,
    MIN_DATE,
    CellError,
    parse_date,
    parse_number,
)

_lt = LazyTranslate(__name__, default_lang="en_US")

COLUMNS = {
    "order_ref": "Order Reference",
    "customer": "Customer",
    "product": "Product",
    "quantity": "Quantity",
    "price_unit": "Unit Price",
    "date_order": "Order Date",
    "commitment_date": "Delivery Date",
    "note": "Note",
}
#: The columns' names in messages (translated; the headers of a file are matched on COLUMNS and COLUMNS_ZH).
COLUMN_LABELS = {
    "order_ref": _lt("Order Reference"),
    "customer": _lt("Customer"),
    "product": _lt("Product"),
    "quantity": _lt("Quantity"),
    "price_unit": _lt("Unit Price"),
    "date_order": _lt("Order Date"),
    "commitment_date": _lt("Delivery Date"),
    "note": _lt("Note"),
}
# Chinese headers are accepted as well: a sheet exported by a Chinese shop system needs no renaming.
COLUMNS_ZH = {
    "order_ref": ("订单参考号", "订单号", "订单编号"),
    "customer": ("客户",),
    "product": ("产品", "商品"),
    "quantity": ("数量",),
    "price_unit": ("单价",),
    "date_order": ("订单日期", "下单日期"),
    "commitment_date": ("交货日期", "发货日期"),
    "note": ("备注",),
}
REQUIRED = ("order_ref", "customer", "product", "quantity")
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_CELL_CHARS = 1000
MAX_ROWS = 100_000
MAX_CELL_INT = 10**MAX_CELL_CHARS


class SheetError(TranslatableError, ValueError):
    """The file as a whole cannot be read (empty, wrong columns, not a sheet); ``message`` is lazy."""


@dataclass
class Row:
    number: int  # as the user sees it: header is row 1
    values: dict = field(default_factory=dict)
    errors: list = field(default_factory=list)  # lazy translations (and text): render them for the reader


def _normalise_header(text):
    stripped = re.sub(r"\s+", "", str(text or ""))
    for name, labels in COLUMNS_ZH.items():
        if stripped in labels:
            return name
    key = re.sub(r"[^a-z0-9]+", "_", str(text or "").strip().lower()).strip("_")
    aliases = {label.lower().replace(" ", "_"): name for name, label in COLUMNS.items()}
    return aliases.get(key, key)


def read_rows(content, filename, data_only=False):
    """Non-empty rows (lists of cell values) of the first sheet of a CSV or XLSX file.

    With ``data_only=False`` formulas are kept as their text (starting with '='), so that
    they can be refused; ``True`` gives the values Excel last computed.
    """
    if not content:
        raise SheetError(_lt("The file is empty."))
    if len(content) > MAX_FILE_BYTES:
        raise SheetError(_lt("The file is larger than %(size)s MB.", size=MAX_FILE_BYTES // (1024 * 1024)))
    name = (filename or "").lower()
    if name.endswith((".xlsx", ".xlsm")) or content[:2] == b"PK":
        try:
            workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=data_only)
        except (zipfile.BadZipFile, KeyError, OSError, ValueError) as e:
            raise SheetError(_lt("This is not a readable XLSX file (%(error)s).", error=str(e))) from e
        sheet = workbook.worksheets[0]
        rows = []
        try:
            for row in sheet.iter_rows(values_only=True):
                rows.append(list(row))
        except ValueError as e:
            # A number cell whose stored text is no number (NaN, INF written by some tools):
            # openpyxl cannot read past it, so the row is named here.
            held = re.search(r"'(.*)'", str(e))
            raise SheetError(
                _lt(
                    "Row %(row)s: a cell stored as a number holds '%(value)s', which is not a number. Type a number "
                    "in it (or clear it) and upload the file again.",
                    row=len(rows) + 1,
                    value=f"{(held.group(1) if held else e)!s:.30}",
                )
            ) from e
        finally:
            workbook.close()
    else:
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = content.decode("latin-1")
        try:
            dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        csv.field_size_limit(MAX_FILE_BYTES)
        try:  # newline="": the csv module splits lines itself (old Mac files end them with \r alone)
            rows = list(csv.reader(io.StringIO(text, newline=""), dialect))
        except csv.Error as e:  # NUL characters, unterminated quotes in strict dialects
            raise SheetError(_lt("This is not a readable CSV file (%(error)s).", error=str(e))) from e
    return [r for r in rows if any(c not in (None, "") for c in r)]


def read_sheet(content, filename):
    """Return (header, raw rows) of the first sheet; raw rows are lists of cell values.

    Formulas are kept as their text (starting with '=') so that they can be refused.
    """
    rows = read_rows(content, filename)
    if not rows:
        raise SheetError(_lt("The file is empty."))
    header = [_normalise_header(h) for h in rows[0]]
    missing = [COLUMN_LABELS[c] for c in REQUIRED if c not in header]
    if missing:
        raise SheetError(
            _lt(
                "Missing columns: %(missing)s. Expected a header row with: %(expected)s.",
                missing=LazyJoin(missing),
                expected=LazyJoin(COLUMN_LABELS.values()),
            )
        )
    if len(rows) == 1:
        raise SheetError(_lt("The file has a header but no order lines."))
    if len(rows) - 1 > MAX_ROWS:
        raise SheetError(_lt("The file has more than %(count)s lines; split it.", count=MAX_ROWS))
    return header, rows[1:]


def check_rows(header, raw_rows, digits=None):
    """Parse and check each row on its own (types, sizes, formulas, order consistency).

    :param digits: {"quantity": n, "price_unit": n}, the decimals Odoo keeps; a number with
        more is refused rather than rounded. No limit when not given.
    """
    digits = digits or {}
    rows = []
    for index, raw in enumerate(raw_rows, start=2):
        row = Row(number=index)
        refused = set()  # columns whose cell is refused as such: not reported as missing too
        for column, cell in zip(header, raw, strict=False):
            if column not in COLUMNS:
                continue
            label = COLUMN_LABELS[column]
            if isinstance(cell, str):
                if len(cell) > MAX_CELL_CHARS:
                    refused.add(column)
                    row.errors.append(
                        _lt(
                            "%(label)s: the cell has %(count)s characters (at most %(maximum)s).",
                            label=label,
                            count=len(cell),
                            maximum=MAX_CELL_CHARS,
                        )
                    )
                    continue
                text = cell.strip()
                if text.startswith("="):  # an XLSX formula (read as text) or a CSV injection attempt
                    refused.add(column)
                    row.errors.append(
                        _lt("%(label)s: formulas are not accepted (%(formula)s).", label=label, formula=text[:30])
                    )
                    continue
                row.values[column] = text
            elif isinstance(cell, int) and not isinstance(cell, bool) and abs(cell) >= MAX_CELL_INT:
                refused.add(column)
                row.errors.append(
                    _lt("%(label)s: the cell has more than %(maximum)s digits.", label=label, maximum=MAX_CELL_CHARS)
                )
            else:
                row.values[column] = cell
        for column in REQUIRED:
            if row.values.get(column) in (None, "") and column not in refused:
                row.errors.append(_lt("%(label)s is required.", label=COLUMN_LABELS[column]))
        _check_number(row, "quantity", strict=True, digits=digits.get("quantity"))
        _check_number(row, "price_unit", strict=False, digits=digits.get("price_unit"))
        for column in ("date_order", "commitment_date"):
            value = row.values.pop(column, None)
            if value not in (None, ""):
                try:
                    row.values[column] = parse_date(value, COLUMN_LABELS[column])
                except CellError as error:
                    row.errors.append(error.message)
        for column in ("order_ref", "customer", "product", "note"):
            if row.values.get(column) is not None:
                row.values[column] = str(row.values[column]).strip()
        rows.append(row)
    _check_order_consistency(rows)
    return rows


def _check_number(row, column, strict, digits):
    """Replace the cell of ``column`` by its float; on an error the row keeps no value for it."""
    value = row.values.pop(column, None)
    if value in (None, ""):
        return
    try:
        row.values[column] = parse_number(value, COLUMN_LABELS[column], minimum=0, strict=strict, digits=digits)
    except CellError as error:
        row.errors.append(error.message)


def _check_order_consistency(rows):
    """All lines of one order name the same customer."""
    customers = {}
    for row in rows:
        ref, customer = row.values.get("order_ref"), row.values.get("customer")
        if not ref or not customer:
            continue
        first = customers.setdefault(ref, (customer, row.number))
        if first[0] != customer:
            row.errors.append(
                _lt(
                    "Order %(ref)s: customer '%(customer)s' differs from '%(first)s' on row %(row)s.",
                    ref=ref,
                    customer=customer,
                    first=first[0],
                    row=first[1],
                )
            )
