"""Taxes and currencies of imported orders, from the platforms' documented orders: each order's own
"prices include tax" decides, the channel's tax rates map to Odoo taxes (tax to the cent, or the
record fails with both figures), the fiscal position applies, orders come in the buyer's currency."""

from odoo import Command
from odoo.tests import new_test_user, tagged

from odoo.addons.sales_mgmt_core.tests.common import SalesMgmtCommon

from .stub_server import StubServer, fixture, ok
from .test_adapters_unit import SHOPIFY_PATH
from .test_channel_recovery import WOO_PATH, woo_documented
from .test_channel_statuses import TAOBAO_SKUS, taobao_documented
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
        for sku in ("IPOD2008GREEN", "IPOD2008RED", "IPOD2008BLACK", "IPOD2009BLACK", *TAOBAO_SKUS):
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
        self.assertIn(
            "Tax 1.35 USD in the channel, 1.44 USD in Odoo (difference 0.09 USD); "
            "total 29.35 USD in the channel, 29.44 USD in Odoo (difference 0.09 USD).",
            record.error,
        )

    def _shopify(self, **values):
        return self.env["sales.channel"].create(
            {
                "name": "Shopify EUR shop",
                "channel_type": "shopify",
                "base_url": self.stub.url,
                "access_token": "tok",
                "shipping_product_id": self.shipping.id,
                "tax_map_ids": [Command.create({"rate": 6, "tax_id": self.sales_tax.id})],
                "product_map_ids": [
                    Command.create({"sku": "custom:Big Brown Bear Boots", "product_id": self.single.id})
                ],
                **values,
            }
        )

    def _pull_shopify(self, channel, *ids, **changes):
        """A page of Shopify's documented orders ``ids``, each node updated with ``changes``."""
        documented = fixture("shopify_orders_documented.json")
        nodes = [{**n, **changes} for n in documented["data"]["orders"]["nodes"] if n["legacyResourceId"] in ids]
        page = {**documented, "data": {"orders": {**documented["data"]["orders"], "nodes": nodes}}}
        self.stub.script("POST", SHOPIFY_PATH, [ok(page)])
        return channel._sync("manual").record_ids.sorted("id")

    def test_taxed_shipping_of_tax_included_orders_takes_the_stated_rate(self):
        """Trial defect 1: the shipping's rate is the one the order states, not its tax over the gross shipping."""
        record = self._pull_woo(woo_documented(732))  # 10.00 shipping + 0.75 at rate 75 (7.5 %), prices with tax
        self.assertEqual(record.state, "done", record.error)
        shipping = record.order_id.order_line.filtered(lambda line: line.channel_line_ref == "shipping")
        self.assertEqual((record.order_id.amount_tax, record.order_id.amount_total), (2.10, 30.10))
        self.assertEqual((shipping.tax_ids, shipping.price_subtotal), (self.state_tax, 10.0))
        record = self._pull_shopify(self._shopify(), "1073459978")  # taxesIncluded, 10.00 shipping with 6 % (0.57)
        self.assertEqual(record.state, "done", record.error)
        shipping = record.order_id.order_line.filtered(lambda line: line.channel_line_ref == "shipping")
        self.assertEqual((record.order_id.amount_tax, record.order_id.amount_total), (13.30, 234.97))
        self.assertEqual((shipping.tax_ids, shipping.price_subtotal), (self.sales_tax, 9.43))

    def test_orders_stating_zero_tax_get_no_tax(self):
        """Trial defect 2: an order states its taxes when it has tax lines or line rates, or a tax amount
        (Shopify and WooCommerce always report one; normalised JSON with a "tax" key). A stated zero is no
        tax, whatever the products carry (13 % here); without a stated tax, the products' taxes apply."""
        self.woo.product_map_ids = [
            Command.create({"sku": sku, "product_id": self.single.id}) for sku in ("product:87", "product:34")
        ]
        record = self._pull_woo(woo_documented(723))  # total_tax "0.00", tax_lines []
        self.assertEqual(record.state, "done", record.error)
        self.assertEqual((record.order_id.amount_tax, record.order_id.amount_total), (0, 39))
        self.assertFalse(record.order_id.order_line.tax_ids)
        record = self._pull_shopify(self._shopify(), "1073459972")  # totalTaxSet 0.00, taxLines []
        self.assertEqual(record.state, "done", record.error)
        self.assertEqual((record.order_id.amount_tax, record.order_id.amount_total), (0, 199))
        mug = [{"id": "L1", "sku": "SKU-A", "quantity": 2, "unit_price": "9.00"}]  # the README's shape
        stated = order(id="mug-0", lines=mug, shipping=0, tax=0, total="18.00")
        unstated = order(id="mug-x", lines=[{**mug[0], "quantity": 1, "unit_price": "22.60"}], shipping=0, total=22.6)
        self.json.prices_include_tax = True  # for orders that do not say: the products' taxes are included
        result = self.json.with_user(self.integration).import_orders([stated, unstated])
        self.assertEqual(result["done"], 2, self._errors(self.json))
        sales = self.env["sale.order"].search([("channel_id", "=", self.json.id)], order="channel_order_ref")
        self.assertEqual(sales.mapped("amount_tax"), [0, 2.6])
        self.assertEqual(sales.mapped("amount_total"), [18, 22.6])
        self.assertEqual(sales[1].order_line.tax_ids, self.vat13, "no stated tax: the product's")

    def test_taobao_needs_a_fiscal_position_for_its_included_taxes(self):
        """Trial defect 7: Taobao prices include tax without saying which: the channel's fiscal position
        decides; without one the record fails with what to set. Channels without push-back ship outside Odoo."""
        taobao = self.env["sales.channel"].create(
            {"name": "Tmall no position", "channel_type": "taobao", "shipping_product_id": self.shipping.id}
        )
        self.assertEqual(taobao.fulfilment_mode, "channel", "nothing would tell Taobao that Odoo shipped")
        self.assertEqual((self.woo.fulfilment_mode, self.json.fulfilment_mode), ("odoo", "channel"))
        Record = self.env["sales.channel.import.record"]
        run = self.env["sales.channel.import.run"].create({"channel_id": taobao.id, "trigger": "manual"})
        record = Record.create(
            Record._prepare_values(taobao, taobao_documented("289749893209214687"), run, source_format="taobao")
        )
        taobao._process_records(record, run=run)
        self.assertEqual(record.state, "failed")
        self.assertIn("set the channel's fiscal position", record.error)
        self.assertIn("VAT 13%", record.error)
        included = self.env["account.tax"].create(
            {"name": "VAT 13% included", "amount": 13, "price_include_override": "tax_included"}
        )
        taobao.fiscal_position_id = self.env["account.fiscal.position"].create({"name": "China B2C"})
        included.fiscal_position_ids = taobao.fiscal_position_id
        included.original_tax_ids = self.vat13
        record.action_retry()
        self.assertEqual(record.state, "done", record.error)
        line = record.order_id.order_line.filtered(lambda line: line.product_id.default_code == TAOBAO_SKUS[0])
        self.assertEqual((line.tax_ids, line.price_unit), (included, 0.01), "the paid price, tax included")

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
        self.assertIn("Tax 256.50 CNY in the channel, 252.19 CNY in Odoo (difference -4.31 CNY)", record.error)
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
