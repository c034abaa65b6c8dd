"""Taxes and currencies of imported orders, from the platforms' documented orders: each order's own
"prices include tax" decides, the channel's tax rates map to Odoo taxes (tax to the cent, or the
record fails with both figures), the fiscal position applies, orders come in the buyer's currency."""

from odoo import Command
from odoo.tests import new_test_user, tagged

from odoo.addons.sales_mgmt_core.tests.common import SalesMgmtCommon

from .stub_server import StubServer, fixture, ok
from .test_adapters_unit import SHOPIFY_PATH
from .test_channel_recovery import WOO_PATH, woo_documented
from .test_normalise_unit import order


@tagged("post_install", "-at_install")
class TestChannelTaxes(SalesMgmtCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stub = StubServer().__enter__()
        cls.addClassCleanup(cls.stub.__exit__)
        cls.integration = new_test_user(cls.env, "sm_tax_bot", groups="sales_mgmt_channels.group_channel_import")
        Tax = cls.env["account.tax"]
        cls.vat13 = Tax.create({"name": "VAT 13%", "amount": 13})
        cls.vat20 = Tax.create({"name": "VAT 20%", "amount": 20})
        cls.vat10 = Tax.create({"name": "VAT 10%", "amount": 10})
        cls.state_tax = Tax.create({"name": "CA State Tax 7.5%", "amount": 7.5})
        cls.sales_tax = Tax.create({"name": "US sales 6%", "amount": 6})
        Product = cls.env["product.product"]
        taxed = {"type": "consu", "taxes_id": [Command.set(cls.vat13.ids)]}
        cls.single = Product.create({"name": "Woo Single #1", "default_code": "SKU-A", **taxed})
        cls.idea = Product.create({"name": "Ship Your Idea", "default_code": "Bar3", **taxed})
        Product.create({"name": "B", "barcode": "SKU-B", **taxed})
        for sku in ("IPOD2008GREEN", "IPOD2008RED", "IPOD2008BLACK"):
            Product.create({"name": sku, "default_code": sku, **taxed})
        cls.shipping = Product.create({"name": "Shipping", "type": "service", "taxes_id": [Command.clear()]})
        cls.woo = cls.env["sales.channel"].create(
            {
                "name": "Woo tax-inclusive shop",
                "channel_type": "woocommerce",
                "base_url": cls.stub.url,
                "api_key": "ck",
                "api_secret": "cs",
                # What a shop showing tax-included prices naturally ticks: it must not break anything.
                "prices_include_tax": True,
                "shipping_product_id": cls.shipping.id,
                "product_map_ids": [Command.create({"sku": "product:93", "product_id": cls.single.id})],
                "tax_map_ids": [Command.create({"rate": 7.5, "tax_id": cls.state_tax.id})],
            }
        )
        cls.json = cls.env["sales.channel"].create(
            {"name": "Zero-rated JSON", "channel_type": "json", "shipping_product_id": cls.shipping.id}
        )

    def _pull_woo(self, *orders):
        self.stub.script("GET", WOO_PATH, [ok(list(orders), **{"X-WP-TotalPages": 1})])
        run = self.woo._sync("manual")
        return run.record_ids.sorted("id")

    def test_each_order_says_whether_its_prices_include_tax(self):
        records = self._pull_woo(woo_documented(727), woo_documented(728))
        self.assertEqual(records.mapped("state"), ["done", "done"], records.mapped("error"))
        for sale in records.order_id:
            self.assertEqual((sale.amount_tax, sale.amount_total), (1.35, 29.35))
            self.assertEqual(sale.order_line.filtered("product_id.taxes_id").tax_ids, self.state_tax)

    def test_one_product_two_channels_two_rates(self):
        self._pull_woo(woo_documented(727))
        zero = order(
            lines=[{"id": "L1", "sku": "SKU-A", "quantity": 1, "unit_price": 24, "tax_rates": [0]}],
            shipping=4.5,
            total="28.50",
            tax=0,
        )
        result = self.json.with_user(self.integration).import_orders([zero])
        self.assertEqual(result["done"], 1, self._errors(self.json))
        woo_line = self.env["sale.order.line"].search([("order_id.channel_id", "=", self.woo.id)], limit=1)
        json_line = self.env["sale.order.line"].search(
            [("order_id.channel_id", "=", self.json.id), ("product_id", "=", self.single.id)]
        )
        self.assertEqual((woo_line.product_id, woo_line.tax_ids), (self.single, self.state_tax))
        self.assertFalse(json_line.tax_ids, "0 % on this channel, whatever the product's 13 %")

    def test_tax_mismatch_fails_with_both_figures(self):
        self.woo.tax_map_ids.tax_id = self.env["account.tax"].create({"name": "Wrong 8%", "amount": 8})
        record = self._pull_woo(woo_documented(727))
        self.assertEqual(record.state, "failed")
        self.assertIn("Tax 1.35 in the channel, 1.44 in Odoo (difference 0.09)", record.error)

    def test_unmapped_rate_says_what_to_map(self):
        self.woo.tax_map_ids.unlink()
        record = self._pull_woo(woo_documented(727))
        self.assertIn("tax rate 7.5% has no Odoo tax", record.error)

    def test_fiscal_position_maps_product_taxes(self):
        position = self.env["account.fiscal.position"].create({"name": "Reduced"})
        self.vat10.fiscal_position_ids = position
        self.vat10.original_tax_ids = self.vat13
        self.json.fiscal_position_id = position
        taxed = order(
            lines=[{"id": "L1", "sku": "SKU-A", "quantity": 1, "unit_price": 20}], shipping=0, total=22, tax=2
        )
        result = self.json.with_user(self.integration).import_orders([taxed])
        self.assertEqual(result["done"], 1, self._errors(self.json))
        sale = self.env["sale.order"].search([("channel_id", "=", self.json.id)])
        self.assertEqual((sale.fiscal_position_id, sale.order_line.tax_ids), (position, self.vat10))

    def test_shopify_order_in_the_buyers_currency_or_the_shops(self):
        self.env.ref("base.CNY").active = False
        shop = self.env["sales.channel"].create(
            {
                "name": "Shopify USD shop",
                "channel_type": "shopify",
                "base_url": self.stub.url,
                "access_token": "tok",
                "shipping_product_id": self.shipping.id,
                "tax_map_ids": [Command.create({"rate": 6, "tax_id": self.sales_tax.id})],
            }
        )
        documented = fixture("shopify_orders_documented.json")
        cny = next(n for n in documented["data"]["orders"]["nodes"] if n["legacyResourceId"] == "450789470")
        page = {**documented, "data": {"orders": {**documented["data"]["orders"], "nodes": [cny]}}}
        # As documented, Shopify's example taxes the price before its discount: the tax differs.
        self.stub.script("POST", SHOPIFY_PATH, [ok(page)])
        record = shop._sync("manual").record_ids
        self.assertIn("Tax 256.5 in the channel, 252.19 in Odoo (difference -4.31)", record.error)
        # Without the discount its figures agree to the cent.
        for line in cny["lineItems"]["nodes"]:
            line["discountAllocations"] = []
        cny["totalPriceSet"]["presentmentMoney"]["amount"] = "4531.50"
        cny["totalPriceSet"]["shopMoney"]["amount"] = "631.56"
        self.stub.script("POST", SHOPIFY_PATH, [ok(page)])
        record = shop._sync("manual").record_ids
        self.assertEqual(record.state, "done", record.error)
        sale = record.order_id
        self.assertEqual((sale.currency_id.name, sale.amount_total), ("CNY", 4531.5), "what the buyer paid")
        self.assertTrue(self.env.ref("base.CNY").active, "the currency is activated for it")
        self.assertEqual(sale.pricelist_id.currency_id.name, "CNY")
        # In the shop's currency: Shopify's per-field conversion is accepted and shown on the order.
        in_usd = shop.copy({"name": "Shopify in USD", "use_shop_currency": True})
        in_usd.write(
            {
                "base_url": self.stub.url,
                "access_token": "tok",
                "tax_map_ids": [Command.create({"rate": 6, "tax_id": self.sales_tax.id})],
            }
        )
        self.stub.script("POST", SHOPIFY_PATH, [ok(page)])
        record = in_usd._sync("manual").record_ids
        self.assertEqual(record.state, "done", record.error)
        sale = record.order_id
        self.assertEqual(sale.currency_id.name, "USD")
        self.assertEqual(sale.amount_total, 631.58, "Shopify's converted parts")
        self.assertTrue(
            any("difference of 0.02 is accepted" in body for body in sale.message_ids.mapped("body")), "shown"
        )

    def test_total_tolerance_accepted_and_shown(self):
        lines = [{**line, "tax_rates": [0]} for line in order()["lines"]]
        within = order(lines=lines, total="28.51", total_tolerance="0.02")
        beyond = order(id="1002", lines=lines, total="28.55", total_tolerance="0.02")
        result = self.json.with_user(self.integration).import_orders([within, beyond])
        self.assertEqual((result["done"], result["failed"]), (1, 1))
        sale = self.env["sale.order"].search([("channel_id", "=", self.json.id)])
        self.assertTrue(any("accepted" in body for body in sale.message_ids.mapped("body")))

    def _errors(self, channel):
        return self.env["sales.channel.import.record"].search([("channel_id", "=", channel.id)]).mapped("error")
