from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestAnalyticsTour(HttpCase):
    def test_manager_opens_analysis_and_dashboard(self):
        manager = new_test_user(self.env, "an_tour_manager", groups="sales_mgmt_core.group_sales_mgmt_manager")
        channel = self.env["sales.channel"].create({"name": "Tour channel", "channel_type": "json"})
        product = self.env["product.product"].create({"name": "Tour product", "type": "consu", "taxes_id": []})
        customer = self.env["res.partner"].create({"name": "Tour analytics customer"})
        order = self.env["sale.order"].create(
            {
                "partner_id": customer.id,
                "user_id": manager.id,
                "channel_id": channel.id,
                "order_line": [Command.create({"product_id": product.id, "price_unit": 120})],
            }
        )
        order.with_context(sales_mgmt_skip_checks=True).action_confirm()
        self.start_tour(
            "/odoo/action-sales_mgmt_analytics.sales_analysis_report_action?view_type=pivot",
            "sales_mgmt_analytics_tour",
            login="an_tour_manager",
        )
