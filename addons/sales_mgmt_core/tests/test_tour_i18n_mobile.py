from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged


class _HeldOrderTourCase(HttpCase):
    """A salesperson's quotation over its customer's credit limit, and a Credit Approver."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.seller = new_test_user(
            cls.env, "sm_i18n_seller", groups="sales_mgmt_core.group_sales_mgmt_user,stock.group_stock_user"
        )
        cls.approver = new_test_user(cls.env, "sm_i18n_approver", groups="sales_mgmt_core.group_credit_approver")
        customer = cls.env["res.partner"].create({"name": "Tour Limited Customer", "user_id": cls.seller.id})
        customer.credit_limit = 100
        product = cls.env["product.product"].create({"name": "Tour Teapot", "type": "consu", "taxes_id": []})
        cls.order = cls.env["sale.order"].create(
            {
                "partner_id": customer.id,
                "user_id": cls.seller.id,
                "order_line": [Command.create({"product_id": product.id, "price_unit": 500})],
            }
        )
        cls.url = f"/odoo/action-sale.action_quotations_with_onboarding/{cls.order.id}"


@tagged("post_install", "-at_install")
class TestTourZhCN(_HeldOrderTourCase):
    def test_approval_flow_in_chinese(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        (self.seller | self.approver).lang = "zh_CN"
        self.start_tour(self.url, "sales_mgmt_approval_request_zh_tour", login="sm_i18n_seller")
        self.assertEqual(self.order.approval_state, "pending")
        self.assertEqual(self.order.hold_reason_ids.mapped("check"), ["credit_limit"])
        self.start_tour(self.url, "sales_mgmt_approval_approve_zh_tour", login="sm_i18n_approver")
        self.assertEqual(self.order.state, "sale")
        self.assertEqual(self.order.approved_by_id, self.approver)


@tagged("post_install", "-at_install")
class TestTourMobile(_HeldOrderTourCase):
    browser_size = "390x844"
    touch_enabled = True

    def test_phone_approval_tab_and_alert_cards(self):
        self.order.with_user(self.seller).action_confirm()
        self.assertEqual(self.order.approval_state, "pending")
        self.start_tour(self.url, "sales_mgmt_mobile_approval_tour", login="sm_i18n_seller")

        warehouse = self.env["stock.warehouse"].search([("company_id", "=", self.env.company.id)], limit=1)
        product = self.env["product.product"].create({"name": "Tour Kettle", "is_storable": True, "type": "consu"})
        self.env["sales.safety.stock"].create({"product_id": product.id, "warehouse_id": warehouse.id, "safety_qty": 5})
        self.env["sales.stock.alert"]._evaluate()
        self.start_tour(
            "/odoo/action-sales_mgmt_core.sales_stock_alert_action", "sales_mgmt_mobile_alerts_tour", login="admin"
        )
        self.assertTrue(
            self.env["stock.warehouse.orderpoint"].search_count(
                [("product_id", "=", product.id), ("warehouse_id", "=", warehouse.id)]
            )
        )
