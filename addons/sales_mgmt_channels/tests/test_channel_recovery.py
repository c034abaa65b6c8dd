"""Nothing received is lost: unreadable pages kept and fetched again, the same order twice in one
page, records left behind by a process that died, and the answer to a serialization failure.
Pulls go to the stub server on 127.0.0.1 with WooCommerce's documented orders (REST API v3)."""

import json
from datetime import timedelta
from unittest.mock import patch

from psycopg2 import OperationalError

from odoo import Command, fields
from odoo.exceptions import ConcurrencyError
from odoo.tests import new_test_user, tagged

from odoo.addons.queue_job.tests.common import trap_jobs
from odoo.addons.sales_mgmt_core.tests.common import SalesMgmtCommon

from ..tools.http_client import HttpClient
from .stub_server import Answer, StubServer, fixture, ok
from .test_normalise_unit import order

WOO_PATH = "/wp-json/wc/v3/orders"


class SerializationFailure(OperationalError):
    """What PostgreSQL raises when a concurrent transaction committed first (SQLSTATE 40001)."""

    pgcode = "40001"


def woo_documented(order_id):
    """One of WooCommerce's documented orders (woocommerce-rest-api-docs, orders)."""
    return next(o for o in fixture("woocommerce_orders_documented.json") if o["id"] == order_id)


