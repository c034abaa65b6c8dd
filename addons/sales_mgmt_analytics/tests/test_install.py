from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestAnalyticsInstall(TransactionCase):
    def test_reporting_menu_visible_to_salesman_only(self):
        menu = self.env.ref("sales_mgmt_analytics.sales_mgmt_analytics_menu")
        self.assertEqual(menu.parent_id, self.env.ref("sale.menu_sale_report"))
        self.assertEqual(menu.group_ids, self.env.ref("sales_team.group_sale_salesman"))
