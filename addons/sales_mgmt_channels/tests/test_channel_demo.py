"""The demo loader (demo/sales_channel_demo.xml calls it) on a test database: the documented Taobao and
Shopify orders go through the real pipeline, in CNY and USD, and one record of each channel fails with
its error. Also the imported orders' and runs' screens: cards on a phone, helpful empty states."""

from lxml import etree

from odoo import Command
from odoo.tests import tagged

from odoo.addons.sales_mgmt_core.tests.common import SalesMgmtCommon

SKUS = ("IPOD2008GREEN", "IPOD2008RED", "IPOD2008BLACK", "IPOD2009BLACK", "JHJL001", "JHJL003")


@tagged("post_install", "-at_install")
class TestChannelDemo(SalesMgmtCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        no_tax = {"type": "consu", "taxes_id": [Command.clear()]}
        cls.env["product.product"].create([{"name": sku, "default_code": sku, **no_tax} for sku in SKUS])
        shipping = cls.env["product.product"].create({"name": "Shipping", "type": "service", **no_tax})
        tax = cls.env["account.tax"].create({"name": "Demo State Tax 6%", "amount": 6, "type_tax_use": "sale"})
        Channel = cls.env["sales.channel"]
        common = {"base_url": "http://127.0.0.1:9", "shipping_product_id": shipping.id}
        cls.taobao = Channel.create({"name": "Demo Taobao", "channel_type": "taobao", **common})
        cls.shopify = Channel.create(
            {
                "name": "Demo Shopify",
                "channel_type": "shopify",
                "tax_map_ids": [Command.create({"rate": 6, "tax_id": tax.id})],
                **common,
            }
        )

    def test_demo_import_imports_and_fails_as_intended(self):
        runs = (self.taobao | self.shopify)._demo_import()
        taobao_run = runs.filtered(lambda r: r.channel_id == self.taobao)
        shopify_run = runs - taobao_run
        counts = [(r.received_count, r.done_count, r.failed_count, r.state) for r in (taobao_run, shopify_run)]
        errors = (taobao_run | shopify_run).record_ids.filtered(lambda r: r.state == "failed").mapped("error")
        self.assertEqual(counts, [(4, 3, 1, "done"), (3, 2, 1, "done")], errors)

        taobao_orders = taobao_run.record_ids.order_id
        self.assertEqual(set(taobao_orders.currency_id.mapped("name")), {"CNY"})
        self.assertEqual(
            sorted(taobao_orders.mapped("state")), ["draft", "sale", "sale"], "paid trades confirmed, unpaid quoted"
        )
        failed = taobao_run.record_ids.filtered(lambda r: r.state == "failed")
        self.assertEqual(failed.external_ref, "289749893209214693")
        self.assertIn("JHJL002", failed.error)
        self.assertFalse(failed.order_id)

        shopify_orders = shopify_run.record_ids.order_id
        self.assertEqual(set(shopify_orders.currency_id.mapped("name")), {"USD"})
        self.assertEqual(shopify_orders.mapped("state"), ["sale", "sale"])
        self.assertEqual(sorted(shopify_run.record_ids.mapped("external_ref")), ["#1002", "#1004", "#1006"])
        failed = shopify_run.record_ids.filtered(lambda r: r.state == "failed")
        self.assertIn("custom:", failed.error, "custom items without SKU match no product")
        self.assertIn("has no SKU on the channel: map the key custom:", failed.error, "said in words, not as a SKU")
        for record in taobao_run.record_ids | shopify_run.record_ids:
            self.assertEqual(record.source_format, record.channel_id.channel_type, "stored as the pull stores them")
        self.taobao.invalidate_recordset()
        self.assertEqual((self.taobao.failed_import_count, self.taobao.health_state), (1, "warning"))

    def test_import_screens_have_cards_and_empty_states(self):
        """Trial 17 defects 3 and 7: at 390 px the lists open as cards showing the state and the error;
        an empty list says what the screen is for instead of Odoo's generic text."""
        for xmlid, model, fields_shown in (
            ("sales_channel_import_record_action", "sales.channel.import.record", ("state", "error_summary")),
            ("sales_channel_import_run_action", "sales.channel.import.run", ("state", "error_summary")),
        ):
            action = self.env.ref(f"sales_mgmt_channels.{xmlid}")
            self.assertIn("kanban", action.view_mode.split(","))
            self.assertEqual(action.mobile_view_mode, "kanban")
            arch = etree.fromstring(self.env[model].get_view(view_type="kanban")["arch"])
            self.assertIn("o_kanban_mobile", arch.get("class"))
            card = arch.xpath("//t[@t-name='card']")[0]
            for name in fields_shown:
                self.assertTrue(card.xpath(f".//field[@name='{name}']"), f"{model}: {name} on the card")
            self.assertTrue(action.help and "o_view_nocontent" in action.help, xmlid)
        record_help = self.env.ref("sales_mgmt_channels.sales_channel_import_record_action").help
        self.assertIn("Retry", record_help)
        self.assertIn("No import has run yet", self.env.ref("sales_mgmt_channels.sales_channel_import_run_action").help)
        failed = self.taobao.action_view_failed_imports()
        self.assertIn("kanban", failed["view_mode"])
        self.assertEqual(failed["mobile_view_mode"], "kanban")
