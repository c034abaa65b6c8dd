"""Numbers and dates the order import must refuse row by row, never crash on.

Through the wizard with real CSV and XLSX files, and on the plain-Python parsers.
"""

import base64
import datetime
import io
import zipfile

import openpyxl

from odoo.tests import BaseCase, tagged

from ..tools import order_import
from ..tools.messages import render
from .common import SalesMgmtOrderCommon

HEADER = "Order Reference,Customer,Product,Quantity,Unit Price,Order Date\n"


def xlsx(rows, stored=None):
    """An XLSX file of ``rows``; ``stored`` {placeholder number: text} rewrites number cells
    as some tools write them (``<v>NaN</v>``), which Excel and openpyxl never produce."""
    book = openpyxl.Workbook()
    book.active.append(["Order Reference", "Customer", "Product", "Quantity", "Unit Price", "Order Date"])
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    if not stored:
        return buffer.getvalue()
    source, target = zipfile.ZipFile(io.BytesIO(buffer.getvalue())), io.BytesIO()
    with zipfile.ZipFile(target, "w") as out:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                for placeholder, text in stored.items():
                    data = data.replace(f"<v>{placeholder}</v>".encode(), f"<v>{text}</v>".encode())
            out.writestr(item, data)
    return target.getvalue()


@tagged("post_install", "-at_install")
class TestOrderImportNumbers(SalesMgmtOrderCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.product.default_code = "SKU-N1"
        cls.alice = cls.env["res.partner"].create({"name": "Alice Numbers", "email": "alice.numbers@example.com"})

    def _wizard(self, content, filename="orders.csv"):
        wizard = (
            self.env["sale.order.import.wizard"]
            .with_user(self.user_salesman)
            .create(
                {
                    "file": base64.b64encode(content.encode() if isinstance(content, str) else content),
                    "filename": filename,
                }
            )
        )
        wizard.action_validate()
        return wizard

    def _errors(self, wizard):
        return {line.row: line.error or "" for line in wizard.line_ids}

    def test_csv_non_finite_huge_negative_empty_and_text_are_row_errors(self):
        cases = [  # (quantity, unit price, what the row error must say)
            ("nan", "1", ["Quantity: 'nan' is not a finite number"]),
            ("inf", "1", ["Quantity: 'inf' is not a finite number"]),
            ("1", "-inf", ["Unit Price: '-inf' is not a finite number"]),
            ("1e308", "1", ["Quantity: '1e308' is too large (expected less than 1,000,000,000,000,000)"]),
            ("1", "1e308", ["Unit Price: '1e308' is too large"]),
            ("1e400", "NaN", ["Quantity: '1e400' is too large", "Unit Price: 'NaN' is not a finite number"]),
            ("-2", "-1", ["Quantity must be greater than 0 (got '-2')", "Unit Price cannot be negative (got '-1')"]),
            ("", "1", ["Quantity is required"]),
            ("two", "1", ["Quantity: 'two' is not a number (expected digits such as 12 or 12.5)"]),
            ("1,000", "1", ["Quantity: '1,000' is ambiguous"]),
            ("1", "19.999", ["Unit Price: '19.999' has 3 decimals (expected at most 2"]),
        ]
        csv = HEADER + "".join(f'N-{i},Alice Numbers,SKU-N1,"{q}","{p}",\n' for i, (q, p, _e) in enumerate(cases))
        csv += 'N-OK,Alice Numbers,SKU-N1,"1.000,5","1 234,50",0001-01-01\n'
        csv += 'N-OK2,Alice Numbers,SKU-N1,3,"1.234,50",2026-11-20\n'
        before = self.env["sale.order"].search_count([])
        wizard = self._wizard(csv)
        errors = self._errors(wizard)
        for index, (_q, _p, expected) in enumerate(cases):
            for text in expected:
                self.assertIn(text, errors[index + 2], f"row {index + 2}")
        for line in wizard.line_ids.sorted("row")[: len(cases)]:  # the refused value is not kept
            self.assertEqual(line.price_unit if "Unit Price" in line.error else line.quantity, 0.0)
        ok, ok2 = wizard.line_ids.sorted("row")[-2:]
        self.assertEqual(
            ok.error, "Order Date: '0001-01-01' is out of range (expected a date from 1900-01-01 to 2999-12-31)."
        )
        self.assertEqual((ok.quantity, ok.price_unit), (1000.5, 1234.5))  # both separators: read as written
        self.assertFalse(ok2.error)
        self.assertEqual((ok2.quantity, ok2.price_unit), (3.0, 1234.5))
        self.assertEqual(self.env["sale.order"].search_count([]), before, "validation creates nothing")

    def test_xlsx_number_and_text_cells(self):
        content = xlsx(
            [
                ["X-1", "Alice Numbers", "SKU-N1", 1e308, 10, None],
                ["X-2", "Alice Numbers", "SKU-N1", 2, 10**30, None],
                ["X-3", "Alice Numbers", "SKU-N1", "nan", "inf", None],
                ["X-4", "Alice Numbers", "SKU-N1", -3, 0.1 + 0.2, "31.12.3000"],
                ["X-5", "Alice Numbers", "SKU-N1", 2, 12.5, datetime.datetime(2026, 11, 20)],
            ]
        )
        wizard = self._wizard(content, "orders.xlsx")
        errors = self._errors(wizard)
        self.assertIn("Quantity: '1e+308' is too large", errors[2])
        self.assertRegex(errors[3], r"^Unit Price: '[0-9.e+~]+' is too large")
        self.assertIn("Quantity: 'nan' is not a finite number", errors[4])
        self.assertIn("Unit Price: 'inf' is not a finite number", errors[4])
        self.assertIn("Quantity must be greater than 0 (got '-3')", errors[5])
        self.assertNotIn("Unit Price", errors[5])  # 0.30000000000000004 is 0.3 in a float, not 17 decimals
        self.assertIn("Order Date: '31.12.3000' is out of range", errors[5])
        self.assertEqual(errors[6], "")
        self.assertEqual((wizard.line_ids[-1].quantity, wizard.line_ids[-1].price_unit), (2.0, 12.5))

    def test_xlsx_number_cell_holding_nan_is_a_file_error(self):
        content = xlsx(
            [["S-1", "Alice Numbers", "SKU-N1", 1, 5, None], ["S-2", "Alice Numbers", "SKU-N1", 900001, 5, None]],
            stored={900001: "NaN"},
        )
        wizard = self._wizard(content, "orders.xlsx")
        self.assertEqual(
            wizard.file_error,
            "Row 3: a cell stored as a number holds 'NaN', which is not a number. "
            "Type a number in it (or clear it) and upload the file again.",
        )
        self.assertFalse(wizard.line_ids)

    def test_clean_file_is_imported_with_the_values_as_written(self):
        wizard = self._wizard(HEADER + 'W-1,Alice Numbers,SKU-N1,"2,5","1.234,56",20/11/2026\n')
        self.assertFalse(wizard.error_count, wizard.line_ids.mapped("error"))
        wizard.action_import()
        line = wizard.order_ids.order_line
        self.assertEqual((line.product_uom_qty, line.price_unit), (2.5, 1234.56))


@tagged("post_install", "-at_install")
class TestOrderImportParsing(BaseCase):
    """The parsers alone: a finite value, or CellError naming the field, expected and received."""

    def assertRefused(self, function, value, *expected, **kwargs):
        with self.assertRaises(order_import.CellError) as caught:
            function(value, "Unit Price", **kwargs)
        for text in expected:
            self.assertIn(text, str(caught.exception))
        self.assertTrue(str(caught.exception).startswith("Unit Price"), caught.exception)

    def test_numbers_refused(self):
        parse = order_import.parse_number
        for value in ("nan", "-NaN", "inf", "-Infinity", float("nan"), float("inf"), float("-inf")):
            self.assertRefused(parse, value, "is not a finite number", "expected digits")
        for value in ("1e308", 1e308, "1e309", -1e16, 10**400, 10**5000, "99 999 999 999 999 999"):
            self.assertRefused(parse, value, "is too large", "expected less than 1,000,000,000,000,000")
        for value in ("abc", "0x10", "1_000", "\u0661\u0662", "1.2.3", "1,2.5", True, datetime.date(2026, 1, 1)):
            self.assertRefused(parse, value, "is not a number", "expected digits")
        for value in (None, "", "   "):
            self.assertRefused(parse, value, "the cell is empty (expected a number)")
        self.assertRefused(parse, "1,000", "is ambiguous", "write 1000 or 1.000")
        self.assertRefused(parse, "-1", "cannot be negative (got '-1')", minimum=0)
        self.assertRefused(parse, "0", "must be greater than 0 (got '0')", minimum=0, strict=True)
        self.assertRefused(parse, "1.005", "has 3 decimals (expected at most 2", digits=2)
        self.assertRefused(parse, "1e-400", "is too small")

    def test_numbers_accepted_as_written(self):
        parse = order_import.parse_number
        for value, expected in (
            ("12", 12.0),
            (" -3.5 ", -3.5),
            ("1,5", 1.5),
            ("0,125", 0.125),
            ("1 234,50", 1234.5),
            ("1.234,50", 1234.5),
            ("1,234.50", 1234.5),
            ("1.000.000", 1e6),
            ("2e3", 2000.0),
            (7, 7.0),
            ("-0", 0.0),
            (999999999999999, 999999999999999.0),
            (0.1 + 0.2, 0.1 + 0.2),
        ):
            self.assertEqual(parse(value, "Unit Price", digits=3), expected, value)
        self.assertEqual(str(parse("-0")), "0.0")

    def test_dates(self):
        parse = order_import.parse_date
        self.assertEqual(parse("20/11/2026"), datetime.datetime(2026, 11, 20))
        self.assertEqual(parse(datetime.date(2026, 11, 20)), datetime.datetime(2026, 11, 20))
        self.assertRefused(parse, "31/31/2026", "is not a date (use YYYY-MM-DD, DD/MM/YYYY or DD.MM.YYYY)")
        self.assertRefused(parse, 45000, "'45000' is not a date")
        for value in ("0001-01-01", "9999-12-31", datetime.date(1, 1, 1), datetime.datetime.max):
            self.assertRefused(parse, value, "is out of range (expected a date from 1900-01-01 to 2999-12-31)")
        self.assertRefused(parse, "", "the cell is empty (expected a date)")

    def test_rows_keep_no_refused_value(self):
        rows = order_import.check_rows(
            ["order_ref", "customer", "product", "quantity", "price_unit", "commitment_date"],
            [["A", "c", "p", "nan", "1e308", "9999-12-31"], ["B", "c", "p", 10**5000, -1, None]],
        )
        self.assertEqual({k: v for k, v in rows[0].values.items() if k in ("quantity", "price_unit")}, {})
        self.assertNotIn("commitment_date", rows[0].values)
        self.assertEqual(len(rows[0].errors), 3)
        errors = [render(error) for error in rows[1].errors]  # lazy translations: their English text
        self.assertIn("Quantity: the cell has more than 1000 digits.", errors)
        self.assertIn("Unit Price cannot be negative (got '-1').", errors)
