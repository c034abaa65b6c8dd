"""Reading and checking an order sheet (CSV or XLSX), independent of the ORM.

One row per order line; rows sharing an ``order_ref`` form one order. Every problem is
reported with its row number; nothing here touches the database.
"""

import csv
import datetime
import io
import re
import zipfile
from dataclasses import dataclass, field

import openpyxl

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
REQUIRED = ("order_ref", "customer", "product", "quantity")
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_CELL_CHARS = 1000
MAX_ROWS = 100_000
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y", "%Y/%m/%d", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S")


class SheetError(ValueError):
    """The file as a whole cannot be read (empty, wrong columns, not a sheet)."""


@dataclass
class Row:
    number: int  # as the user sees it: header is row 1
    values: dict = field(default_factory=dict)
    errors: list = field(default_factory=list)


def _normalise_header(text):
    key = re.sub(r"[^a-z0-9]+", "_", str(text or "").strip().lower()).strip("_")
    aliases = {label.lower().replace(" ", "_"): name for name, label in COLUMNS.items()}
    return aliases.get(key, key)


def read_rows(content, filename, data_only=False):
    """Non-empty rows (lists of cell values) of the first sheet of a CSV or XLSX file.

    With ``data_only=False`` formulas are kept as their text (starting with '='), so that
    they can be refused; ``True`` gives the values Excel last computed.
    """
    if not content:
        raise SheetError("The file is empty.")
    if len(content) > MAX_FILE_BYTES:
        raise SheetError(f"The file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB.")
    name = (filename or "").lower()
    if name.endswith((".xlsx", ".xlsm")) or content[:2] == b"PK":
        try:
            workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=data_only)
        except (zipfile.BadZipFile, KeyError, OSError, ValueError) as e:
            raise SheetError(f"This is not a readable XLSX file ({e}).") from e
        sheet = workbook.worksheets[0]
        rows = [list(r) for r in sheet.iter_rows(values_only=True)]
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
        rows = list(csv.reader(io.StringIO(text), dialect))
    return [r for r in rows if any(c not in (None, "") for c in r)]


def read_sheet(content, filename):
    """Return (header, raw rows) of the first sheet; raw rows are lists of cell values.

    Formulas are kept as their text (starting with '=') so that they can be refused.
    """
    rows = read_rows(content, filename)
    if not rows:
        raise SheetError("The file is empty.")
    header = [_normalise_header(h) for h in rows[0]]
    missing = [COLUMNS[c] for c in REQUIRED if c not in header]
    if missing:
        raise SheetError(
            "Missing columns: {}. Expected a header row with: {}.".format(
                ", ".join(missing), ", ".join(COLUMNS.values())
            )
        )
    if len(rows) == 1:
        raise SheetError("The file has a header but no order lines.")
    if len(rows) - 1 > MAX_ROWS:
        raise SheetError(f"The file has more than {MAX_ROWS} lines; split it.")
    return header, rows[1:]


def parse_number(value):
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, int | float):
        return float(value)
    text = str(value).strip().replace(" ", "").replace("\u00a0", "")
    if "," in text and "." not in text:
        text = text.replace(",", ".")
    return float(text.replace(",", ""))


def parse_date(value):
    if isinstance(value, datetime.datetime):
        return value
    if isinstance(value, datetime.date):
        return datetime.datetime.combine(value, datetime.time())
    text = str(value).strip()
    for fmt in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, fmt)
        except ValueError:
            continue
    raise ValueError(text)


def check_rows(header, raw_rows):
    """Parse and check each row on its own (types, sizes, formulas, order consistency)."""
    rows = []
    for index, raw in enumerate(raw_rows, start=2):
        row = Row(number=index)
        for column, cell in zip(header, raw, strict=False):
            if column not in COLUMNS:
                continue
            if isinstance(cell, str):
                if len(cell) > MAX_CELL_CHARS:
                    row.errors.append(
                        f"{COLUMNS[column]}: the cell has {len(cell)} characters (at most {MAX_CELL_CHARS})."
                    )
                    continue
                text = cell.strip()
                if text.startswith("="):  # an XLSX formula (read as text) or a CSV injection attempt
                    row.errors.append(f"{COLUMNS[column]}: formulas are not accepted ({text[:30]}).")
                    continue
                row.values[column] = text
            else:
                row.values[column] = cell
        for column in REQUIRED:
            if row.values.get(column) in (None, "") and not any(e.startswith(COLUMNS[column]) for e in row.errors):
                row.errors.append(f"{COLUMNS[column]} is required.")
        _check_number(row, "quantity", positive=True)
        _check_number(row, "price_unit", positive=False)
        for column in ("date_order", "commitment_date"):
            if row.values.get(column) not in (None, ""):
                try:
                    row.values[column] = parse_date(row.values[column])
                except ValueError:
                    bad = row.values.pop(column)
                    row.errors.append(
                        f"{COLUMNS[column]}: '{str(bad)[:30]}' is not a date "
                        "(use YYYY-MM-DD, DD/MM/YYYY or DD.MM.YYYY)."
                    )
            else:
                row.values.pop(column, None)
        for column in ("order_ref", "customer", "product", "note"):
            if row.values.get(column) is not None:
                row.values[column] = str(row.values[column]).strip()
        rows.append(row)
    _check_order_consistency(rows)
    return rows


def _check_number(row, column, positive):
    value = row.values.get(column)
    if value in (None, ""):
        row.values.pop(column, None)
        return
    try:
        number = parse_number(value)
    except (TypeError, ValueError):
        row.errors.append(f"{COLUMNS[column]}: '{str(value)[:30]}' is not a number.")
        return
    if positive and number <= 0:
        row.errors.append(f"{COLUMNS[column]} must be greater than 0.")
    elif number < 0:
        row.errors.append(f"{COLUMNS[column]} cannot be negative.")
    row.values[column] = number


def _check_order_consistency(rows):
    """All lines of one order name the same customer."""
    customers = {}
    for row in rows:
        ref, customer = row.values.get("order_ref"), row.values.get("customer")
        if not ref or not customer:
            continue
        first = customers.setdefault(ref, (customer, row.number))
        if first[0] != customer:
            row.errors.append(f"Order {ref}: customer '{customer}' differs from '{first[0]}' on row {first[1]}.")
