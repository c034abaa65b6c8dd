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
        needs. Taking B first would deadlock: PostgreSQL would abort one of them
        (DeadlockDetected, which nobody retries). Both run as Odoo runs requests: a
        serialization failure is retried. Whatever the scheduling, each customer ends with
        one order confirmed and the other held (two orders of 600 against 1000)."""
        a1, a2, b1, b2 = self.order_ids[2:6]
        first_holds_a, errors, failures = threading.Event(), [], []

        def run(steps, on_first_step=None):
            try:
                for _attempt in range(5):  # what Odoo's request retry does, serialization failures only
                    with self.registry.cursor() as cr:
                        env = api.Environment(cr, SUPERUSER_ID, {})
                        try:
                            for index, order_ids in enumerate(steps):
                                env["sale.order"].browse(order_ids).action_confirm()
                                env.flush_all()
                                if index == 0 and on_first_step:
                                    on_first_step()
                            return
                        except pg_errors.SerializationFailure as failure:
                            failures.append(failure)
                            cr.rollback()
                errors.append(AssertionError("still failing to serialize after 5 attempts"))
            except Exception as error:  # reported by the main thread
                errors.append(error)

        def first_step_done():
            first_holds_a.set()
            # the second batch is now waiting for A (a condition, never a delay)
            if not wait_for_lock_waiter(self.registry, 60):
                errors.append(AssertionError("the second batch did not wait for the first"))

        first = threading.Thread(target=run, args=([[a1], [b2]], first_step_done))
        first.start()
        self.assertTrue(first_holds_a.wait(60))
        second = threading.Thread(target=run, args=([[b1, a2]],))
        second.start()
        for thread in (first, second):
            thread.join(120)
        self.assertFalse(errors, errors)
        self.assertTrue(failures, "the second batch should have waited for the first, then been retried")
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            for pair in ([a1, a2], [b1, b2]):
                orders = env["sale.order"].browse(pair)
                self.assertEqual(sorted(orders.mapped("state")), ["draft", "sale"])
                self.assertEqual(sorted(orders.mapped("approval_state")), ["none", "pending"])

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
