from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged

APPROVER_GROUP = "sales_mgmt_core.group_credit_approver"


class _DecisionTourCase(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.seller = new_test_user(cls.env, "sm_dec_seller", groups="sales_mgmt_core.group_sales_mgmt_user")
        cls.approver = new_test_user(cls.env, "sm_dec_approver", groups=APPROVER_GROUP)
        cls.customer = cls.env["res.partner"].create({"name": "Decision Customer", "user_id": cls.seller.id})
        cls.customer.credit_limit = 100
        cls.product = cls.env["product.product"].create({"name": "Decision Teapot", "type": "consu", "taxes_id": []})

    def _held(self, user):
        order = (
            self.env["sale.order"]
            .with_user(user)
            .create(
                {
                    "partner_id": self.customer.id,
                    "user_id": user.id,
                    "order_line": [Command.create({"product_id": self.product.id, "price_unit": 500})],
                }
            )
        )
        order.action_confirm()
        self.assertEqual(order.approval_state, "pending")
        return order

    def _url(self, order):
        return f"/odoo/action-sale.action_quotations_with_onboarding/{order.id}"


@tagged("post_install", "-at_install")
class TestPhoneApprove(_DecisionTourCase):
    browser_size = "390x844"
    touch_enabled = True

    def test_approver_approves_on_a_phone(self):
        order = self._held(self.seller)
        self.start_tour(self._url(order), "sales_mgmt_phone_approve_tour", login="sm_dec_approver")
        self.assertEqual((order.approval_state, order.state), ("approved", "sale"))


@tagged("post_install", "-at_install")
class TestNobodyCanApprove(_DecisionTourCase):
    def test_banner_and_no_buttons_when_every_approver_is_involved(self):
        self.env.ref(APPROVER_GROUP).user_ids = self.approver  # the only Credit Approver…
        self.customer.user_id = self.approver
        order = self._held(self.approver)  # …sold and confirmed the order
        self.assertFalse(order.sm_has_approver)
        self.start_tour(self._url(order), "sales_mgmt_nobody_can_approve_tour", login="sm_dec_approver")
