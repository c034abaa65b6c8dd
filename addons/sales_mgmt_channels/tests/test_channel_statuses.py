"""Channel statuses on the Odoo order, from the platforms' documented orders: shipped and received
orders, "shipped by this Odoo warehouse" or "shipped outside Odoo", unpaid states left as
quotations, paid orders confirmed even when stock is short (oversell alert), masked buyers."""

from odoo import Command
from odoo.tests import new_test_user, tagged

from odoo.addons.queue_job.tests.common import trap_jobs
from odoo.addons.sales_mgmt_core.tests.common import SalesMgmtCommon

from .stub_server import StubServer, fixture, ok
from .test_channel_recovery import WOO_PATH, woo_documented
from .test_normalise_unit import order

TAOBAO_SKUS = ("JHJL001", "JHJL003")


def taobao_documented(tid):
    """A trade of the TOP API's documented taobao.trade.fullinfo.get answers (bububa/opentaobao models)."""
    return fixture("taobao_trades_documented.json")[tid]["trade_fullinfo_get_response"]["trade"]


@tagged("post_install", "-at_install")
class TestChannelStatuses(SalesMgmtCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stub = StubServer().__enter__()
        cls.addClassCleanup(cls.stub.__exit__)
        cls.integration = new_test_user(cls.env, "sm_status_bot", groups="sales_mgmt_channels.group_channel_import")
        cls.buyer_user = new_test_user(cls.env, "sm_purchase_resp", groups="stock.group_stock_user")
        cls.env.ref("base.CNY").active = True
        Product = cls.env["product.product"]
        storable = {"type": "consu", "is_storable": True, "taxes_id": [Command.clear()]}
        cls.album = Product.create({"name": "Woo Album #2", **storable})
        cls.ninja = Product.create({"name": "Woo Ninja", **storable})
        cls.tb = Product.create([{"name": sku, "default_code": sku, **storable} for sku in TAOBAO_SKUS])
        cls.short = Product.create(
            {"name": "Short", "default_code": "SKU-A", **storable, "responsible_id": cls.buyer_user.id}
        )
        Product.create({"name": "B", "barcode": "SKU-B", "type": "consu", "taxes_id": [Command.clear()]})
        warehouse = cls.env["stock.warehouse"].search([("company_id", "=", cls.env.company.id)], limit=1)
        for product in (cls.album, cls.ninja, *cls.tb):
            cls.env["stock.quant"]._update_available_quantity(product, warehouse.lot_stock_id, 10)
        cls.shipping = Product.create({"name": "Shipping", "type": "service", "taxes_id": [Command.clear()]})
        common = {"base_url": cls.stub.url, "api_key": "ck", "api_secret": "cs", "shipping_product_id": cls.shipping.id}
        maps = [Command.create({"sku": "product:87", "product_id": cls.album.id})]
        maps.append(Command.create({"sku": "product:34", "product_id": cls.ninja.id}))
        Channel = cls.env["sales.channel"]
        cls.woo_odoo = Channel.create(
            {"name": "Woo ships in Odoo", "channel_type": "woocommerce", "product_map_ids": maps, **common}
        )
        cls.woo_outside = Channel.create(
            {
                "name": "Woo ships outside",
                "channel_type": "woocommerce",
                "fulfilment_mode": "channel",
                "product_map_ids": maps,
                **common,
            }
        )
        cls.taobao = Channel.create(
            {"name": "Tmall outside", "channel_type": "taobao", "fulfilment_mode": "channel", **common}
        )
        cls.json = Channel.create(
            {"name": "Status JSON", "channel_type": "json", "shipping_product_id": cls.shipping.id}
        )

    def _pull_woo(self, channel, *orders):
        self.stub.script("GET", WOO_PATH, [ok(list(orders), **{"X-WP-TotalPages": 1})])
        channel._sync("manual")
        return self.env["sale.order"].search([("channel_id", "=", channel.id)], order="channel_order_ref")

    def _store_taobao(self, *tids):
        """What a Taobao pull stores (the full trade of each tid), then processed as the pull does."""
        Record = self.env["sales.channel.import.record"]
        run = self.env["sales.channel.import.run"].create({"channel_id": self.taobao.id, "trigger": "manual"})
        records = Record.create(
            [Record._prepare_values(self.taobao, taobao_documented(t), run, source_format="taobao") for t in tids]
        )
        self.taobao._process_records(records, run=run)
        return records

    def test_completed_woocommerce_order_shipped_outside_odoo(self):
        with trap_jobs() as trap:
            sale = self._pull_woo(self.woo_outside, woo_documented(723))
            trap.assert_jobs_count(0, only=self.env["stock.picking"]._sm_job_push_fulfilment)
        self.assertEqual(sale.state, "sale")
        self.assertTrue(sale.sm_channel_paid, "a shipped order was paid")
        self.assertEqual(sale.picking_ids.mapped("state"), ["done"], "the channel shipped it: delivery validated")
        self.assertEqual(sale.fulfilment_status, "shipped")
        self.assertEqual(self.album.qty_available, 9, "stock is right")

    def test_completed_woocommerce_order_shipped_by_odoo_keeps_its_delivery(self):
        sale = self._pull_woo(self.woo_odoo, woo_documented(723))
        self.assertEqual(sale.state, "sale")
        self.assertEqual(sale.picking_ids.mapped("state"), ["assigned"], "the warehouse ships; pushed back then")

    def test_on_hold_stays_a_quotation(self):
        sale = self._pull_woo(self.woo_odoo, {**woo_documented(723), "id": 7291, "status": "on-hold"})
        self.assertEqual((sale.state, sale.sm_channel_paid), ("draft", False))

    def test_taobao_part_shipped_then_received_outside_odoo(self):
        records = self._store_taobao("289749893209214688", "289749893209214689")
        self.assertEqual(records.mapped("state"), ["done", "done"], records.mapped("error"))
        part, received = records.order_id.sorted("channel_order_ref")
        done = part.picking_ids.filtered(lambda p: p.state == "done")
        self.assertEqual(done.carrier_tracking_ref, "73100000000001")
        self.assertEqual(done.move_ids.product_id.mapped("default_code"), ["JHJL001"], "only what the channel shipped")
        self.assertTrue(part.picking_ids.filtered(lambda p: p.state != "done"), "the rest waits in a backorder")
        self.assertEqual(received.fulfilment_status, "delivered", "the buyer confirmed receipt")

    def test_masked_taobao_buyer_is_not_a_customer_name(self):
        records = self._store_taobao("289749893209214687", "289749893209214691")
        customers = records.order_id.partner_id
        self.assertEqual(len(customers), 1, "found again by the buyer's open uid")
        self.assertNotIn("*", customers.name + (customers.phone or "") + (customers.email or ""))
        self.assertFalse(customers.street, "the masked street stays on the delivery address")
        delivery = records.order_id.partner_shipping_id
        self.assertEqual(len(delivery), 1)
        self.assertEqual((delivery.name, delivery.phone), ("刘**", "*******0002"))
        self.assertEqual(delivery.sm_channel_oaid, "1nLVx0Rx1KbFFDzoe7SgsO1dqUnWKRR0ms1lhsWlEmH0")
        self.assertTrue(delivery.sm_channel_masked)
        look_alikes = self.env["res.partner"].search([("name", "=like", "%**%"), ("type", "=", "contact")])
        self.assertFalse(look_alikes)

    def test_paid_order_short_of_stock_is_confirmed_with_an_oversell_alert(self):
        self.env.company.sm_stock_check_policy = "approval"
        result = self.json.with_user(self.integration).import_orders([order()])
        self.assertEqual(result["done"], 1)
        sale = self.env["sale.order"].search([("channel_id", "=", self.json.id)])
        self.assertEqual(sale.state, "sale", "a paid marketplace order is a sale that happened")
        alert = self.env["sales.stock.alert"].search([("product_id", "=", self.short.id), ("state", "=", "open")])
        self.assertEqual(alert.severity, "critical")
        users = sale.activity_ids.filtered(lambda a: "Oversold" in (a.summary or "")).user_id
        self.assertIn(self.buyer_user, users, "the product's purchase responsible is told")
        self.assertIn(sale.user_id or self.env.ref("base.user_admin"), users)
        # An unpaid order short of stock still waits for approval.
        self._unpaid_short_order_waits()

    def test_oversell_activity_in_the_assignees_language(self):
        """Imported by an en_US integration, the purchase responsible (zh_CN) reads the activity in Chinese."""
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["sales_mgmt_channels"], ["zh_CN"], overwrite=True)
        self.buyer_user.lang = "zh_CN"
        self.json.with_user(self.integration).import_orders([order()])
        sale = self.env["sale.order"].search([("channel_id", "=", self.json.id)])
        activity = sale.activity_ids.filtered(lambda a: a.user_id == self.buyer_user)
        self.assertTrue(activity.summary.startswith("超卖") and "请补货" in activity.summary, activity.summary)
        self.assertIn("缺少", str(activity.note))
        self.assertIn(
            "beyond the stock", str(sale.message_ids.mapped("body")), "the chatter note: the importer's language"
        )

    def _unpaid_short_order_waits(self):
        self.json.with_user(self.integration).import_orders([order(id="1002", status="pending")])
        pending = self.env["sale.order"].search([("channel_order_ref", "=", "1002")])
        pending.action_confirm()
        self.assertEqual((pending.state, pending.approval_state), ("draft", "pending"))
