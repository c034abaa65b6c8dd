from datetime import timedelta
from unittest.mock import patch

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from .common import SalesMgmtOrderCommon


@tagged("post_install", "-at_install")
class TestOrderApproval(SalesMgmtOrderCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls.env["res.partner"].create(
            {"name": "Cora Credit", "email": "cora@example.com", "user_id": cls.user_salesman.id}
        )
        cls.customer.with_company(cls.company).credit_limit = 1000.0
        cls.contact = cls.env["res.partner"].create({"name": "Cora's buyer", "parent_id": cls.customer.id})
        cls.warehouse = cls.env["stock.warehouse"].search([("company_id", "=", cls.company.id)], limit=1)
        cls.storable = cls.env["product.product"].create(
            {"name": "Lamp", "type": "consu", "is_storable": True, "list_price": 50.0, "taxes_id": [Command.clear()]}
        )
        cls.env["stock.quant"]._update_available_quantity(cls.storable, cls.warehouse.lot_stock_id, 10)

    def _invoice(self, partner, amount, days_overdue=0, move_type="out_invoice", currency=None):
        move = self.env["account.move"].create(
            {
                "move_type": move_type,
                "partner_id": partner.id,
                "invoice_date": fields.Date.today() - timedelta(days=30 + days_overdue),
                "invoice_date_due": fields.Date.today() - timedelta(days=days_overdue),
                "currency_id": (currency or self.company.currency_id).id,
                "invoice_line_ids": [
                    Command.create({"name": "Goods", "quantity": 1, "price_unit": amount, "tax_ids": []})
                ],
            }
        )
        move.action_post()
        return move

    def test_under_limit_confirms(self):
        order = self._quotation(self.customer, 400)
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.approval_state, "none")
        self.assertEqual(order.fulfilment_status, "confirmed")

    def test_over_limit_held_with_reasons_and_activity(self):
        self._invoice(self.customer, 700)
        order = self._quotation(self.customer, 400)
        order.action_confirm()
        self.assertEqual(order.state, "draft")
        self.assertEqual(order.approval_state, "pending")
        self.assertEqual(order.fulfilment_status, "waiting_approval")
        reason = order.hold_reason_ids
        self.assertEqual(reason.check, "credit_limit")
        self.assertAlmostEqual(reason.credit_limit, 1000)
        self.assertAlmostEqual(reason.exposure, 1100)
        self.assertIn("exceeds the credit limit", order.message_ids[0].body)
        activity = order.activity_ids.filtered(lambda a: a.activity_type_id.name == "Order Approval")
        self.assertIn(self.user_approver, activity.user_id)

    def test_partial_payment_and_credit_note_reduce_exposure(self):
        invoice = self._invoice(self.customer, 900)
        refund = self._invoice(self.customer, 300, move_type="out_refund")
        self.assertTrue(refund)
        payment = (
            self.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"amount": 200.0})
        )
        payment.action_create_payments()
        # 900 - 300 - 200 = 400 open; + 500 order = 900 <= 1000
        order = self._quotation(self.customer, 500)
        order.action_confirm()
        self.assertEqual(order.state, "sale", order.hold_reason_ids.mapped("message"))

    def test_confirmed_uninvoiced_orders_count(self):
        first = self._quotation(self.customer, 600)
        first.action_confirm()
        self.assertEqual(first.state, "sale")
        second = self._quotation(self.customer, 600)
        second.action_confirm()
        self.assertEqual(second.approval_state, "pending")
        self.assertAlmostEqual(second.hold_reason_ids.exposure, 1200)

    def test_child_contact_shares_parent_credit(self):
        self._invoice(self.customer, 800)
        order = self._quotation(self.contact, 300)
        order.action_confirm()
        self.assertEqual(order.approval_state, "pending")

    def test_multi_currency_exposure(self):
        eur = self._euro_at(2.0)  # 2 EUR for 1 USD
        self._invoice(self.customer, 1000, currency=eur)  # = 500 in company currency
        order = self._quotation(self.customer, 450)
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        order2 = self._quotation(self.customer, 100)
        order2.action_confirm()
        self.assertEqual(order2.approval_state, "pending")
        self.assertAlmostEqual(order2.hold_reason_ids.exposure, 1050)

    def test_overdue_and_block(self):
        self.customer.with_company(self.company).credit_limit = 0  # no limit
        self._invoice(self.customer, 50, days_overdue=10)
        order = self._quotation(self.customer, 10)
        order.action_confirm()
        self.assertEqual(order.hold_reason_ids.check, "overdue")
        self.customer.sm_allowed_overdue_days = 15
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        self.customer.sm_credit_block = True
        order2 = self._quotation(self.customer, 10)
        order2.action_confirm()
        self.assertEqual(order2.hold_reason_ids.check, "blocked")

    def test_tier_default_limit(self):
        self.customer.with_company(self.company).credit_limit = 0
        tier = self.env.ref("sales_mgmt_core.customer_tier_new")
        tier.credit_limit = 100
        self.customer.customer_tier_id = tier
        order = self._quotation(self.customer, 150)
        order.action_confirm()
        self.assertEqual(order.hold_reason_ids.check, "credit_limit")
        self.assertAlmostEqual(order.hold_reason_ids.credit_limit, 100)

    def test_stock_shortage_held_and_policy(self):
        order = self._quotation(self.customer, 50, product=self.storable, qty=12)
        order.action_confirm()
        reason = order.hold_reason_ids
        self.assertEqual(reason.check, "stock")
        self.assertEqual(reason.product_id, self.storable)
        self.assertAlmostEqual(reason.missing_qty, 2)
        self.company.sm_stock_check_policy = "warn"
        order2 = self._quotation(self.customer, 50, product=self.storable, qty=12)
        order2.action_confirm()
        self.assertEqual(order2.state, "sale")
        self.assertIn(
            "Stock warning", order2.message_ids.mapped("body")[-1] + "".join(order2.message_ids.mapped("body"))
        )
        self.company.sm_stock_check_policy = "ignore"
        no_limit = self.env["res.partner"].create({"name": "No Limit"})
        order3 = self._quotation(no_limit, 1, product=self.storable, qty=500)
        order3.action_confirm()
        self.assertEqual(order3.state, "sale")

    def test_stock_uom_conversion(self):
        dozen = self.env.ref("uom.product_uom_dozen")
        order = self._quotation(self.customer, 1, product=self.storable, qty=1)
        order.order_line.product_uom_id = dozen
        order.order_line.price_unit = 1
        order.action_confirm()
        self.assertAlmostEqual(order.hold_reason_ids.missing_qty, 2)

    def test_approve_by_approver_not_own_order(self):
        self._invoice(self.customer, 950)
        order = self._quotation(self.customer, 100)
        order.action_confirm()
        with self.assertRaises(AccessError):
            order.with_user(self.user_salesman).action_approve()
        own = self._quotation(self.customer, 100, user=self.user_approver)
        own.with_user(self.user_approver).action_confirm()
        with self.assertRaises(UserError):
            own.with_user(self.user_approver).action_approve()
        order.with_user(self.user_approver).action_approve()
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.approved_by_id, self.user_approver)
        self.assertIn("1,050", order.approval_note)
        self.assertFalse(order.activity_ids.filtered(lambda a: a.activity_type_id.name == "Order Approval"))

    def test_reject_needs_reason(self):
        self._invoice(self.customer, 950)
        order = self._quotation(self.customer, 100)
        order.action_confirm()
        with self.assertRaises(UserError):
            order.with_user(self.user_approver).action_reject("  ")
        wizard = Form(
            self.env["sale.order.reject.wizard"].with_user(self.user_approver).with_context(default_order_ids=order.ids)
        )
        wizard.reason = "Pay the open invoice first"
        wizard.save().action_reject()
        self.assertEqual(order.approval_state, "rejected")
        self.assertEqual(order.state, "draft")

    def test_editing_lines_voids_approval(self):
        self._invoice(self.customer, 950)
        order = self._quotation(self.customer, 100)
        order.action_confirm()
        self.assertEqual(order.approval_state, "pending")
        # approved for exactly this order, as action_approve records it
        order._sm_system_write({"approval_state": "approved", "sm_approval_fingerprint": order._sm_fingerprint()})
        self.assertFalse(order.sm_approval_outdated)
        order.order_line.product_uom_qty = 5
        order.invalidate_recordset(["sm_approval_outdated"])
        self.assertTrue(order.sm_approval_outdated)
        order.action_confirm()
        self.assertEqual(order.state, "draft")
        self.assertEqual(order.approval_state, "pending")
        self.assertIn("changed after its approval", "".join(order.message_ids.mapped("body")))

    def test_skip_context_key_is_ignored_even_for_approvers(self):
        """The old ``sales_mgmt_skip_checks`` bypass let an approver confirm their own order
        over the limit; approvers approve other people's orders with Approve instead."""
        self._invoice(self.customer, 950)
        order = self._quotation(self.customer, 100)
        for user in (self.user_salesman, self.user_approver):
            order.with_user(user).with_context(sales_mgmt_skip_checks=True).action_confirm()
            self.assertEqual(order.state, "draft")
        order.sudo().with_context(sales_mgmt_skip_checks=True).action_confirm()
        self.assertEqual(order.state, "draft")

    def test_mass_confirm_holds_only_failing(self):
        self._invoice(self.customer, 950)
        other = self.env["res.partner"].create({"name": "Free Spender"})
        held = self._quotation(self.customer, 100)
        fine = self._quotation(other, 100)
        (held | fine).action_confirm()
        self.assertEqual(held.state, "draft")
        self.assertEqual(fine.state, "sale")

    def test_multi_company_isolation(self):
        company_b = self.env["res.company"].create({"name": "Branch B"})
        self.customer.with_company(company_b).credit_limit = 1000
        self._invoice(self.customer, 950)  # in the main company only
        self.user_salesman.company_ids |= company_b
        order = (
            self.env["sale.order"]
            .with_company(company_b)
            .create(
                {
                    "partner_id": self.customer.id,
                    "company_id": company_b.id,
                    "order_line": [Command.create({"product_id": self.product.id, "price_unit": 500})],
                }
            )
        )
        order.action_confirm()
        self.assertEqual(order.state, "sale")

    def test_customer_notification_sent_and_failure_does_not_block(self):
        order = self._quotation(self.customer, 100)
        order.action_confirm()
        self.assertTrue(any("is confirmed" in (m.subject or "") for m in order.message_ids))
        order2 = self._quotation(self.customer, 100)
        template_class = type(self.env["mail.template"])
        with (
            patch.object(template_class, "_generate_template", side_effect=ValueError("SMTP down")),
            mute_logger("odoo.addons.sales_mgmt_core.models.sale_order"),
        ):
            order2.action_confirm()
        self.assertEqual(order2.state, "sale")
        self.assertIn("could not be sent", "".join(order2.message_ids.mapped("body")))

    def test_shipping_notice_and_fulfilment(self):
        order = self._quotation(self.customer, 50, product=self.storable, qty=4)
        order.action_confirm()
        picking = order.picking_ids
        picking.move_ids.quantity = 2
        picking.move_ids.picked = True
        picking.with_context(skip_backorder=True, picking_ids_not_to_backorder=[]).button_validate()
        self.assertEqual(order.fulfilment_status, "partially_shipped")
        self.assertTrue(any("has shipped" in (m.subject or "") for m in order.message_ids))
        backorder = order.picking_ids.filtered(lambda p: p.state not in ("done", "cancel"))
        backorder.move_ids.quantity = 2
        backorder.move_ids.picked = True
        backorder.button_validate()
        self.assertEqual(order.fulfilment_status, "shipped")
        order.action_mark_delivered()
        self.assertEqual(order.fulfilment_status, "delivered")

    def _delivered_order(self, qty):
        order = self._quotation(self.customer, 50, product=self.storable, qty=qty)
        order.action_confirm()
        order.picking_ids.move_ids.quantity = qty
        order.picking_ids.move_ids.picked = True
        order.picking_ids.button_validate()
        return order

    def test_return_with_credit_note_linked_to_complaint(self):
        order = self._delivered_order(3)
        complaint = self.env["sales.complaint"].create(
            {"name": "Broken lamp", "partner_id": self.customer.id, "order_id": order.id}
        )
        wizard = Form(
            self.env["sale.order.return.wizard"].with_user(self.user_salesman).with_context(default_order_id=order.id)
        )
        self.assertEqual(wizard.complaint_id, complaint)
        wizard.reason = "Broken in transit"
        wizard.create_credit_note = True
        with wizard.line_ids.edit(0) as line:
            line.quantity = 1
        action = wizard.save().action_create_return()
        return_picking = self.env["stock.picking"].browse(action["res_id"])
        self.assertEqual(return_picking.move_ids.product_uom_qty, 1)
        self.assertEqual(complaint.return_picking_id, return_picking)
        self.assertEqual(complaint.credit_note_id.move_type, "out_refund")
        self.assertAlmostEqual(complaint.credit_note_id.amount_untaxed, 50)
        self.assertEqual(complaint.state, "in_progress")
        return_picking.move_ids.quantity = 1
        return_picking.move_ids.picked = True
        return_picking.button_validate()
        self.assertEqual(order.fulfilment_status, "returned")

    def test_return_credit_note_in_the_sold_unit(self):
        """2 Dozens at 120 a dozen, 6 Units returned: the credit note is half a dozen, 60."""
        order = self._quotation(self.customer, 120, product=self.storable, qty=2)
        order.order_line.product_uom_id = self.env.ref("uom.product_uom_dozen")
        order.order_line.price_unit = 120
        self.env["stock.quant"]._update_available_quantity(self.storable, self.warehouse.lot_stock_id, 24)
        order.action_confirm()
        self.assertEqual(order.state, "sale", order.hold_reason_ids.mapped("message"))
        order.picking_ids.move_ids.quantity = order.picking_ids.move_ids.product_uom_qty
        order.picking_ids.move_ids.picked = True
        order.picking_ids.button_validate()
        wizard = Form(self.env["sale.order.return.wizard"].with_context(default_order_id=order.id))
        wizard.reason = "Six broken"
        wizard.create_credit_note = True
        with wizard.line_ids.edit(0) as line:
            line.quantity = line.max_quantity / 4  # 6 units, whatever unit the move counts in
        wizard.save().action_create_return()
        credit_note = self.env["account.move"].search([("invoice_origin", "=", order.name)])
        self.assertAlmostEqual(credit_note.amount_untaxed, 60)

    def test_return_more_than_delivered_refused(self):
        order = self._delivered_order(1)
        wizard = Form(self.env["sale.order.return.wizard"].with_context(default_order_id=order.id))
        wizard.reason = "Too many"
        with wizard.line_ids.edit(0) as line:
            line.quantity = 5
        with self.assertRaises(UserError):
            wizard.save().action_create_return()
