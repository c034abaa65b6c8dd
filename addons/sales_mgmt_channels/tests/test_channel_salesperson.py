"""Trial round 2, finding 10: an imported order's salesperson is the channel's (else the customer's own),
never whoever runs the import — an integration user, or OdooBot for scheduled pulls and queue jobs."""

from odoo import Command
from odoo.tests import new_test_user, tagged

from odoo.addons.queue_job.tests.common import trap_jobs
from odoo.addons.sales_mgmt_core.tests.common import SalesMgmtCommon

from .stub_server import StubServer, fixture, ok
from .test_normalise_unit import order

WOO_PATH = "/wp-json/wc/v3/orders"


@tagged("post_install", "-at_install")
class TestChannelSalesperson(SalesMgmtCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # An integration account that is also a salesperson: Odoo's default would make it the orders'.
        cls.integration = new_test_user(
            cls.env,
            "sm_sp_bot",
            groups="sales_team.group_sale_salesman,sales_mgmt_channels.group_channel_import",
        )
        cls.team = cls.env["crm.team"].create({"name": "Marketplaces"})
        cls.bot_team = cls.env["crm.team"].create(
            {"name": "Bot team", "member_ids": [Command.link(cls.integration.id)]}
        )
        no_tax = {"type": "consu", "taxes_id": [Command.clear()]}
        Product = cls.env["product.product"]
        Product.create([{"name": "A", "default_code": "SKU-A", **no_tax}, {"name": "B", "barcode": "SKU-B", **no_tax}])
        cls.shipping = Product.create({"name": "Shipping", "type": "service", "taxes_id": [Command.clear()]})
        cls.channel = cls.env["sales.channel"].create(
            {"name": "Feed without salesperson", "channel_type": "json", "shipping_product_id": cls.shipping.id}
        )

    def _import(self, channel, *payloads, user=None):
        channel.with_user(user or self.integration).import_orders(list(payloads))
        return self.env["sale.order"].search([("channel_id", "=", channel.id)], order="channel_order_ref")

    def test_no_channel_salesperson_means_none_not_the_integration(self):
        sale = self._import(self.channel, order())
        self.assertFalse(sale.user_id, "not the integration user that imported it")
        self.assertFalse(sale.team_id, "not the integration user's team either")

    def test_channel_salesperson_and_team(self):
        self.channel.write({"user_id": self.user_salesman.id, "team_id": self.team.id})
        sale = self._import(self.channel, order())
        self.assertEqual((sale.user_id, sale.team_id), (self.user_salesman, self.team))
        # A salesperson without a channel team: the salesperson's team, Odoo's rule.
        self.channel.write({"user_id": self.integration.id, "team_id": False})
        other = self._import(self.channel, order(id="1002", customer={"id": "b2", "name": "Bo"}))[1]
        self.assertEqual((other.user_id, other.team_id), (self.integration, self.bot_team))

    def test_customer_account_manager_when_the_channel_has_none(self):
        self.env["res.partner"].create({"name": "Ann", "email": "ann@example.com", "user_id": self.user_salesman_2.id})
        sale = self._import(self.channel, order())
        self.assertEqual(sale.user_id, self.user_salesman_2)
        self.channel.user_id = self.user_salesman
        newer = self._import(self.channel, order(id="1002"))[1]
        self.assertEqual(newer.user_id, self.user_salesman, "the channel's salesperson comes first")

    def test_queue_job_as_odoobot(self):
        """Stored records imported by a queue job (run as OdooBot, as the job runner does)."""
        root = self.env.ref("base.user_root")
        channel = self.channel.with_user(root)
        with trap_jobs() as trap:
            _run, records = channel.sudo()._store_payloads([order()], "api")
            channel._enqueue_records(records)
            trap.perform_enqueued_jobs()
        sale = self.env["sale.order"].search([("channel_id", "=", self.channel.id)])
        self.assertEqual(records.state, "done")
        self.assertFalse(sale.user_id, "not OdooBot")
        self.assertFalse(sale.team_id)


@tagged("post_install", "-at_install")
class TestChannelSalespersonCron(SalesMgmtCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stub = StubServer().__enter__()
        cls.addClassCleanup(cls.stub.__exit__)
        cls.env.ref("base.EUR").active = True
        vat = cls.env["account.tax"].create({"name": "VAT 10%", "amount": 10, "type_tax_use": "sale"})
        Product = cls.env["product.product"]
        Product.create(
            [
                {"name": code, "type": "consu", "default_code": code, "taxes_id": [Command.set(vat.ids)]}
                for code in ("WOO-A", "WOO-B")
            ]
        )
        shipping = Product.create({"name": "Shipping FR", "type": "service", "taxes_id": [Command.set(vat.ids)]})
        euros = cls.env["product.pricelist"].create({"name": "EUR", "currency_id": cls.env.ref("base.EUR").id})
        cls.woo = cls.env["sales.channel"].create(
            {
                "name": "Woo FR",
                "channel_type": "woocommerce",
                "api_key": "ck_key",
                "api_secret": "cs_SECRET",
                "base_url": cls.stub.url,
                "page_size": 2,
                "pricelist_id": euros.id,
                "shipping_product_id": shipping.id,
                "sync_interval": 15,
            }
        )

    def _cron(self):
        self.stub.script(
            "GET",
            WOO_PATH,
            [
                ok(fixture("woocommerce_orders_page1.json"), **{"X-WP-TotalPages": 2}),
                ok(fixture("woocommerce_orders_page2.json"), **{"X-WP-TotalPages": 2}),
            ],
        )
        with trap_jobs() as trap:
            self.env["sales.channel"].with_user(self.env.ref("base.user_root"))._cron_sync_channels(commit=False)
            trap.perform_enqueued_jobs()
        return self.env["sale.order"].search([("channel_id", "=", self.woo.id)], order="channel_order_ref")

    def test_scheduled_pull_orders_have_no_odoobot_salesperson(self):
        orders = self._cron()
        self.assertEqual(len(orders), 3)
        self.assertFalse(orders.user_id, "OdooBot runs the cron and the jobs: it is nobody's salesperson")
        self.assertFalse(orders.team_id)

    def test_scheduled_pull_orders_get_the_channel_salesperson(self):
        self.woo.user_id = self.user_salesman
        orders = self._cron()
        self.assertEqual(orders.user_id, self.user_salesman)
