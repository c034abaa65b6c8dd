"""The demo's held orders are held as daily use holds them: confirmed by their salesperson,
who asked for the approval and so cannot approve them; the administrator can (trial #16)."""

from odoo.tests import TransactionCase, tagged
from odoo.tools import convert_file

HELD = ("sale_order_demo_held_credit", "sale_order_demo_held_stock")


@tagged("post_install", "-at_install")
class TestDemoHeldOrders(TransactionCase):
    def _held_orders(self):
        orders = [self.env.ref(f"sales_mgmt_core.{xmlid}", raise_if_not_found=False) for xmlid in HELD]
        if not all(orders):  # a database without demo data: load the file (rolled back with the test)
            convert_file(self.env, "sales_mgmt_core", "demo/res_partner_demo.xml", {}, mode="init", noupdate=True)
            orders = [self.env.ref(f"sales_mgmt_core.{xmlid}") for xmlid in HELD]
        return orders

    def test_held_by_their_salesperson(self):
        seller = None
        for order in self._held_orders():
            with self.subTest(order=order.name):
                seller = self.env.ref("sales_mgmt_core.user_demo_seller")
                self.assertEqual(order.user_id, seller)
                if order.approval_state != "pending":  # a demo database where someone decided already
                    continue
                self.assertEqual(order.sm_approval_requested_by_id, seller)
                self.assertFalse(order.with_user(seller).sm_can_approve)
                self.assertTrue(order.with_user(self.env.ref("base.user_admin")).sm_can_approve)
        self.assertTrue(seller)
