"""Pulls from Shopify / WooCommerce / Taobao channels against a stub server on 127.0.0.1, queue
jobs, fulfilment push-back and file imports, through the real ORM."""

import base64
import io
import json

import xlsxwriter

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user, tagged

from odoo.addons.queue_job.tests.common import trap_jobs
from odoo.addons.sales_mgmt_core.tests.common import SalesMgmtCommon

from .stub_server import Answer, StubServer, fixture, ok
from .test_adapters_unit import SHOPIFY_PATH

WOO_PATH = "/wp-json/wc/v3/orders"


@tagged("post_install", "-at_install")
class TestChannelPull(SalesMgmtCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stub = StubServer().__enter__()
        cls.addClassCleanup(cls.stub.__exit__)
        cls.admin = new_test_user(cls.env, "sm_pull_admin", groups="sales_mgmt_channels.group_channel_admin")
        cls.env.ref("base.EUR").active = True
        cls.env.ref("base.CNY").active = True
        Product = cls.env["product.product"]
        cls.products = Product.create(
            [
                {
                    "name": code,
                    "is_storable": False,
                    "type": "consu",
                    "default_code": code,
                    "taxes_id": [Command.clear()],
                }
                for code in ("SHOP-A", "SHOP-B", "WOO-A", "WOO-B", "TB-A", "TB")
            ]
        )
        cls.shipping = Product.create({"name": "Shipping", "type": "service", "taxes_id": [Command.clear()]})
        Channel = cls.env["sales.channel"]
        common = {"shipping_product_id": cls.shipping.id, "base_url": cls.stub.url, "page_size": 2}
        cls.shopify = Channel.create(
            {"name": "Shopify US", "channel_type": "shopify", "access_token": "tok-SECRET", **common}
        )
        # WooCommerce sends tax-excluded prices plus the tax: Odoo computes the same 10% VAT.
        vat = cls.env["account.tax"].create({"name": "VAT 10%", "amount": 10, "type_tax_use": "sale"})
        cls.products.filtered(lambda p: p.default_code.startswith("WOO")).taxes_id = vat
        woo_shipping = Product.create({"name": "Shipping FR", "type": "service", "taxes_id": [Command.set(vat.ids)]})
        euros = cls.env["product.pricelist"].create({"name": "EUR", "currency_id": cls.env.ref("base.EUR").id})
        cls.woo = Channel.create(
            {
                "name": "Woo FR",
                "channel_type": "woocommerce",
                "api_key": "ck_key",
                "api_secret": "cs_SECRET",
                "pricelist_id": euros.id,
                **common,
                "shipping_product_id": woo_shipping.id,
            }
        )

    def setUp(self):
        super().setUp()
        self.stub.requests.clear()
        self.stub.routes.clear()

    def _orders(self, channel):
        return self.env["sale.order"].search([("channel_id", "=", channel.id)], order="channel_order_ref")

    def _script_shopify(self):
        self.stub.script(
            "POST",
            SHOPIFY_PATH,
            [
                Answer(429, b"", {"Retry-After": "0"}),
                ok(fixture("shopify_orders_page1.json")),
                ok(fixture("shopify_orders_page2.json")),
            ],
        )

    def test_shopify_pull_imports_once_and_moves_the_cursor(self):
        self._script_shopify()
        self.shopify.with_user(self.admin).action_sync()
        orders = self._orders(self.shopify)
        self.assertEqual(orders.mapped("channel_order_ref"), ["5001", "5002", "5003"])
        self.assertEqual(
            orders.mapped("state"), ["sale", "sale", "draft"], "paid → confirmed, pending stays a quotation"
        )
        self.assertEqual(orders[1].amount_total, 27.0)
        self.assertEqual(orders[0].partner_id, orders[2].partner_id, "guest 5003 is 5001's buyer by phone")
        self.assertEqual(len(orders.partner_id), 2)
        records = self.env["sales.channel.import.record"].search([("channel_id", "=", self.shopify.id)])
        self.assertEqual(set(records.mapped("source_format")), {"shopify"})
        self.assertIn('"legacyResourceId": "5001"', records.filtered(lambda r: r.external_ref == "#5001").payload)
        self.assertEqual(self.shopify.sync_cursor, "2026-11-21T10:15:00Z")
        run = records.run_id
        self.assertEqual((run.state, run.received_count, run.done_count), ("done", 3, 3))
        # The next pull starts 5 minutes before the cursor and skips what it already has.
        self._script_shopify()
        self.shopify._sync("manual")
        query = json.loads(self.stub.calls()[-1]["body"])["variables"]["query"]
        self.assertTrue(query.startswith("updated_at:>='2026-11-21T10:10:00Z'"), query)
        self.assertEqual(len(self._orders(self.shopify)), 3)

    def test_failed_pull_keeps_cursor_and_hides_credentials(self):
        self.shopify.sync_cursor = "2026-11-01T00:00:00Z"
        self.stub.script(
            "POST", SHOPIFY_PATH, [Answer(401, b'{"errors":"[API] Invalid API key or access token tok-SECRET"}')]
        )
        run = self.shopify._sync("manual")
        self.assertEqual(run.state, "failed")
        self.assertIn("HTTP 401", run.error)
        self.assertNotIn("tok-SECRET", run.error)
        self.assertNotIn("tok-SECRET", self.shopify.message_ids[0].body)
        self.assertEqual(self.shopify.sync_cursor, "2026-11-01T00:00:00Z")

    def test_unknown_sku_fails_then_retry_after_mapping(self):
        self.products.filtered(lambda p: p.default_code == "SHOP-B").default_code = "OTHER"
        self._script_shopify()
        self.shopify._sync("manual")
        failed = self.env["sales.channel.import.record"].search(
            [("channel_id", "=", self.shopify.id), ("state", "=", "failed")]
        )
        self.assertEqual(failed.external_ref, "#5002", "the order name sellers know")
        self.assertIn("Unknown SKU SHOP-B", failed.error)
        self.env["sales.channel.product.map"].create(
            {"channel_id": self.shopify.id, "sku": "SHOP-B", "product_id": self.products[1].id}
        )
        failed.action_retry()
        self.assertEqual(failed.state, "done")
        self.assertEqual(
            failed.order_id.order_line.filtered(lambda line: line.channel_line_ref.endswith("02")).product_id,
            self.products[1],
        )

    def test_cron_fans_out_one_job_per_page(self):
        self.woo.sync_interval = 15
        self.stub.script(
            "GET",
            WOO_PATH,
            [
                ok(fixture("woocommerce_orders_page1.json"), **{"X-WP-TotalPages": 2}),
                ok(fixture("woocommerce_orders_page2.json"), **{"X-WP-TotalPages": 2}),
            ],
        )
        with trap_jobs() as trap:
            self.env["sales.channel"]._cron_sync_channels(commit=False)
            trap.assert_jobs_count(2, only=self.woo._job_process_records)
            self.assertFalse(self._orders(self.woo), "the cron only stores; jobs import")
            self.assertTrue(self.woo.next_sync_date)
            trap.perform_enqueued_jobs()
        orders = self._orders(self.woo)
        self.assertEqual(orders.mapped("channel_order_ref"), ["801", "802", "803"])
        self.assertEqual(orders.mapped("state"), ["sale", "sale", "cancel"])
        self.assertEqual(orders[0].amount_total, 24.2, "WooCommerce total with shipping and tax lines")
        # Due again later, not now.
        with trap_jobs() as trap:
            self.env["sales.channel"]._cron_sync_channels(commit=False)
            trap.assert_jobs_count(0)

    def test_cron_goes_on_when_a_channel_breaks(self):
        self.shopify.sync_interval = 5
        self.woo.sync_interval = 5
        self.stub.script("POST", SHOPIFY_PATH, [ok({"data": {"orders": {"nodes": [42]}}})])
        self.stub.script("GET", WOO_PATH, [ok(fixture("woocommerce_orders_page2.json"), **{"X-WP-TotalPages": 1})])
        with trap_jobs() as trap:
            self.env["sales.channel"]._cron_sync_channels(commit=False)
            trap.perform_enqueued_jobs()
        self.assertIn("failed unexpectedly", self.shopify.message_ids[0].body)
        self.assertFalse(self.shopify.sync_cursor)
        self.assertEqual(self._orders(self.woo).mapped("channel_order_ref"), ["803"])

    def test_job_identity_key_prevents_double_enqueue(self):
        _run, records = self.woo._store_payloads([{"id": "x"}], "api")
        domain = [("method_name", "=", "_job_process_records"), ("model_name", "=", "sales.channel")]
        before = self.env["queue.job"].search(domain)
        self.woo._enqueue_records(records)
        self.woo._enqueue_records(records)
        jobs = self.env["queue.job"].search(domain) - before
        self.assertEqual(len(jobs), 1)
        self.assertEqual(jobs.channel, "root.sales_channel")
        self.assertEqual(self.woo._job_process_records(records), "imported 0, skipped 0, failed 1")
        self.assertEqual(self.woo._job_process_records(records.browse()), "nothing to do")

    def test_woocommerce_fulfilment_pushed_by_a_queued_job(self):
        self.stub.script("GET", WOO_PATH, [ok(fixture("woocommerce_orders_page1.json"), **{"X-WP-TotalPages": 1})])
        self.woo._sync("manual")
        order = self._orders(self.woo)[0]
        picking = order.picking_ids
        carrier = self.env["delivery.carrier"].create({"name": "Colissimo", "product_id": self.shipping.id})
        picking.write({"carrier_id": carrier.id, "carrier_tracking_ref": "6A12345678901"})
        picking.move_ids.quantity = 2
        self.stub.script("PUT", WOO_PATH + "/801", [Answer(503), ok({"id": 801, "status": "completed"})])
        self.stub.script("POST", WOO_PATH + "/801/notes", [ok({"id": 5})])
        with trap_jobs() as trap:
            picking.button_validate()
            trap.assert_enqueued_job(picking._sm_job_push_fulfilment)
            self.assertEqual(picking.sm_fulfilment_state, "queued")
            trap.perform_enqueued_jobs()
        self.assertEqual(picking.sm_fulfilment_state, "pushed")
        note = json.loads(self.stub.calls("POST", WOO_PATH + "/801/notes")[0]["body"])
        self.assertEqual(note["note"], "Shipped with Colissimo, tracking number 6A12345678901.")
        self.assertEqual(len(self.stub.calls("PUT")), 2, "the 503 was retried")

    def test_refused_fulfilment_is_shown_on_the_delivery(self):
        self.stub.script("GET", WOO_PATH, [ok(fixture("woocommerce_orders_page1.json"), **{"X-WP-TotalPages": 1})])
        self.woo._sync("manual")
        picking = self._orders(self.woo)[0].picking_ids
        picking.move_ids.quantity = 2
        self.stub.script("PUT", WOO_PATH + "/801", [Answer(404, b'{"code":"woocommerce_rest_shop_order_invalid_id"}')])
        with trap_jobs() as trap:
            picking.button_validate()
            trap.perform_enqueued_jobs()
        self.assertEqual(picking.sm_fulfilment_state, "failed")
        self.assertIn("invalid_id", picking.activity_ids.note)
        self.assertNotIn("cs_SECRET", picking.message_ids[0].body)

    def test_salesperson_cannot_pull(self):
        with self.assertRaises(AccessError):
            self.shopify.with_user(self.user_salesman).action_sync()
        with self.assertRaises(AccessError):
            self.shopify.with_user(self.user_salesman).read(["access_token"])

    def test_push_channels_cannot_pull(self):
        channel = self.env["sales.channel"].create({"name": "Site", "channel_type": "website"})
        with self.assertRaisesRegex(UserError, "nothing to pull"):
            channel.with_user(self.admin).action_sync()


@tagged("post_install", "-at_install")
class TestFileChannel(SalesMgmtCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.integration = new_test_user(cls.env, "sm_file_bot", groups="sales_mgmt_channels.group_channel_import")
        cls.product = cls.env["product.product"].create(
            {"name": "Mug", "type": "consu", "default_code": "MUG-1", "taxes_id": [Command.clear()]}
        )
        cls.channel = cls.env["sales.channel"].create(
            {
                "name": "Store sheets",
                "channel_type": "file",
                "file_column_ids": [
                    Command.create({"target": "order_id", "column": "Bestellnummer"}),
                    Command.create({"target": "sku", "column": "Artikel"}),
                ],
            }
        )

    def _xlsx(self, rows):
        out = io.BytesIO()
        book = xlsxwriter.Workbook(out)
        sheet = book.add_worksheet()
        for r, row in enumerate(rows):
            sheet.write_row(r, 0, row)
        book.close()
        return out.getvalue()

    def _wizard(self, content, filename, user=None):
        wizard = Form(
            self.env["sales.channel.file.import.wizard"]
            .with_user(user or self.integration)
            .with_context(default_channel_id=self.channel.id)
        )
        self.assertEqual(wizard.default_currency_id, self.env.company.currency_id)
        wizard.file = base64.b64encode(content)
        wizard = wizard.save()
        wizard.filename = filename
        return wizard

    def test_xlsx_with_saved_mapping_groups_lines_per_order(self):
        content = self._xlsx(
            [
                ["Bestellnummer", "Customer Name", "Customer E-mail", "Artikel", "Quantity", "Unit Price", "Total"],
                ["S-1", "Kim", "kim@example.com", "MUG-1", 2, 5.0, 17.5],
                ["S-1", "Kim", "kim@example.com", "MUG-1", 1, 7.5, 17.5],
                ["S-2", "Lee", "lee@example.com", "NOPE", 1, 3, 3],
            ]
        )
        action = self._wizard(content, "orders.xlsx").action_import()
        run = self.env["sales.channel.import.run"].browse(action["res_id"])
        self.assertEqual((run.received_count, run.done_count, run.failed_count), (2, 1, 1))
        order = self.env["sale.order"].search([("channel_id", "=", self.channel.id)])
        self.assertEqual((order.channel_order_ref, order.amount_total, len(order.order_line)), ("S-1", 17.5, 2))
        failed = run.record_ids.filtered(lambda r: r.state == "failed")
        self.assertIn("Unknown SKU NOPE", failed.error)
        self.assertEqual(json.loads(failed.payload)["file_rows"], [4], "the record says which rows it came from")

    def test_csv_missing_columns_is_refused_clearly(self):
        wizard = self._wizard(b"Order;Thing\n1;2\n", "orders.csv")
        with self.assertRaisesRegex(UserError, "Missing columns: Order ID, SKU, Quantity, Unit Price, Total"):
            wizard.action_import()

    def test_salesperson_cannot_import_files(self):
        content = b"Bestellnummer,Artikel,Quantity,Unit Price,Total\nS-9,MUG-1,1,2,2\n"
        with self.assertRaises(AccessError):
            self._wizard(content, "o.csv", user=self.user_salesman).action_import()
