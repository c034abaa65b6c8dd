"""Every way to get an order over its customer's credit confirmed, for every group.

The matrix is generated: each path (a way to confirm, or to change a held or approved order
and then confirm it) is tried by each user; the only outcome that may confirm the order is an
approval by a Credit Approver who is not involved in it. XML-RPC and JSON-2 are in
tests/test_approval_rpc.py; channel imports and queue jobs in sales_mgmt_channels.
"""

import base64

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import SalesMgmtOrderCommon

REFUSED = (AccessError, UserError, ValidationError)


def _confirm(order, user):
    order.with_user(user).action_confirm()


def _confirm_in_list(order, user):
    """List view mass action: the held order with a fine order of the same customer first."""
    fine = order.copy({"order_line": [Command.create({"product_id": order.order_line.product_id.id, "price_unit": 1})]})
    (fine | order).with_user(user).action_confirm()


def _write_approved_then_confirm(order, user):
    order.with_user(user).write({"approval_state": "approved"})
    order.with_user(user).action_confirm()


def _write_state(order, user):
    order.with_user(user).write({"state": "sale"})


def _approve(order, user):
    order.with_user(user).action_approve()


def _approve_after_handover(order, user):
    """The user becomes salesperson, hands the order back, then approves."""
    salesperson = order.user_id
    order.with_user(user).write({"user_id": user.id})
    order.with_user(user).write({"user_id": salesperson.id})
    order.with_user(user).action_approve()


def _copy_and_confirm(order, user):
    order.with_user(user).copy().with_user(user).action_confirm()


def _cancel_reset_confirm(order, user):
    order.with_user(user).action_cancel()
    order.with_user(user).action_draft()
    order.with_user(user).action_confirm()


def _change_customer_then_confirm(order, user):
    """Invoice an unrelated partner without a limit: the customer's own credit still applies."""
    payer = order.env["res.partner"].with_user(user).create({"name": "Unlimited Payer"})
    order.with_user(user).write({"partner_invoice_id": payer.id})
    order.with_user(user).action_confirm()


PATHS = {
    "form button": _confirm,
    "list mass action": _confirm_in_list,
    "write approval_state": _write_approved_then_confirm,
    "write state": _write_state,
    "approve": _approve,
    "approve after handover": _approve_after_handover,
    "copy": _copy_and_confirm,
    "cancel and reset": _cancel_reset_confirm,
    "change invoice address": _change_customer_then_confirm,
}


@tagged("post_install", "-at_install")
class TestApprovalMatrix(SalesMgmtOrderCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls.env["res.partner"].create({"name": "Matrix Customer", "user_id": cls.user_salesman.id})
        cls.customer.with_company(cls.company).credit_limit = 100
        cls.users = {
            "salesperson": cls.user_salesman,
            "sales management manager": cls.user_manager,
            "approver selling it": cls.user_approver,
        }

    def _held(self, seller):
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "user_id": seller.id,
                "order_line": [Command.create({"product_id": self.product.id, "price_unit": 500})],
            }
        )
        order.with_user(seller).action_confirm()
        self.assertEqual((order.state, order.approval_state), ("draft", "pending"))
        return order

    def test_no_path_confirms_over_credit_without_an_uninvolved_approver(self):
        for path_name, path in PATHS.items():
            for user_name, user in self.users.items():
                with self.subTest(path=path_name, user=user_name):
                    # the approver tries on an order they sell; the others on the salesperson's
                    seller = user if user == self.user_approver else self.user_salesman
                    order = self._held(seller)
                    outcome = "accepted"
                    try:
                        with self.env.cr.savepoint():
                            path(order, user)
                    except REFUSED as error:
                        outcome = type(error).__name__  # refused: what the matrix expects of most paths
                    order.invalidate_recordset()
                    self.assertNotEqual(
                        order.state, "sale", f"{path_name} by {user_name} ({outcome}) confirmed the order"
                    )
                    confirmed = self.env["sale.order"].search(
                        [("partner_id", "=", self.customer.id), ("state", "=", "sale"), ("amount_total", ">", 100)]
                    )
                    self.assertFalse(confirmed, f"{path_name} by {user_name} confirmed an over-limit order")

    def test_an_uninvolved_approver_confirms(self):
        for path_name in ("approve", "approve after handover"):
            with self.subTest(path=path_name):
                order = self._held(self.user_salesman)
                if path_name == "approve":
                    _approve(order, self.user_approver)
                    self.assertEqual(order.state, "sale")
                else:  # having been its salesperson, even for a moment, disqualifies
                    with self.assertRaises(UserError):
                        _approve_after_handover(order, self.user_approver)

    def test_import_wizard_confirms_through_the_checks(self):
        self.product.default_code = "MATRIX-1"
        csv = "Order Reference,Customer,Product,Quantity,Unit Price\nM-1,Matrix Customer,MATRIX-1,1,500\n"
        wizard = (
            self.env["sale.order.import.wizard"]
            .with_user(self.user_salesman)
            .create({"file": base64.b64encode(csv.encode()), "filename": "m.csv", "confirm_orders": True})
        )
        wizard.action_validate()
        self.assertEqual(wizard.error_count, 0, wizard.line_ids.mapped("error"))
        wizard.action_import()
        self.assertEqual((wizard.order_ids.state, wizard.order_ids.approval_state), ("draft", "pending"))
