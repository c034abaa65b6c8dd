"""Imported orders read as in their channel, from the platforms' documented orders: the order date is
when the buyer placed it (also once confirmed), records are named by the reference sellers know, the
names the API encodes are decoded, and every screen names things readably."""

from datetime import datetime

from odoo import Command
from odoo.tests import new_test_user, tagged

from odoo.addons.sales_mgmt_core.tests.common import SalesMgmtCommon

from .stub_server import StubServer, fixture, ok
from .test_adapters_unit import SHOPIFY_PATH
from .test_channel_recovery import WOO_PATH, woo_documented
from .test_channel_statuses import TAOBAO_SKUS, taobao_documented
from .test_normalise_unit import order


@tagged("post_install", "-at_install")
class TestChannelDocumentedDates(SalesMgmtCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stub = StubServer().__enter__()
        cls.addClassCleanup(cls.stub.__exit__)
        cls.integration = new_test_user(cls.env, "sm_dates_bot", groups="sales_mgmt_channels.group_channel_import")
        no_tax = {"type": "consu", "taxes_id": [Command.clear()]}
        Product = cls.env["product.product"]
        cls.single = Product.create({"name": "Woo Single #1", **no_tax})
        Product.create({"name": "Ship Your Idea", "default_code": "Bar3", **no_tax})
        for sku in ("IPOD2009BLACK", "SKU-A", *TAOBAO_SKUS):
            Product.create({"name": sku, "default_code": sku, **no_tax})
        Product.create({"name": "B", "barcode": "SKU-B", **no_tax})
        shipping = Product.create({"name": "Shipping", "type": "service", "taxes_id": [Command.clear()]})
        common = {"base_url": cls.stub.url, "api_key": "ck", "api_secret": "cs", "shipping_product_id": shipping.id}
        Channel = cls.env["sales.channel"]
        cls.woo = Channel.create(
            {
                "name": "Woo dates",
                "channel_type": "woocommerce",
                "product_map_ids": [Command.create({"sku": "product:93", "product_id": cls.single.id})],
                "tax_map_ids": [
                    Command.create(
                        {
                            "rate": 7.5,
                            "tax_id": cls.env["account.tax"].create({"name": "CA State Tax 7.5%", "amount": 7.5}).id,
                        }
                    )
                ],
                **common,
            }
        )
        cls.shopify = Channel.create(
            {
                "name": "Shopify dates",
                "channel_type": "shopify",
                "access_token": "tok",
                "tax_map_ids": [
                    Command.create(
                        {"rate": 6, "tax_id": cls.env["account.tax"].create({"name": "State Tax 6%", "amount": 6}).id}
                    )
                ],
                **common,
            }
        )
        cls.taobao = Channel.create({"name": "Tmall dates", "channel_type": "taobao", **common})
        cls.json = Channel.create({"name": "JSON dates", "channel_type": "json", "shipping_product_id": shipping.id})

    def _pull_shopify(self, *ids, **changes):
        documented = fixture("shopify_orders_documented.json")
        nodes = [{**n, **changes} for n in documented["data"]["orders"]["nodes"] if n["legacyResourceId"] in ids]
        page = {**documented, "data": {"orders": {**documented["data"]["orders"], "nodes": nodes}}}
        self.stub.script("POST", SHOPIFY_PATH, [ok(page)])
        return self.shopify._sync("manual").record_ids.sorted("id")

    def _pull_woo(self, *orders):
        self.stub.script("GET", WOO_PATH, [ok(list(orders), **{"X-WP-TotalPages": 1})])
        return self.woo._sync("manual").record_ids.sorted("id")

    def test_order_date_is_when_the_buyer_ordered(self):
        """Trial defect 3: createdAt / date_created_gmt / created (China time) / created_at, else updated_at;
        kept when Odoo confirms the paid order."""
        # Shopify's fulfilled #1002 (ordered 2025-04-02 11:31:05 -05:00), updated again a day later
        record = self._pull_shopify("1073459972", updatedAt="2025-04-03T09:00:00-05:00")
        self.assertEqual(record.state, "done", record.error)
        self.assertEqual(record.order_id.state, "sale")
        self.assertEqual(record.order_id.date_order, datetime(2025, 4, 2, 16, 31, 5))
        record = self._pull_woo(woo_documented(727))  # processing: confirmed
        self.assertEqual(record.state, "done", record.error)
        self.assertEqual(record.order_id.state, "sale")
        self.assertEqual(record.order_id.date_order, datetime(2017, 3, 22, 19, 28, 2), "date_created_gmt")
        Record = self.env["sales.channel.import.record"]
        run = self.env["sales.channel.import.run"].create({"channel_id": self.taobao.id, "trigger": "manual"})
        trade = taobao_documented("289749893209214687")  # created 2026-11-20 09:58:00 China time, paid
        record = Record.create(Record._prepare_values(self.taobao, trade, run, source_format="taobao"))
        self.taobao._process_records(record, run=run)
        self.assertEqual(record.state, "done", record.error)
        self.assertEqual(record.order_id.date_order, datetime(2026, 11, 20, 1, 58))
        with_date = order(id="d1", tax=0, created_at="2026-11-19T08:00:00+08:00")
        without = order(id="d2", tax=0)
        self.json.with_user(self.integration).import_orders([with_date, without])
        sales = self.env["sale.order"].search([("channel_id", "=", self.json.id)], order="channel_order_ref")
        self.assertEqual(sales.mapped("state"), ["sale", "sale"])
        self.assertEqual(sales.mapped("date_order"), [datetime(2026, 11, 19, 0, 0), datetime(2026, 11, 20, 2, 0)])

    def test_records_and_lines_read_as_in_the_channel(self):
        """Trial defect 8: Shopify records by order name, WooCommerce names decoded, readable identities and
        pricelists, the channel's update time on records that failed validation."""
        record = self._pull_shopify("1073459972")
        self.assertEqual(record.display_name, "Shopify dates #1002")
        self.assertEqual(record.order_id.channel_order_ref, "1073459972", "the id Shopify's API takes")
        record = self._pull_woo(woo_documented(727))
        self.assertIn("Ship Your Idea \u2013 Color: Black, Size: M Test", record.order_id.order_line.mapped("name"))
        identity = self.env["sales.channel.identity"].search([("channel_id", "=", self.shopify.id)])
        self.assertEqual(identity.display_name, "Shopify dates gid://shopify/Customer/1073339470")
        self.env.ref("base.CNY").active = True
        cny = order(id="c1", currency="CNY", tax=0)
        self.json.with_user(self.integration).import_orders([cny])
        pricelist = self.env["sale.order"].search([("channel_order_ref", "=", "c1")]).pricelist_id
        self.assertEqual(pricelist.display_name, "JSON dates (CNY)")
        self.json.with_user(self.integration).import_orders([order(id="bad-1", total="99")])
        failed = self.env["sales.channel.import.record"].search([("external_ref", "=", "bad-1")])
        self.assertEqual((failed.state, failed.channel_updated_at), ("failed", datetime(2026, 11, 20, 2, 0)))
