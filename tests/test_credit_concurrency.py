"""Two confirmations for the same customer at once, each under the credit limit alone but
not together: the second must go to approval. Real, committed transactions on two
connections, as two Odoo workers would run them."""

from two_transactions import run_second_while_first_open

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
            partner = env["res.partner"].create({"name": "Concurrent Customer"})
            partner.with_company(env.company).credit_limit = 1000
            product = env["product.product"].create({"name": "Concurrent Gift", "type": "consu", "taxes_id": []})
            orders = env["sale.order"].create(
                [
                    {
                        "partner_id": partner.id,
                        "order_line": [Command.create({"product_id": product.id, "price_unit": 600})],
                    }
                    for _i in range(2)
                ]
            )
            cls.partner_id, cls.product_id, cls.order_ids = partner.id, product.id, orders.ids
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
            cr.execute("DELETE FROM sales_mgmt_credit_lock WHERE partner_id = %s", [cls.partner_id])
            env["res.partner"].browse(cls.partner_id).unlink()

    def test_second_concurrent_confirmation_goes_to_approval(self):
        def confirm(order_id):
            return lambda env: env["sale.order"].browse(order_id).action_confirm()

        attempts = run_second_while_first_open(
            self, self.registry, confirm(self.order_ids[0]), confirm(self.order_ids[1]), timeout=30
        )
        self.assertGreaterEqual(attempts, 2, "the second confirmation should have been retried")
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            first_order, second_order = env["sale.order"].browse(self.order_ids)
            self.assertEqual(first_order.state, "sale")
            self.assertEqual(second_order.state, "draft")
            self.assertEqual(second_order.approval_state, "pending")
            self.assertAlmostEqual(second_order.hold_reason_ids.exposure, 1200)
