"""Two confirmations for the same customer at once, each under the credit limit alone but
not together: the second must go to approval; batches sharing customers wait for each other
without deadlocking; customers without a credit limit are not serialised. Real, committed
transactions on two connections, as two Odoo workers (or queue jobs) would run them."""

import threading

from psycopg2 import errors as pg_errors
from two_transactions import run_second_while_first_open, wait_for_lock_waiter

from odoo import SUPERUSER_ID, Command, api
from odoo.modules.registry import Registry
from odoo.tests import BaseCase, get_db_name, tagged


@tagged("post_install", "-at_install")
class TestCreditCheckConcurrency(BaseCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.registry = Registry(get_db_name())
        with cls.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            # Credit limit 1000 for all but the last one; two orders each, of 600 (100 for the last).
            partners = env["res.partner"].create(
                [{"name": f"Concurrent {name}"} for name in ("Customer", "A", "B", "Unlimited")]
            )
            partners[:3].with_company(env.company).credit_limit = 1000
            product = env["product.product"].create({"name": "Concurrent Gift", "type": "consu", "taxes_id": []})
            orders = env["sale.order"].create(
                [
                    {
                        "partner_id": partner.id,
                        "order_line": [Command.create({"product_id": product.id, "price_unit": price})],
                    }
                    for partner, price in zip(partners, (600, 600, 600, 100), strict=True)
                    for _i in range(2)
                ]
            )
            cls.partner_ids, cls.product_id, cls.order_ids = partners.ids, product.id, orders.ids
        cls.addClassCleanup(cls._cleanup)

    @classmethod
    def _cleanup(cls):
        with cls.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            orders = env["sale.order"].browse(cls.order_ids)
            orders.picking_ids.unlink()
            orders._action_cancel()
            orders.unlink()
            env["product.product"].browse(cls.product_id).unlink()
            cr.execute("DELETE FROM sales_mgmt_credit_lock WHERE partner_id = ANY(%s)", [cls.partner_ids])
            env["res.partner"].browse(cls.partner_ids).unlink()

    def test_second_concurrent_confirmation_goes_to_approval(self):
        def confirm(order_id):
            return lambda env: env["sale.order"].browse(order_id).action_confirm()

        attempts = run_second_while_first_open(
            self, self.registry, confirm(self.order_ids[0]), confirm(self.order_ids[1]), timeout=30
        )
        self.assertGreaterEqual(attempts, 2, "the second confirmation should have been retried")
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            first_order, second_order = env["sale.order"].browse(self.order_ids[:2])
            self.assertEqual(first_order.state, "sale")
            self.assertEqual(second_order.state, "draft")
            self.assertEqual(second_order.approval_state, "pending")
            self.assertAlmostEqual(second_order.hold_reason_ids.exposure, 1200)

    def test_batches_sharing_customers_wait_without_deadlock(self):
        """Batch 1 holds customer A and then needs B; batch 2 (B's order first, then A's) must
        take A before B, as everybody does, so it waits for batch 1 holding nothing batch 1
        needs. Taking B first would deadlock: PostgreSQL would abort one of them."""
        a1, a2, b1, b2 = self.order_ids[2:6]
        second_started, errors, failures = threading.Event(), [], []

        def first():
            try:
                with self.registry.cursor() as cr:
                    env = api.Environment(cr, SUPERUSER_ID, {})
                    env["sale.order"].browse(a1).action_confirm()
                    self.assertTrue(second_started.wait(30))
                    # the second batch is now waiting for A (a condition, never a delay)
                    self.assertTrue(wait_for_lock_waiter(self.registry, 60))
                    env["sale.order"].browse(b2).action_confirm()
            except Exception as error:  # reported by the main thread
                errors.append(error)

        def second():
            try:
                for _attempt in range(3):  # what Odoo's request retry does, serialization failures only
                    with self.registry.cursor() as cr:
                        env = api.Environment(cr, SUPERUSER_ID, {})
                        second_started.set()
                        try:
                            env["sale.order"].browse([b1, a2]).action_confirm()
                            env.flush_all()
                            return
                        except pg_errors.SerializationFailure as failure:
                            failures.append(failure)
                            cr.rollback()
            except Exception as error:
                errors.append(error)

        threads = [threading.Thread(target=first), threading.Thread(target=second)]
        threads[0].start()
        threads[1].start()
        for thread in threads:
            thread.join(60)
        self.assertFalse(errors, errors)
        self.assertEqual(len(failures), 1, "the second batch should have waited for the first, then been retried")
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            confirmed, held = env["sale.order"].browse([a1, b2]), env["sale.order"].browse([a2, b1])
            self.assertEqual(confirmed.mapped("state"), ["sale", "sale"])
            # Retried after the first batch committed, the second saw its orders: over the limit.
            self.assertEqual(held.mapped("state"), ["draft", "draft"])
            self.assertEqual(held.mapped("approval_state"), ["pending", "pending"])

    def test_customers_without_credit_limit_are_not_serialised(self):
        """Nothing another confirmation does changes the checks of a customer without a credit
        limit (blocked flag, overdue invoices): two at once must not wait for each other."""
        u1, u2 = self.order_ids[6:8]
        first_done, release, errors = threading.Event(), threading.Event(), []

        def first():
            try:
                with self.registry.cursor() as cr:
                    env = api.Environment(cr, SUPERUSER_ID, {})
                    env["sale.order"].browse(u1).action_confirm()
                    env.flush_all()
                    first_done.set()
                    release.wait(30)
            except Exception as error:
                errors.append(error)
                first_done.set()

        thread = threading.Thread(target=first)
        thread.start()
        try:
            self.assertTrue(first_done.wait(30))
            with self.registry.cursor() as cr:
                cr.execute("SET LOCAL lock_timeout = '5s'")  # waiting for the first would fail here
                env = api.Environment(cr, SUPERUSER_ID, {})
                env["sale.order"].browse(u2).action_confirm()
                env.flush_all()
        finally:
            release.set()
            thread.join(30)
        self.assertFalse(errors, errors)
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            self.assertEqual(env["sale.order"].browse([u1, u2]).mapped("state"), ["sale", "sale"])
            self.assertTrue(env["res.partner"].browse(self.partner_ids[3]).sudo().sm_segment_dirty)
