from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestSmokeTour(HttpCase):
    def test_salesman_opens_sales_and_partner(self):
        new_test_user(self.env, "sm_tour_salesman", groups="sales_mgmt_core.group_sales_mgmt_user")
        tier = self.env["sales.customer.tier"].create(
            {"name": "Tour Tier", "sequence": 1, "min_revenue": 10**9, "min_order_count": 10**6}
        )
        self.env["res.partner"].create({"name": "Tour Customer", "customer_tier_id": tier.id, "customer_rank": 1})
        self.start_tour("/odoo", "sales_mgmt_smoke_tour", login="sm_tour_salesman")
