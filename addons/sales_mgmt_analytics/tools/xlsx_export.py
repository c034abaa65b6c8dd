"""Multi-sheet XLSX workbooks in xlsxwriter's constant-memory mode.

Rows are streamed to disk as they are written (one row in memory at a time), so the
workbook's size does not grow the process's memory. Values are typed: dates as Excel dates,
money with the currency's format, numbers as numbers.
"""

from dataclasses import dataclass, field
from datetime import date, datetime

import xlsxwriter


@dataclass
class Column:
    title: str
    kind: str = "text"  # text, int, float, percent, money, date, datetime
    width: int = 14


@dataclass
class Sheet:
    name: str
    columns: list
    rows: object  # any iterable of tuples, consumed once
    chart: dict = field(default_factory=dict)  # {"type": "column", "category": 0, "values": [2], "title": ...}


def safe_sheet_name(name, used):
    """Excel sheet names: ≤ 31 characters, no []:*?/\\, unique in the workbook."""
    clean = "".join("_" if ch in "[]:*?/\\" else ch for ch in name).strip("'")[:31] or "Sheet"
    candidate, n = clean, 2
    while candidate.lower() in used:
        suffix = f" ({n})"
        candidate, n = clean[: 31 - len(suffix)] + suffix, n + 1
    used.add(candidate.lower())
    return candidate


def write_workbook(target, summary, sheets, currency_format="#,##0.00", summary_name="Summary"):
    """Write ``summary`` (title, [(label, value, kind)]) then ``sheets``; returns rows written per sheet.

    ``target``: a path or a binary file object. Charts of a sheet are placed on the summary
    sheet (named ``summary_name``, translated by the caller) and reference the sheet's data
    (written before the summary is closed).
    """
    workbook = xlsxwriter.Workbook(target, {"constant_memory": True, "default_date_format": "yyyy-mm-dd"})
    formats = {
        "header": workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1}),
        "title": workbook.add_format({"bold": True, "font_size": 14}),
        "money": workbook.add_format({"num_format": currency_format}),
        "date": workbook.add_format({"num_format": "yyyy-mm-dd"}),
        "datetime": workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"}),
        "percent": workbook.add_format({"num_format": "0.00\\%"}),
        "float": workbook.add_format({"num_format": "#,##0.00"}),
        "int": workbook.add_format({"num_format": "0"}),
    }
    used = set()
    title, figures = summary
    summary_sheet = workbook.add_worksheet(safe_sheet_name(summary_name, used))
    summary_sheet.set_column(0, 0, 34)
    summary_sheet.set_column(1, 1, 18)
    summary_sheet.write_string(0, 0, title, formats["title"])
    for row, (label, value, kind) in enumerate(figures, start=2):
        summary_sheet.write_string(row, 0, label)
        _write(summary_sheet, row, 1, value, kind, formats)
    chart_row = len(figures) + 4
    counts = {}
    for sheet in sheets:
        name = safe_sheet_name(sheet.name, used)
        worksheet = workbook.add_worksheet(name)
        for col, column in enumerate(sheet.columns):
            worksheet.set_column(col, col, column.width)
            worksheet.write_string(0, col, column.title, formats["header"])
        row = 0
        writers = [_cell_writer(worksheet, column.kind, formats) for column in sheet.columns]
        for row, values in enumerate(sheet.rows, start=1):
            for col, value in enumerate(values):
                if value is not None and value is not False:
                    writers[col](row, col, value)
        counts[name] = row
        if sheet.chart and row:
            chart = workbook.add_chart({"type": sheet.chart.get("type", "column")})
            category = sheet.chart.get("category", 0)
            for col in sheet.chart.get("values", [1]):
                chart.add_series(
                    {
                        "name": [name, 0, col],
                        "categories": [name, 1, category, row, category],
                        "values": [name, 1, col, row, col],
                    }
                )
            chart.set_title({"name": sheet.chart.get("title", sheet.name)})
            summary_sheet.insert_chart(chart_row, 0, chart)
            chart_row += 16
    workbook.close()
    return counts


EXCEL_EPOCH = datetime(1899, 12, 30)


def excel_serial(value):
    """Excel's serial day number of a date or naive datetime (what write_datetime computes, faster)."""
    if not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day)
    delta = value - EXCEL_EPOCH
    return delta.days + delta.seconds / 86400.0 + delta.microseconds / 86400e6


def _cell_writer(worksheet, kind, formats):
    """A function writing one non-empty value of a column of ``kind``, chosen once per column."""
    if kind in ("date", "datetime"):
        fmt = formats[kind]
        write_number = worksheet.write_number

        def write_date(row, col, value):
            if isinstance(value, date | datetime):
                write_number(row, col, excel_serial(value), fmt)
            else:
                worksheet.write_string(row, col, str(value))

        return write_date
    if kind in ("money", "float", "percent", "int"):
        fmt = formats[kind]

        def write_number(row, col, value):
            if isinstance(value, int | float):
                worksheet.write_number(row, col, value, fmt)
            else:
                worksheet.write_string(row, col, str(value))

        return write_number

    def write_text(row, col, value):
        worksheet.write_string(row, col, value if isinstance(value, str) else str(value))

    return write_text


def _write(worksheet, row, col, value, kind, formats):
    if value is None or value is False:
        worksheet.write_blank(row, col, None)
    elif kind in ("date", "datetime") and isinstance(value, date | datetime):
        fmt = formats["datetime"] if isinstance(value, datetime) else formats["date"]
        worksheet.write_datetime(row, col, value, fmt)
    elif kind in ("money", "float", "percent", "int") and isinstance(value, int | float):
        worksheet.write_number(row, col, value, formats[kind])
    else:
        worksheet.write_string(row, col, str(value))
