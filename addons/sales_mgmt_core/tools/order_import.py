"""Reading and checking an order sheet (CSV or XLSX), independent of the ORM.

One row per order line; rows sharing an ``order_ref`` form one order. Every problem is
reported with its row number, naming the column, what was expected and what the cell holds;
nothing received is silently changed (a value is used as written, or the row is refused).
Nothing here touches the database.
"""

import csv
import datetime
import io
import math
import re
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal

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
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y", "%Y/%m/%d", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S")
# Numbers from this magnitude on are refused: floats no longer hold their cents, and Odoo's
# rounding of quantities and amounts overflows long before 1e308.
MAX_NUMBER = 1e15
# Dates outside these years are typing errors; near year 1 or 9999 Odoo's time zone
# conversions and date arithmetic (delivery lead times) overflow.
MIN_DATE = datetime.datetime(1900, 1, 1)
MAX_DATE = datetime.datetime(2999, 12, 31, 23, 59, 59)
MAX_CELL_INT = 10**MAX_CELL_CHARS
NUMBER_RE = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
GROUPED_RE = {sep: re.compile(rf"[+-]?[0-9]{{1,3}}(?:\{sep}[0-9]{{3}})+") for sep in ",."}
THOUSANDS_OR_DECIMALS_RE = re.compile(r"[+-]?[1-9][0-9]{0,2},[0-9]{3}")
NOT_FINITE = {"nan", "snan", "qnan", "inf", "infinity"}


class SheetError(ValueError):
    """The file as a whole cannot be read (empty, wrong columns, not a sheet)."""


class CellError(ValueError):
    """One cell cannot be used: the message names its column, what was expected and what came."""


