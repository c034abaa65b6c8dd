import base64
import datetime
import io

import openpyxl

from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import SalesMgmtOrderCommon

HEADER = "Order Reference,Customer,Product,Quantity,Unit Price,Order Date,Delivery Date,Note\n"


@tagged("post_install", "-at_install")
class TestOrderImport(SalesMgmtOrderCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.product.default_code = "SKU-001"
        cls.product_2 = cls.env["product.product"].create(
            {"name": "Ribbon", "type": "consu", "default_code": "SKU-002", "barcode": "4006381333931", "list_price": 3}
        )
        cls.alice = cls.env["res.partner"].create({"name": "Alice Import", "email": "alice@example.com", "ref": "C-1"})
        cls.bob = cls.env["res.partner"].create({"name": "Bob Import", "email": "bob@example.com"})
        cls.bob.with_company(cls.company).credit_limit = 1  # his order will be held

    def _wizard(self, content, filename="orders.csv"):
        if isinstance(content, str):
            content = content.encode()
        wizard = (
            self.env["sale.order.import.wizard"]
            .with_user(self.user_salesman)
            .create({"file": base64.b64encode(content), "filename": filename})
        )
        wizard.action_validate()
        return wizard

    def _order_count(self):
        return self.env["sale.order"].search_count([])

    def test_valid_csv_preview_then_import(self):
        csv = HEADER + (
            "WEB-1,alice@example.com,SKU-001,2,19.90,2026-11-20,,Gift wrap\n"
            "WEB-1,alice@example.com,4006381333931,3,,2026-11-20,,\n"
            "WEB-2,Bob Import,SKU-002,1,5,20/11/2026,27.11.2026,\n"
            "WEB-3,C-1,SKU-002,4,1.5,,,\n"
        )
        before = self._order_count()
        wizard = self._wizard(csv)
        self.assertEqual(wizard.state, "preview")
        self.assertEqual(wizard.error_count, 0, wizard.line_ids.mapped("error"))
        self.assertEqual((wizard.line_count, wizard.order_count), (4, 3))
        self.assertEqual(self._order_count(), before, "validation must create nothing")
        wizard.action_import()
        orders = wizard.order_ids
        self.assertEqual(len(orders), 3)
        web1 = orders.filtered(lambda o: o.sm_import_ref == "WEB-1")
        self.assertEqual(web1.partner_id, self.alice)
        self.assertEqual(len(web1.order_line), 2)
        self.assertAlmostEqual(web1.order_line[0].price_unit, 19.90)
        self.assertEqual(web1.order_line[1].product_id, self.product_2)  # found by barcode
        self.assertEqual(web1.state, "sale")
        web2 = orders.filtered(lambda o: o.sm_import_ref == "WEB-2")
        self.assertEqual(web2.approval_state, "pending")  # same approval flow as any confirmation
        self.assertEqual(web2.commitment_date.date(), datetime.date(2026, 11, 27))
        # importing the same file again: every order already imported
        again = self._wizard(csv)
        self.assertEqual(again.error_count, 4)
        self.assertIn("already imported", again.line_ids[0].error)
        with self.assertRaises(UserError):
            again.action_import()

    def test_bad_rows_reported_by_row_nothing_created(self):
        csv = HEADER + (
            "E-1,nobody@example.com,SKU-001,1,1,,,\n"
            "E-2,alice@example.com,SKU-404,1,1,,,\n"
            "E-3,alice@example.com,SKU-001,-2,1,,,\n"
            "E-4,alice@example.com,SKU-001,abc,-1,,,\n"
            "E-5,alice@example.com,SKU-001,1,1,31/31/2026,,\n"
            "E-6,,SKU-001,1,1,,,\n"
            "E-7,alice@example.com,SKU-001,1,1,,,\n"
            "E-7,bob@example.com,SKU-001,1,1,,,\n"
        )
        before = self._order_count()
        wizard = self._wizard(csv)
        errors = {line.row: line.error or "" for line in wizard.line_ids}
        self.assertIn("Unknown customer", errors[2])
        self.assertIn("Unknown product", errors[3])
        self.assertIn("greater than 0", errors[4])
        self.assertIn("not a number", errors[5])
        self.assertIn("cannot be negative", errors[5])
        self.assertIn("not a date", errors[6])
        self.assertIn("Customer is required", errors[7])
        self.assertEqual(errors[8], "")
        self.assertIn("differs from", errors[9])
        # a cell that is not a number shows in the error, never as a 0 in the preview
        lines = {line.row: line for line in wizard.line_ids}
        self.assertEqual((lines[2].has_quantity, lines[2].has_price), (True, True))
        self.assertEqual((lines[5].has_quantity, lines[5].has_price), (False, False))
        with self.assertRaises(UserError):
            wizard.action_import()
        self.assertEqual(self._order_count(), before)

    def test_file_level_errors(self):
        self.assertIn("empty", self._wizard(b"").file_error)
        self.assertIn("empty", self._wizard("\n\n").file_error)
        self.assertIn("Missing columns: Product, Quantity", self._wizard("Order Reference,Customer\nA,B\n").file_error)
        self.assertIn("no order lines", self._wizard(HEADER).file_error)
        self.assertIn("not a readable XLSX", self._wizard(b"PK\x03\x04garbage", "x.xlsx").file_error)

    def test_huge_cell(self):
        csv = HEADER + "BIG-1,alice@example.com,SKU-001,1,1,,," + "x" * (10 * 1024 * 1024) + "\n"
        wizard = self._wizard(csv)
        self.assertIn("characters", wizard.line_ids.error)
        self.assertEqual(len(wizard.line_ids.note or ""), 0)

    def test_xlsx_formulas_and_three_date_formats(self):
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.append(["Order Reference", "Customer", "Product", "Quantity", "Unit Price", "Order Date"])
        sheet.append(["X-1", "alice@example.com", "SKU-001", 1, 10, datetime.datetime(2026, 11, 1)])
        sheet.append(["X-2", "alice@example.com", "SKU-001", 1, 10, "2026-11-02"])
        sheet.append(["X-3", "alice@example.com", "SKU-001", 1, 10, "03/11/2026"])
        sheet.append(["X-4", "alice@example.com", "SKU-001", "=1+1", 10, "04.11.2026"])
        sheet.append(['=HYPERLINK("http://evil")', "alice@example.com", "SKU-001", 1, 10, None])
        buffer = io.BytesIO()
        book.save(buffer)
        wizard = self._wizard(buffer.getvalue(), "orders.xlsx")
        by_ref = {line.row: line for line in wizard.line_ids}
        self.assertEqual(by_ref[2].date_order.date(), datetime.date(2026, 11, 1))
        self.assertEqual(by_ref[3].date_order.date(), datetime.date(2026, 11, 2))
        self.assertEqual(by_ref[4].date_order.date(), datetime.date(2026, 11, 3))
        self.assertIn("formulas are not accepted", by_ref[5].error)
        self.assertIn("formulas are not accepted", by_ref[6].error)
        self.assertFalse(by_ref[2].error or by_ref[3].error or by_ref[4].error)

    def test_template_download_and_form(self):
        wizard = Form(self.env["sale.order.import.wizard"].with_user(self.user_salesman))
        self.assertTrue(wizard.confirm_orders)
        action = self.env["sale.order.import.wizard"].action_download_template()
        self.assertTrue(action["url"].endswith("sale_order_import_template.csv"))
