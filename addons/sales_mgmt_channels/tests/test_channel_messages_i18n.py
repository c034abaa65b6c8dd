"""Import errors read in the reader's language, whoever ran the import.

Orders are imported through the real pipeline by an en_US integration (as the cron runs as an
en_US administrator); the error stored on the import record (and run) then reads in Chinese for a
zh_CN user and in English for an en_US one: payload errors built in the plain-Python normaliser,
unreadable pages of a pull, and the pipeline's own errors (unknown SKU, amounts that do not match).
"""

import re

from odoo import Command
from odoo.tests import new_test_user, tagged

from odoo.addons.sales_mgmt_core.tests.common import SalesMgmtCommon

from ..tools.http_client import HttpClient
from .stub_server import Answer, StubServer
from .test_normalise_unit import order

CJK = re.compile(r"[\u4e00-\u9fff]")
WOO_PATH = "/wp-json/wc/v3/orders"


def _chinese_and_english_readers(cls, login):
    """zh_CN loaded as a module update or `odoo-bin i18n loadlang` would (the modules' zh_CN.po), and
    two channel administrators reading in zh_CN and en_US."""
    cls.env["res.lang"]._activate_lang("zh_CN")
    cls.env["ir.module.module"]._load_module_terms(
        ["sales_mgmt_core", "sales_mgmt_channels"], ["zh_CN"], overwrite=True
    )
    admin = "sales_mgmt_channels.group_channel_admin"
    cls.reader_zh = new_test_user(cls.env, f"{login}_zh", groups=admin, lang="zh_CN")
    cls.reader_en = new_test_user(cls.env, f"{login}_en", groups=admin, lang="en_US")