@tagged("post_install", "-at_install")
class TestChannelRecovery(SalesMgmtCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stub = StubServer().__enter__()
        cls.addClassCleanup(cls.stub.__exit__)
        cls.admin = new_test_user(cls.env, "sm_recovery_admin", groups="sales_mgmt_channels.group_channel_admin")
        cls.integration = new_test_user(cls.env, "sm_recovery_bot", groups="sales_mgmt_channels.group_channel_import")
        Product = cls.env["product.product"]
        no_tax = {"type": "consu", "taxes_id": [Command.clear()]}
        cls.single = Product.create({"name": "Woo Single #1", **no_tax})
        cls.idea = Product.create({"name": "Ship Your Idea", "default_code": "Bar3", **no_tax})
        shipping = Product.create({"name": "Shipping", "type": "service", "taxes_id": [Command.clear()]})
        cls.state_tax = cls.env["account.tax"].create({"name": "CA State Tax 7.5%", "amount": 7.5})
        cls.woo = cls.env["sales.channel"].create(
            {
                "name": "Woo docs",
                "channel_type": "woocommerce",
                "base_url": cls.stub.url,
                "api_key": "ck_doc",
                "api_secret": "cs_doc",
                "page_size": 1,
                "shipping_product_id": shipping.id,
                "product_map_ids": [
                    Command.create({"sku": sku, "product_id": cls.single.id})
                    for sku in ("product:93", "product:87", "product:34")
                ],
                "tax_map_ids": [Command.create({"rate": 7.5, "tax_id": cls.state_tax.id})],
            }
        )
        for code in ("SKU-A",):
            Product.create({"name": code, "default_code": code, **no_tax})
        Product.create({"name": "B", "barcode": "SKU-B", **no_tax})
        cls.json = cls.env["sales.channel"].create(
            {"name": "Recovery JSON", "channel_type": "json", "shipping_product_id": shipping.id}
        )

    def setUp(self):
        super().setUp()
        self.stub.requests.clear()
        self.stub.routes.clear()

    def _client(self):
        return HttpClient(secrets=["ck_doc", "cs_doc"], retries=1, sleep=lambda _s: None)

    def _script_pages(self, pages):
        """GET orders?page=n answers pages[n-1] (bytes: sent as they are)."""

        def answer(request):
            body = pages[int(request["query"]["page"]) - 1]
            return Answer(200, body, {"X-WP-TotalPages": len(pages)})

        self.stub.script("GET", WOO_PATH, [Answer(callback=answer)])

    def _records(self, channel):
        return self.env["sales.channel.import.record"].search([("channel_id", "=", channel.id)], order="id")

    def test_bad_page_kept_later_pages_imported_cursor_held_then_retry(self):
        self.woo.sync_cursor = "2017-03-01T00:00:00Z"
        good, later = json.dumps([woo_documented(723)]), json.dumps([woo_documented(727)])
        truncated = json.dumps([woo_documented(731)]).encode()[:300]
        self._script_pages([good.encode(), truncated, later.encode()])
        run = self.woo._sync("manual", client=self._client())
        records = self._records(self.woo)
        page = records.filtered(lambda r: r.record_type == "page")
        self.assertEqual(len(page), 1, "the unreadable page is kept as a failed record")
        self.assertEqual((page.state, page.payload, page.payload_size), ("failed", truncated.decode(), 300))
        self.assertEqual(json.loads(page.request)["params"]["page"], 2)
        self.assertNotIn("cs_doc", page.request, "no credential is kept")
        self.assertEqual(
            sorted(self.env["sale.order"].search([("channel_id", "=", self.woo.id)]).mapped("channel_order_ref")),
            ["723", "727"],
            "the pages after the bad one are imported",
        )
        self.assertEqual(run.state, "failed")
        self.assertIn("could not be read", run.error)
        self.assertIn("1 page(s) of the channel's answer could not be read", self.woo.last_error)
        self.assertIn("Pull incomplete", self.woo.message_ids[:1].body or "", "said in the channel's chatter too")
        self.assertEqual(self.woo.sync_cursor, "2017-03-21T19:54:51Z", "the cursor stops before the bad page")
        # Retry asks the channel for the same page again.
        self._script_pages([good.encode(), json.dumps([woo_documented(731)]).encode(), later.encode()])
        page.with_user(self.admin).action_retry()
        self.assertEqual(page.state, "done")
        self.assertEqual(self.stub.calls("GET")[-1]["query"]["page"], "2")
        self.assertTrue(
            self.env["sale.order"].search([("channel_id", "=", self.woo.id), ("channel_order_ref", "=", "731")])
        )
        # Trial defect 4: the next pull that goes well clears the channel's last error
        self._script_pages([json.dumps([]).encode()])
        self.woo._sync("manual", client=self._client())
        self.woo.invalidate_recordset()
        self.assertEqual((self.woo.last_error, self.woo.health_state), (False, "ok"))

    def test_same_order_twice_in_one_page_is_skipped_once(self):
        broken = order(lines=[{"id": "L1", "sku": "NOPE", "quantity": 1, "unit_price": 24}])
        result = self.json.with_user(self.integration).import_orders([broken, broken])
        self.assertEqual((result["failed"], result["skipped"]), (1, 1), "the second copy is skipped, not failed")
        failed, skipped = self._records(self.json)
        self.assertEqual((failed.state, skipped.state), ("failed", "skipped"))
        # Pulled twice in one page too: one order.
        self.stub.script("GET", WOO_PATH, [ok([woo_documented(723), woo_documented(723)], **{"X-WP-TotalPages": 1})])
        self.woo._sync("manual", client=self._client())
        states = sorted(self._records(self.woo).mapped("state"))
        self.assertEqual(states, ["done", "skipped"])
        self.assertEqual(self.env["sale.order"].search_count([("channel_order_ref", "=", "723")]), 1)

    def test_records_of_a_dead_worker_are_imported_and_its_run_closed(self):
        run, records = self.json._store_payloads([order(id="D1"), order(id="D2")], "webhook")
        # The worker died here: records stored and committed, run "running", nobody holds it.
        with trap_jobs() as trap:
            result = self.env["sales.channel"]._cron_recover_imports(older_than=timedelta(0))
            self.assertEqual(result, {"interrupted": 1, "queued": 2})
            trap.assert_jobs_count(1, only=self.json._job_process_records)
            trap.perform_enqueued_jobs()
        self.assertEqual(run.state, "interrupted")
        self.assertIn("stopped before it finished", run.error)
        self.assertEqual(records.mapped("state"), ["done", "done"])
        # Runs still young, or closed, are left alone.
        self.json._store_payloads([order(id="D3")], "webhook")
        with trap_jobs() as trap:
            self.assertEqual(self.env["sales.channel"]._cron_recover_imports(), {"interrupted": 0, "queued": 0})
            trap.assert_jobs_count(0)

    def test_stale_pending_records_of_a_closed_run_are_queued(self):
        run, records = self.json._store_payloads([order(id="S1")], "cron")
        run._close({"received": 1})
        self.env.cr.execute(
            "UPDATE sales_channel_import_record SET create_date = %s WHERE id = ANY(%s)",
            [fields.Datetime.now() - timedelta(hours=2), records.ids],
        )
        with trap_jobs() as trap:
            self.assertEqual(self.env["sales.channel"]._cron_recover_imports()["queued"], 1)
            trap.perform_enqueued_jobs()
        self.assertEqual(records.state, "done")

    def test_serialization_failure_tells_the_integration_to_resend(self):
        error = SerializationFailure("could not serialize access due to concurrent update")
        with (
            patch.object(type(self.json), "_process_records", side_effect=error),
            self.assertRaises(ConcurrencyError) as caught,
        ):
            self.json.with_user(self.integration).import_orders([order()])
        self.assertIn("nothing of this call was saved: send the same orders again", str(caught.exception))
