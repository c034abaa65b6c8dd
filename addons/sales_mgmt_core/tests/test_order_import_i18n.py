"""The spreadsheet order import speaks the user's language: cell and file errors built in the plain-Python
sheet reader (lazy translations) are shown in Chinese to a zh_CN user, in English to an en_US one."""

import base64
import re

from odoo.tests import tagged

from ..tools import order_import
from ..tools.messages import render
from .common import SalesMgmtOrderCommon

HEADER = "Order Reference,Customer,Product,Quantity,Unit Price,Order Date,Delivery Date,Note\n"
CJK = re.compile(r"[\u4e00-\u9fff]")


@tagged("post_install", "-at_install")
class TestOrderImportLanguage(SalesMgmtOrderCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        # as a module update or `odoo-bin i18n loadlang` would: the module's zh_CN.po
        cls.env["ir.module.module"]._load_module_terms(["sales_mgmt_core"], ["zh_CN"], overwrite=True)
        cls.product.default_code = "SKU-001"
        cls.env["res.partner"].create({"name": "Alice Import", "email": "alice@example.com"})
        cls.user_salesman_2.lang = "zh_CN"
        cls.user_salesman.lang = "en_US"

    def _wizard(self, user, content):
        wizard = (
            self.env["sale.order.import.wizard"]
            .with_user(user)
            .with_context(lang=user.lang)  # as the web client calls it for this user
            .create({"file": base64.b64encode(content.encode()), "filename": "orders.csv"})
        )
        wizard.action_validate()
        return wizard

    def test_bad_number_cell_in_the_users_language(self):
        csv = HEADER + "WEB-1,alice@example.com,SKU-001,abc,-5,2026-11-20,,\n"
        english = self._wizard(self.user_salesman, csv).line_ids.error
        self.assertIn("Quantity: 'abc' is not a number (expected digits such as 12 or 12.5).", english)
        self.assertIn("Unit Price cannot be negative (got '-5').", english)
        chinese = self._wizard(self.user_salesman_2, csv).line_ids.error
        lines = chinese.splitlines()
        self.assertEqual(len(lines), 2, chinese)
        for line, value in zip(lines, ("abc", "-5"), strict=True):
            self.assertIn(value, line)
            self.assertRegex(line, CJK, f"not in Chinese: {line!r}")
        self.assertNotIn("is not a number", chinese)
        self.assertNotIn("cannot be negative", chinese)
        # the column is named as the Chinese sheet header names it (Quantity: 数量)
        self.assertTrue(lines[0].startswith(render(order_import.COLUMN_LABELS["quantity"], "zh_CN")), lines[0])
        self.assertEqual(render(order_import.COLUMN_LABELS["quantity"], "zh_CN"), "数量")

    def test_file_error_in_the_users_language(self):
        csv = "Reference,Customer\nWEB-1,alice@example.com\n"
        english = self._wizard(self.user_salesman, csv).file_error
        self.assertTrue(english.startswith("Missing columns: Order Reference, Product, Quantity."), english)
        chinese = self._wizard(self.user_salesman_2, csv).file_error
        self.assertRegex(chinese, CJK)
        self.assertNotIn("Missing columns", chinese)
        self.assertIn("产品", chinese, "the missing columns are named in Chinese too")

    def test_sheet_errors_are_english_as_text(self):
        """Logs and plain-Python callers read English: str() of an error, whatever the request's language."""
        with self.assertRaises(order_import.CellError) as caught:
            order_import.parse_number("abc", order_import.COLUMN_LABELS["price_unit"])
        self.assertEqual(
            str(caught.exception), "Unit Price: 'abc' is not a number (expected digits such as 12 or 12.5)."
        )
        self.assertEqual(
            caught.exception.render(self.env(context={"lang": "zh_CN"})),
            render(caught.exception.message, "zh_CN"),
        )
