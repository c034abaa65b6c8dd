"""Two Odoo transactions importing overlapping batches of channel orders at once (real,
committed transactions on two connections, as two Odoo workers or queue job runners would):
no duplicate orders, customers or identities; the loser's serialization failure is retried
as Odoo retries every RPC / HTTP request and queue_job every job."""

import threading
from unittest.mock import patch

from two_transactions import remove_channel_test_data, run_second_while_first_open, wait_for_lock_waiter

from odoo import SUPERUSER_ID, api
from odoo.exceptions import ConcurrencyError
from odoo.modules.registry import Registry
from odoo.service.model import retrying
from odoo.tests import BaseCase, get_db_name, tagged


def payload(number, buyer):
    return {
        "id": f"CC-{number}",
        "updated_at": "2026-11-20T10:00:00Z",
        "status": "pending",
        "currency": "USD",
        "customer": {
            "id": f"cc-buyer-{buyer}",
            "name": f"Concurrent buyer {buyer}",
            "email": f"cc{buyer}@conc.example",
        },
        "lines": [{"id": "1", "sku": "CC-SKU", "quantity": 1, "unit_price": 10}],
        "total": 10,
    }


@tagged("post_install", "-at_install")
class TestChannelImportConcurrency(BaseCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.registry = Registry(get_db_name())
        with cls.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            product = env["product.product"].create(
                {"name": "Concurrent SKU", "type": "consu", "default_code": "CC-SKU", "taxes_id": []}
            )
            channel = env["sales.channel"].create({"name": "Concurrent shop", "channel_type": "json"})
            cls.product_id, cls.channel_id = product.id, channel.id
        cls.addClassCleanup(cls._cleanup)

    @classmethod
    def _cleanup(cls):
        remove_channel_test_data(cls.registry, cls.channel_id, "%@conc.example", cls.product_id, ())

    def _run_concurrently(self, first_batch, second_batch):
        def importer(batch):
            return lambda env: env["sales.channel"].browse(self.channel_id).import_orders(batch)

        return run_second_while_first_open(self, self.registry, importer(first_batch), importer(second_batch))

    def test_overlapping_batches_create_everything_once(self):
        # Orders 0-29 and 20-49; buyers shared across both batches (and new to Odoo).
        first = [payload(n, n % 7) for n in range(30)]
        second = [payload(n, n % 7) for n in range(20, 50)]
        attempts = self._run_concurrently(first, second)
        self.assertGreaterEqual(attempts, 2, "the second import should have been retried")
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            orders = env["sale.order"].search([("channel_id", "=", self.channel_id)])
            self.assertEqual(len(orders), 50)
            self.assertEqual(len(set(orders.mapped("channel_order_ref"))), 50)
            partners = env["res.partner"].search([("email", "=like", "%@conc.example")])
            self.assertEqual(len(partners), 7, "one customer per buyer")
            identities = env["sales.channel.identity"].search([("channel_id", "=", self.channel_id)])
            self.assertEqual(len(identities), 7)
            records = env["sales.channel.import.record"].search([("channel_id", "=", self.channel_id)])
            self.assertEqual(set(records.mapped("state")), {"done", "skipped"})
            self.assertEqual(
                len(records.filtered(lambda r: r.state == "skipped")), 10, "the ten shared orders, skipped once"
            )

    def test_same_delivery_twice_at_once_gives_one_order(self):
        order = payload(900, 900)
        self._run_concurrently([order], [order])
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            self.assertEqual(
                env["sale.order"].search_count(
                    [("channel_id", "=", self.channel_id), ("channel_order_ref", "=", "CC-900")]
                ),
                1,
            )
            self.assertEqual(env["res.partner"].search_count([("email", "=", "cc900@conc.example")]), 1)
            records = env["sales.channel.import.record"].search(
                [("channel_id", "=", self.channel_id), ("external_ref", "=", "CC-900")]
            )
            self.assertEqual(sorted(records.mapped("state")), ["done", "skipped"], "the second delivery is skipped")

    def test_retries_exhausted_tell_the_integration_to_resend(self):
        """When Odoo's automatic retries are used up (here: one try), the caller is told that
        nothing was saved and to resend; resending imports the orders once."""
        batch = [payload(n, 950) for n in range(950, 953)]
        holding, release, errors = threading.Event(), threading.Event(), []

        def first():
            with self.registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                env["sales.channel"].browse(self.channel_id).import_orders(batch)
                holding.set()
                release.wait(60)

        def second():
            with self.registry.cursor() as cr, patch("odoo.service.model.MAX_TRIES_ON_CONCURRENCY_FAILURE", 1):
                env = api.Environment(cr, SUPERUSER_ID, {})
                try:
                    retrying(lambda: env["sales.channel"].browse(self.channel_id).import_orders(batch), env)
                except Exception as error:  # checked below
                    errors.append(error)

        first_thread = threading.Thread(target=first)
        first_thread.start()
        self.assertTrue(holding.wait(60))
        second_thread = threading.Thread(target=second)
        second_thread.start()
        self.assertTrue(wait_for_lock_waiter(self.registry, 60, second_thread), "the second import did not wait")
        release.set()
        first_thread.join(60)
        second_thread.join(60)
        self.assertEqual(len(errors), 1, errors)
        self.assertIsInstance(errors[0], ConcurrencyError)
        self.assertIn("send the same orders again", str(errors[0]))
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            result = env["sales.channel"].browse(self.channel_id).import_orders(batch)
        self.assertEqual(result["skipped"], 3, "resent: already imported, nothing twice")
