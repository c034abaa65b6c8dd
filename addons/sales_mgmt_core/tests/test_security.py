from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import SalesMgmtCommon


@tagged("post_install", "-at_install")
class TestSecurity(SalesMgmtCommon):
    def test_group_hierarchy(self):
        self.assertTrue(self.user_salesman.has_group("sales_team.group_sale_salesman"))
        self.assertFalse(self.user_salesman.has_group("sales_team.group_sale_manager"))
        self.assertTrue(self.user_manager.has_group("sales_mgmt_core.group_sales_mgmt_user"))
        self.assertTrue(self.user_manager.has_group("sales_team.group_sale_manager"))
        self.assertTrue(self.user_approver.has_group("sales_mgmt_core.group_sales_mgmt_user"))
        self.assertFalse(self.user_approver.has_group("sales_mgmt_core.group_sales_mgmt_manager"))
        self.assertFalse(self.user_internal.has_group("sales_mgmt_core.group_sales_mgmt_user"))

    def test_tier_access_salesman_reads_only(self):
        Tier = self.env["sales.customer.tier"].with_user(self.user_salesman)
        self.assertIn("VIP", Tier.search([]).mapped("name"))
        with self.assertRaises(AccessError):
            Tier.create({"name": "Platinum", "min_revenue": 99999})
        with self.assertRaises(AccessError):
            Tier.search([], limit=1).write({"min_revenue": 1})

    def test_tier_access_manager_edits(self):
        Tier = self.env["sales.customer.tier"].with_user(self.user_manager)
        tier = Tier.create({"name": "Platinum", "sequence": 1, "min_revenue": 99999, "min_order_count": 50})
        tier.write({"min_order_count": 60})
        tier.unlink()

    def test_tier_access_internal_user_denied(self):
        with self.assertRaises(AccessError):
            self.env["sales.customer.tier"].with_user(self.user_internal).search([])

    def test_approver_cannot_edit_tiers(self):
        with self.assertRaises(AccessError):
            self.env["sales.customer.tier"].with_user(self.user_approver).create({"name": "X"})
