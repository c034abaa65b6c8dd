from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestSmokeTour(HttpCase):
    def test_salesman_opens_sales_and_partner(self):
        salesman = new_test_user(self.env, "sm_tour_salesman", groups="sales_mgmt_core.group_sales_mgmt_user")
        tier = self.env["sales.customer.tier"].create(
            {"name": "Tour Tier", "sequence": 1, "min_revenue": 10**9, "min_order_count": 10**6}
        )
        self.env["res.partner"].create(
            {"name": "Tour Customer", "customer_tier_id": tier.id, "customer_rank": 1, "user_id": salesman.id}
        )
        self.start_tour("/odoo", "sales_mgmt_smoke_tour", login="sm_tour_salesman")

    def test_approval_flow(self):
        salesman = new_test_user(self.env, "sm_tour_seller", groups="sales_mgmt_core.group_sales_mgmt_user")
        new_test_user(self.env, "sm_tour_approver", groups="sales_mgmt_core.group_credit_approver")
        customer = self.env["res.partner"].create({"name": "Tour Over Limit", "user_id": salesman.id})
        customer.credit_limit = 100
        product = self.env["product.product"].create({"name": "Tour Gift", "type": "consu", "taxes_id": []})
        order = self.env["sale.order"].create(
            {
                "partner_id": customer.id,
                "user_id": salesman.id,
                "order_line": [Command.create({"product_id": product.id, "price_unit": 500})],
            }
        )
        url = f"/odoo/action-sale.action_quotations_with_onboarding/{order.id}"
        self.start_tour(url, "sales_mgmt_approval_request_tour", login="sm_tour_seller")
        self.assertEqual(order.approval_state, "pending")
        self.start_tour(url, "sales_mgmt_approval_approve_tour", login="sm_tour_approver")
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.approved_by_id.login, "sm_tour_approver")