@dataclass
class Row:
    number: int  # as the user sees it: header is row 1
    values: dict = field(default_factory=dict)
    errors: list = field(default_factory=list)


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
        rows = []
        try:
            for row in sheet.iter_rows(values_only=True):
                rows.append(list(row))
        except ValueError as e:
            # A number cell whose stored text is no number (NaN, INF written by some tools):
            # openpyxl cannot read past it, so the row is named here.
            held = re.search(r"'(.*)'", str(e))
            raise SheetError(
                f"Row {len(rows) + 1}: a cell stored as a number holds '{(held.group(1) if held else e)!s:.30}', "
                "which is not a number. Type a number in it (or clear it) and upload the file again."
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
            raise SheetError(f"This is not a readable CSV file ({e}).") from e
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


def _shown(value):
    """The cell as the user typed it, short enough for a message."""
    if isinstance(value, int) and abs(value) >= 10**30:  # longer than shown; str() refuses 4,300+ digits
        return f"~{'-' if value < 0 else ''}1e{int(abs(value).bit_length() * math.log10(2))}"
    return str(value).strip()[:30]


def _decimals(number):
    """Significant decimals of a finite Decimal (trailing zeros do not count)."""
    _sign, digits, exponent = number.as_tuple()
    zeros = len(digits) - len("".join(map(str, digits)).rstrip("0"))
    return max(0, -(exponent + zeros)) if any(digits) else 0


def _number_text(text, label):
    """The text of a number cell in Python's notation; a comma or a dot may separate the
    decimals, either may group thousands when the other one separates the decimals."""
    compact = re.sub(r"[ \u00a0\u202f]", "", text)
    if compact.lower().lstrip("+-") in NOT_FINITE:
        raise CellError(f"{label}: '{_shown(text)}' is not a finite number (expected digits such as 12 or 12.5).")
    if "," in compact and "." in compact:
        decimal_sep = "," if compact.rfind(",") > compact.rfind(".") else "."
        group_sep = "." if decimal_sep == "," else ","
        integer, _sep, fraction = compact.rpartition(decimal_sep)
        if GROUPED_RE[group_sep].fullmatch(integer):
            compact = integer.replace(group_sep, "") + "." + fraction
    elif compact.count(",") > 1 or compact.count(".") > 1:
        group_sep = "," if "," in compact else "."
        if GROUPED_RE[group_sep].fullmatch(compact):
            compact = compact.replace(group_sep, "")
    elif "," in compact:
        if THOUSANDS_OR_DECIMALS_RE.fullmatch(compact):
            integer, _sep, fraction = compact.partition(",")
            raise CellError(
                f"{label}: '{_shown(text)}' is ambiguous (the comma may separate thousands or decimals: "
                f"write {integer}{fraction} or {integer}.{fraction})."
            )
        compact = compact.replace(",", ".")
    if not NUMBER_RE.fullmatch(compact):
        raise CellError(f"{label}: '{_shown(text)}' is not a number (expected digits such as 12 or 12.5).")
    return compact


def parse_number(value, label="Value", minimum=None, strict=False, digits=None):
    """The finite float a cell holds, or :class:`CellError` naming ``label``.

    Accepts numbers and text like ``12``, ``-3.5``, ``1 234,50``, ``1.234,50``, ``1,234.50``
    or ``2e3``. Refused, never changed: text that is no number, NaN and infinities, numbers
    of :data:`MAX_NUMBER` or more, a lone comma before exactly three digits (``1,000``: one
    or a thousand?), numbers below ``minimum`` (at or below it when ``strict``) and, when
    ``digits`` is given, numbers with more decimals (Odoo would round them).
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        raise CellError(f"{label}: the cell is empty (expected a number).")
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise CellError(f"{label}: '{_shown(value)}' is not a number (expected digits such as 12 or 12.5).")
    if isinstance(value, str):
        exact = Decimal(_number_text(value.strip(), label))
        too_large = abs(exact) >= MAX_NUMBER
        decimals = _decimals(exact)
    elif isinstance(value, float) and not math.isfinite(value):
        raise CellError(f"{label}: '{_shown(value)}' is not a finite number (expected digits such as 12 or 12.5).")
    else:
        too_large = abs(value) >= MAX_NUMBER  # an int of any size compares without overflow
        exact = Decimal(repr(value)) if not too_large else None
        decimals = 0 if too_large else _decimals(exact)
        if isinstance(value, float) and digits is not None and decimals > digits:
            # binary noise of a computed cell (0.30000000000000004) is no extra decimal
            decimals = digits if math.isclose(value, round(value, digits), rel_tol=1e-12) else decimals
    if too_large:
        raise CellError(f"{label}: '{_shown(value)}' is too large (expected less than {MAX_NUMBER:,.0f}).")
    number = float(exact) + 0.0  # + 0.0: -0 is 0
    if exact and not number:
        raise CellError(f"{label}: '{_shown(value)}' is too small (it would be stored as 0).")
    if minimum is not None and (number <= minimum if strict else number < minimum):
        if strict:
            raise CellError(f"{label} must be greater than {minimum:g} (got '{_shown(value)}').")
        if minimum == 0:
            raise CellError(f"{label} cannot be negative (got '{_shown(value)}').")
        raise CellError(f"{label} cannot be less than {minimum:g} (got '{_shown(value)}').")
    if digits is not None and decimals > digits:
        raise CellError(
            f"{label}: '{_shown(value)}' has {decimals} decimals (expected at most {digits}; round it in the file)."
        )
    return number


def parse_date(value, label="Date"):
    """The naive datetime a cell holds (a date is taken at midnight), or :class:`CellError`
    naming ``label``: text in one of :data:`DATE_FORMATS`, between :data:`MIN_DATE` and
    :data:`MAX_DATE`."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise CellError(f"{label}: the cell is empty (expected a date).")
    if isinstance(value, datetime.datetime):
        moment = value
        if moment.tzinfo is not None:
            try:
                moment = moment.astimezone(datetime.timezone.utc).replace(tzinfo=None)
            except OverflowError:
                moment = datetime.datetime.min  # out of range: refused below
    elif isinstance(value, datetime.date):
        moment = datetime.datetime.combine(value, datetime.time())
    else:
        moment = None
        text = str(value).strip() if isinstance(value, str) else None
        for fmt in DATE_FORMATS if text else ():
            try:
                moment = datetime.datetime.strptime(text, fmt)
                break
            except ValueError:
                continue
        if moment is None:
            raise CellError(f"{label}: '{_shown(value)}' is not a date (use YYYY-MM-DD, DD/MM/YYYY or DD.MM.YYYY).")
    if not MIN_DATE <= moment <= MAX_DATE:
        raise CellError(
            f"{label}: '{_shown(value)}' is out of range (expected a date from {MIN_DATE:%Y-%m-%d} "
            f"to {MAX_DATE:%Y-%m-%d})."
        )
    return moment


def check_rows(header, raw_rows, digits=None):
    """Parse and check each row on its own (types, sizes, formulas, order consistency).

    :param digits: {"quantity": n, "price_unit": n}, the decimals Odoo keeps; a number with
        more is refused rather than rounded. No limit when not given.
    """
    digits = digits or {}
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
            elif isinstance(cell, int) and not isinstance(cell, bool) and abs(cell) >= MAX_CELL_INT:
                row.errors.append(f"{COLUMNS[column]}: the cell has more than {MAX_CELL_CHARS} digits.")
            else:
                row.values[column] = cell
        for column in REQUIRED:
            if row.values.get(column) in (None, "") and not any(e.startswith(COLUMNS[column]) for e in row.errors):
                row.errors.append(f"{COLUMNS[column]} is required.")
        _check_number(row, "quantity", strict=True, digits=digits.get("quantity"))
        _check_number(row, "price_unit", strict=False, digits=digits.get("price_unit"))
        for column in ("date_order", "commitment_date"):
            value = row.values.pop(column, None)
            if value not in (None, ""):
                try:
                    row.values[column] = parse_date(value, COLUMNS[column])
                except CellError as error:
                    row.errors.append(str(error))
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
        row.values[column] = parse_number(value, COLUMNS[column], minimum=0, strict=strict, digits=digits)
    except CellError as error:
        row.errors.append(str(error))


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