@tagged("post_install", "-at_install")
class TestChannelMessagesLanguage(SalesMgmtCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        _chinese_and_english_readers(cls, "sm_i18n_reader")
        cls.integration = new_test_user(
            cls.env, "sm_i18n_bot", groups="sales_mgmt_channels.group_channel_import", lang="en_US"
        )
        no_tax = {"type": "consu", "taxes_id": [Command.clear()]}
        cls.env["product.product"].create({"name": "A", "default_code": "SKU-A", **no_tax})
        cls.env["product.product"].create({"name": "B", "barcode": "SKU-B", **no_tax})
        shipping = cls.env["product.product"].create({"name": "Shipping", "type": "service", **no_tax})
        cls.channel = cls.env["sales.channel"].create(
            {"name": "I18n feed", "channel_type": "json", "shipping_product_id": shipping.id}
        )

    def _import(self, *payloads):
        """Import as the en_US integration; the failed records."""
        bot = self.channel.with_user(self.integration).with_context(lang="en_US")
        run = self.env["sales.channel.import.run"].browse(bot.import_orders(list(payloads))["run_id"])
        return run.record_ids.filtered(lambda record: record.state == "failed")

    def _read(self, records, user, fname="error"):
        """``fname`` of ``records`` as ``user`` reads it (the web client sends the user's language)."""
        records.invalidate_recordset()
        return records.with_user(user).with_context(lang=user.lang)[fname]

    def assertChinese(self, text, english):
        self.assertRegex(text or "", CJK, f"not in Chinese: {text!r}")
        self.assertNotEqual(text, english)

    def test_total_mismatch_in_each_readers_language(self):
        record = self._import(order(total="1.00"))
        english = self._read(record, self.reader_en)
        self.assertEqual(
            english, "total 1.00 does not match the lines, discounts, shipping and tax (28.50): difference -27.50"
        )
        chinese = self._read(record, self.reader_zh)
        self.assertChinese(chinese, english)
        self.assertNotIn("does not match", chinese)
        for figure in ("1.00", "28.50", "-27.50"):
            self.assertIn(figure, chinese, "figures are shown as they are")
        self.assertEqual(self._read(record, self.reader_zh, "error_summary"), chinese)
        self.assertEqual(self._read(record, self.reader_en, "error_summary"), english)

    def test_wrong_field_type_names_the_field_in_each_language(self):
        lines = [{"id": "L1", "sku": "SKU-A", "quantity": "two", "unit_price": "10.00"}]
        record = self._import(order(lines=lines, customer="Ann"))
        english = self._read(record, self.reader_en)
        self.assertIn("line 1 quantity is not a number: 'two'", english)
        self.assertIn("customer must be an object (got text)", english)
        chinese = self._read(record, self.reader_zh)
        self.assertChinese(chinese, english)
        self.assertIn("'two'", chinese, "what came is shown as received")
        for words in ("line 1", "quantity", "is not a number", "customer", "must be an object", "text"):
            self.assertNotIn(words, chinese, "labels and kinds are translated as well")
        self.assertIn("; ", english)
        self.assertIn("\uff1b", chinese, "problems separated by a full-width semicolon in Chinese")
        self.assertNotIn("; ", chinese)

    def test_total_of_an_order_without_its_tax_says_what_to_set(self):
        """Odoo adds the products' taxes to an order that does not state its own: the message gives the
        totals and the tax Odoo added, and advises the channel's tax settings (no "difference -")."""
        taxed = self.env["account.tax"].create({"name": "VAT 13", "amount": 13, "type_tax_use": "sale"})
        self.env["product.product"].create({"name": "C", "default_code": "SKU-C", "taxes_id": [Command.set(taxed.ids)]})
        lines = [{"id": "L1", "sku": "SKU-C", "quantity": 1, "unit_price": "100.00"}]
        record = self._import(order(lines=lines, shipping="0", total="100.00"))
        english = self._read(record, self.reader_en)
        self.assertIn("Total 100.00 USD in the channel, 113.00 USD in Odoo (difference 13.00 USD)", english)
        self.assertIn("13.00 USD of tax added by Odoo", english)
        self.assertIn("tick Prices Include Tax", english)
        self.assertNotIn("difference -)", english)

    def test_unreadable_body_in_each_language(self):
        record = self._import("{not json")
        self.assertEqual(
            self._read(record, self.reader_en),
            "the body is not valid JSON: unexpected 'n' at character 2 of 9 (line 1, column 2)",
        )
        chinese = self._read(record, self.reader_zh)
        self.assertChinese(chinese, "")
        self.assertIn("JSON", chinese)
        self.assertNotIn("the body", chinese)

    def test_pipeline_error_in_each_language(self):
        """An unknown SKU fails in the importer's language (en_US) and is stored in every language; the
        failed import leaves no order nor customer."""
        record = self._import(order(lines=[{"id": "L1", "sku": "NOPE", "quantity": 1, "unit_price": 24}]))
        english = self._read(record, self.reader_en)
        self.assertIn("Unknown SKU NOPE", english)
        chinese = self._read(record, self.reader_zh)
        self.assertChinese(chinese, english)
        self.assertIn("NOPE", chinese)
        self.assertFalse(self.env["sale.order"].search([("channel_id", "=", self.channel.id)]))
        self.assertFalse(self.env["res.partner"].search([("email", "=", "ann@example.com")]), "nor customer")
        # and the other way round: imported by a zh_CN user, read in English
        self.integration.lang = "zh_CN"
        bot = self.channel.with_user(self.integration).with_context(lang="zh_CN")
        run = self.env["sales.channel.import.run"].browse(
            bot.import_orders([order(id="1002", lines=[{"id": "L1", "sku": "NOPE", "quantity": 1, "unit_price": 24}])])[
                "run_id"
            ]
        )
        self.assertEqual(self._read(run.record_ids, self.reader_en), english)
        self.assertEqual(self._read(run.record_ids, self.reader_zh), chinese)

    def test_retry_that_succeeds_clears_the_error_in_every_language(self):
        record = self._import(order(lines=[{"id": "L1", "sku": "NOPE", "quantity": 1, "unit_price": 24}]))
        product = self.env["product.product"].search([("default_code", "=", "SKU-A")])
        self.env["sales.channel.product.map"].create(
            {"channel_id": self.channel.id, "sku": "NOPE", "product_id": product.id}
        )
        record.action_retry()
        self.assertEqual(record.state, "done")
        self.assertFalse(self._read(record, self.reader_zh))
        self.assertFalse(self._read(record, self.reader_en))


@tagged("post_install", "-at_install")
class TestPullMessagesLanguage(SalesMgmtCommon):
    """An unreadable page of a pull: its record, the run and the channel's last error in each language."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        _chinese_and_english_readers(cls, "sm_i18n_pull")
        cls.stub = StubServer().__enter__()
        cls.addClassCleanup(cls.stub.__exit__)
        cls.woo = cls.env["sales.channel"].create(
            {
                "name": "Woo i18n",
                "channel_type": "woocommerce",
                "base_url": cls.stub.url,
                "api_key": "ck_i18n",
                "api_secret": "cs_i18n",
                "sync_cursor": "2017-03-01T00:00:00Z",
            }
        )

    def test_unreadable_page_in_each_language(self):
        pages = [b'[{"id": 727, "status": "processing", "currency": "US', b"[]"]
        self.stub.script(
            "GET", WOO_PATH, [Answer(callback=lambda request: Answer(200, pages[int(request["query"]["page"]) - 1]))]
        )
        client = HttpClient(secrets=["ck_i18n", "cs_i18n"], retries=1, sleep=lambda _s: None)
        run = self.woo.with_context(lang="en_US")._sync("cron", client=client)
        page = run.record_ids.filtered(lambda record: record.record_type == "page")
        self.assertEqual(page.state, "failed")

        def read(records, user, fname="error"):
            records.invalidate_recordset()
            return records.with_user(user).with_context(lang=user.lang)[fname]

        english = read(page, self.reader_en)
        self.assertTrue(english.startswith("The channel's answer could not be read: GET "), english)
        self.assertIn("the body is not complete JSON", english)
        self.assertIn("(same answer 2 times).", english)
        chinese = read(page, self.reader_zh)
        self.assertRegex(chinese, CJK)
        for words in ("could not be read", "the body", "same answer"):
            self.assertNotIn(words, chinese, "the page's reason reads in Chinese, the body's problem too")
        self.assertNotIn("cs_i18n", english + chinese, "no credential in the message")
        run_en, run_zh = read(run, self.reader_en), read(run, self.reader_zh)
        self.assertIn("1 page(s) of the channel's answer could not be read", run_en)
        self.assertRegex(run_zh, CJK)
        self.assertNotIn("could not be read", run_zh)
        self.assertEqual(read(self.woo, self.reader_zh, "last_error"), run_zh)
        self.assertEqual(read(self.woo, self.reader_en, "last_error"), run_en.splitlines()[0])
