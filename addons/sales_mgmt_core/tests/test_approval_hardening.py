"""The approval's promises on the moves an adversarial user makes (issue: trustworthy core).

Each test reproduces an observed bypass or crash of the earlier code; they failed before the
checks became batch-aware, protected and fingerprinted.
"""

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .common import SalesMgmtOrderCommon


@tagged("post_install", "-at_install")
class TestApprovalHardening(SalesMgmtOrderCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls._customer("Hana Holdfast", limit=1000)
        cls.warehouse = cls.env["stock.warehouse"].search([("company_id", "=", cls.company.id)], limit=1)
        cls.storable = cls.env["product.product"].create(
            {"name": "Kettle", "type": "consu", "is_storable": True, "list_price": 1.0, "taxes_id": [Command.clear()]}
        )
        cls.env["stock.quant"]._update_available_quantity(cls.storable, cls.warehouse.lot_stock_id, 10)

    @classmethod
    def _customer(cls, name, limit=0.0, **vals):
        partner = cls.env["res.partner"].create({"name": name, "user_id": cls.user_salesman.id, **vals})
        if limit:
            partner.with_company(cls.company).credit_limit = limit
        return partner

    def test_odoo_credit_limit_setting_every_combination(self):
        """Settings > Invoicing > Sales Credit Limit with a default: the limit is the customer's
        own, else the tier's, else the company default (confirmation used to crash with
        AttributeError 'account_default_credit_limit')."""
        settings = self.env["res.config.settings"].create(
            {"account_use_credit_limit": True, "account_default_credit_limit": 500}
        )
        settings.execute()
        self.assertTrue(self.company.account_use_credit_limit)
        tier = self.env.ref("sales_mgmt_core.customer_tier_new")
        tier.credit_limit = 400
        for own in (0, 300):
            for with_tier in (False, True):
                with self.subTest(own=own, tier=with_tier):
                    partner = self._customer(f"Combo {own} {with_tier}", limit=own)
                    if with_tier:
                        partner.customer_tier_id = tier
                    self.assertEqual(partner.with_company(self.company).use_partner_credit_limit, bool(own))
                    order = self._quotation(partner, 1000)
                    order.action_confirm()
                    expected = own or (400 if with_tier else 500)
                    self.assertEqual(order.state, "draft")
                    self.assertAlmostEqual(order.hold_reason_ids.credit_limit, expected)
        # the setting off: the company default no longer applies
        self.company.account_use_credit_limit = False
        order = self._quotation(self._customer("No default"), 1000)
        order.action_confirm()
        self.assertEqual(order.state, "sale")

    # ------------------------------------------------------------------ batches see themselves
    def test_batch_confirm_accumulates_credit(self):
        orders = self.env["sale.order"].concat(*(self._quotation(self.customer, 400) for _i in range(4)))
        orders.action_confirm()
        self.assertEqual(orders.mapped("state"), ["sale", "sale", "draft", "draft"])
        self.assertAlmostEqual(orders[2].hold_reason_ids.exposure, 1200)
        self.assertIn("this batch", orders[2].hold_reason_ids.message)

    def test_batch_confirm_accumulates_stock(self):
        orders = self._quotation(self.customer, 1, product=self.storable, qty=6) | self._quotation(
            self.customer, 1, product=self.storable, qty=6
        )
        orders.action_confirm()
        self.assertEqual(orders.mapped("state"), ["sale", "draft"])
        self.assertAlmostEqual(orders[1].hold_reason_ids.missing_qty, 2)

    def test_held_order_takes_nothing_from_later_orders(self):
        """An order held by one check does not count against the next order of the batch."""
        short = self._quotation(self.customer, 35, product=self.storable, qty=20)
        fine = self._quotation(self.customer, 700)
        (short | fine).action_confirm()
        self.assertEqual((short.state, fine.state), ("draft", "sale"))
        self.assertEqual(short.hold_reason_ids.mapped("check"), ["stock"])

    def test_batch_mixes_customers_one_query_per_figure(self):
        """200 orders of 100 customers with limits: the checks' query count does not grow with
        the batch (the earlier per-order checks ran several queries per order)."""
        partners = self.env["res.partner"].create([{"name": f"Batch {i}"} for i in range(20)])
        for partner in partners:
            partner.with_company(self.company).credit_limit = 10_000
        orders = self.env["sale.order"].create(
            [
                {
                    "partner_id": partner.id,
                    "order_line": [Command.create({"product_id": self.product.id, "price_unit": 10})],
                }
                for partner in partners
                for _i in range(2)
            ]
        )
        self.env.invalidate_all()
        checks = [self.env[name] for name in orders._sm_confirmation_checks()]
        with self.assertQueryCount(__system__=30):
            for check in checks:
                check._sm_prepare(orders)

    # ------------------------------------------------------------------ protected fields
    def test_salesperson_cannot_write_approval_fields(self):
        self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.customer.id,
                "invoice_line_ids": [Command.create({"name": "x", "quantity": 1, "price_unit": 990, "tax_ids": []})],
            }
        ).action_post()
        order = self._quotation(self.customer, 100)
        order.action_confirm()
        self.assertEqual(order.approval_state, "pending")
        as_sales = order.with_user(self.user_salesman)
        for vals in (
            {"approval_state": "approved"},
            {"approved_by_id": self.user_approver.id},
            {"sm_approval_fingerprint": "x"},
            {"sm_approval_involved_user_ids": [Command.clear()]},
            {"hold_reason_ids": [Command.clear()]},
        ):
            with self.subTest(vals=vals), self.assertRaises(AccessError):
                as_sales.write(vals)
        with self.assertRaises(UserError):
            as_sales.write({"state": "sale"})
        with self.assertRaises(UserError):
            order.sudo().write({"state": "sale"})  # not even code running as superuser
        self.assertEqual((order.state, order.approval_state), ("draft", "pending"))
        Order = self.env["sale.order"].with_user(self.user_salesman)
        base = {"partner_id": self.customer.id}
        with self.assertRaises(AccessError):
            Order.create({**base, "approval_state": "approved"})
        with self.assertRaises(AccessError):
            Order.with_context(default_approval_state="approved").create(base)
        with self.assertRaises(UserError):
            Order.create({**base, "state": "sale"})
        # the approval record is not copied
        copy = order.copy()
        self.assertEqual((copy.approval_state, copy.hold_reason_ids.ids), ("none", []))

    def test_base_import_cannot_set_approval_or_confirm(self):
        """Odoo's import (``load``, what Import records in the UI calls) goes through create/write."""
        Order = self.env["sale.order"].with_user(self.user_salesman)
        before = Order.search_count([])
        for column, value in (("approval_state", "approved"), ("state", "sale")):
            with self.subTest(column=column):
                result = Order.load(["partner_id/.id", column], [[str(self.customer.id), value]])
                self.assertFalse(result["ids"], result)
                self.assertTrue(any(m["type"] == "error" for m in result["messages"]), result)
        self.assertEqual(Order.search_count([]), before)

    def test_hold_reasons_are_an_audit_trail(self):
        order = self._quotation(self.customer, 5000)
        order.action_confirm()
        reason = order.hold_reason_ids
        self.assertTrue(reason)
        Reason = self.env["sale.order.hold.reason"].with_user(self.user_salesman)
        self.assertEqual(Reason.search([("order_id", "=", order.id)]), reason)
        for action in (
            lambda: reason.with_user(self.user_salesman).unlink(),
            lambda: reason.with_user(self.user_salesman).write({"message": "fine"}),
            lambda: Reason.create({"order_id": order.id, "check": "blocked", "message": "fake"}),
        ):
            with self.assertRaises(AccessError):
                action()
        # another salesperson's order: its reasons are not readable either
        other = self._quotation(self.customer, 5000, user=self.user_salesman_2)
        other.action_confirm()
        self.assertFalse(Reason.search([("order_id", "=", other.id)]))

    # ------------------------------------------------------------------ an approval holds for what was approved
    def _approved(self, amount=5000, **vals):
        order = self._quotation(self.customer, amount, **vals)
        order.action_confirm()
        self.assertEqual(order.approval_state, "pending")
        order.with_user(self.user_approver).action_approve()
        self.assertEqual((order.state, order.approval_state), ("sale", "approved"))
        return order

    def test_cancel_and_reset_voids_the_approval(self):
        order = self._approved()
        order._action_cancel()
        self.assertEqual(order.approval_state, "none")
        order.action_draft()
        order.action_confirm()
        self.assertEqual((order.state, order.approval_state), ("draft", "pending"))

    def test_pricelist_change_voids_the_approval(self):
        order = self._quotation(self.customer, 5000)
        order.action_confirm()
        order._sm_system_write({"approval_state": "approved", "sm_approval_fingerprint": order._sm_fingerprint()})
        eur = self.env.ref("base.EUR")
        eur.active = True
        pricelist = self.env["product.pricelist"].create({"name": "EUR", "currency_id": eur.id})
        order.with_user(self.user_salesman).write({"pricelist_id": pricelist.id})
        order.action_confirm()
        self.assertEqual((order.state, order.approval_state), ("draft", "pending"))

    # ------------------------------------------------------------------ whose credit
    def test_invoice_partner_does_not_launder_a_blocked_customer(self):
        blocked = self._customer("Blocked Buyer")
        blocked.with_company(self.company).sm_credit_block = True
        payer = self._customer("Unrelated Payer", limit=100)
        order = self._quotation(blocked, 500, partner_invoice_id=payer.id)
        order.action_confirm()
        self.assertEqual(order.state, "draft")
        checks = {(r.check, r.partner_id) for r in order.hold_reason_ids}
        self.assertEqual(checks, {("blocked", blocked), ("credit_limit", payer)})

    def test_orders_invoiced_on_delivery_count_until_invoiced(self):
        self.product.invoice_policy = "delivery"
        first = self._quotation(self.customer, 800)
        first.action_confirm()
        self.assertEqual(first.state, "sale")
        second = self._quotation(self.customer, 800)
        second.action_confirm()
        self.assertEqual(second.state, "draft")
        self.assertAlmostEqual(second.hold_reason_ids.exposure, 1600)

    # ------------------------------------------------------------------ who may approve
    def test_approver_cannot_approve_after_handing_the_order_over(self):
        own = self._quotation(self.customer, 5000, user=self.user_approver)
        own.with_user(self.user_approver).action_confirm()
        own.with_user(self.user_approver).write({"user_id": self.user_salesman.id})
        with self.assertRaises(UserError):
            own.with_user(self.user_approver).action_approve()
        # nor on an order they created for somebody else
        created = self._quotation(self.customer, 5000, user=self.user_approver)
        created.with_user(self.user_approver).write({"user_id": self.user_salesman.id})
        created.with_user(self.user_salesman).action_confirm()
        with self.assertRaises(UserError):
            created.with_user(self.user_approver).action_approve()
        self.assertNotIn(
            self.user_approver,
            created.activity_ids.filtered(lambda a: a.activity_type_id.name == "Order Approval").user_id,
        )

    def test_admin_approves_out_of_the_box_and_no_approver_is_said(self):
        self.assertTrue(self.env.ref("base.user_admin").has_group("sales_mgmt_core.group_credit_approver"))
        company_b = self.env["res.company"].create({"name": "Nobody Approves Here"})
        self.user_salesman.company_ids |= company_b
        order = (
            self.env["sale.order"]
            .with_company(company_b)
            .create(
                {
                    "partner_id": self.customer.id,
                    "company_id": company_b.id,
                    "order_line": [Command.create({"product_id": self.product.id, "price_unit": 10})],
                }
            )
        )
        self.customer.with_company(company_b).sm_credit_block = True
        order.action_confirm()
        self.assertEqual(order.approval_state, "pending")
        self.assertFalse(order.sm_has_approver)
        self.assertIn("Nobody can approve", "".join(order.message_ids.mapped("body")))

    # ------------------------------------------------------------------ clean up when the checks pass later
    def test_held_order_confirmed_later_is_cleaned_up(self):
        order = self._quotation(self.customer, 1500)
        order.action_confirm()
        self.assertEqual(order.approval_state, "pending")
        self.assertTrue(order.activity_ids)
        self.customer.with_company(self.company).credit_limit = 2000
        order.action_confirm()
        self.assertEqual((order.state, order.approval_state), ("sale", "none"))
        self.assertFalse(order.activity_ids.filtered(lambda a: a.activity_type_id.name == "Order Approval"))
        with self.assertRaises(UserError):
            order.with_user(self.user_approver).action_approve()

    def test_confirmed_order_cannot_grow_past_the_credit(self):
        """Raising a confirmed order's quantities or adding lines commits the customer to more:
        the credit must still hold, or the change is refused (approved once is not a blank cheque)."""
        order = self._quotation(self.customer, 600)
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        line = order.order_line.with_user(self.user_salesman)
        with self.assertRaises(UserError):
            line.write({"product_uom_qty": 2, "price_unit": 600})
        with self.assertRaises(UserError):
            order.with_user(self.user_salesman).write(
                {"order_line": [Command.create({"product_id": self.product.id, "price_unit": 500})]}
            )
        self.assertAlmostEqual(order.amount_total, 600)
        line.price_unit = 300  # lowering is fine
        line.write({"product_uom_qty": 3, "price_unit": 300})  # 900, within the limit
        self.assertAlmostEqual(order.amount_total, 900)
        unlimited = self._quotation(self._customer("Open Account"), 600)
        unlimited.action_confirm()
        unlimited.order_line.with_user(self.user_salesman).product_uom_qty = 10
        # moving the confirmed order to a blocked payer is refused too
        blocked = self._customer("Blocked Payer")
        blocked.with_company(self.company).sm_credit_block = True
        with self.assertRaises(UserError):
            unlimited.with_user(self.user_salesman).write({"partner_invoice_id": blocked.id})

    def test_draft_invoice_does_not_take_an_order_out_of_the_exposure(self):
        """Invoicing a confirmed order in draft lowers what is "to invoice" before the receivable
        exists: the draft counts until posted (a draft credit note does not lower it)."""
        first = self._quotation(self.customer, 600)
        first.action_confirm()
        held = self._quotation(self.customer, 600)
        held.action_confirm()
        self.assertEqual(held.approval_state, "pending")
        first._create_invoices()  # draft
        self.assertEqual(first.invoice_ids.state, "draft")
        held.action_confirm()
        self.assertEqual(held.state, "draft")
        self.assertAlmostEqual(held.hold_reason_ids.exposure, 1200)

    def test_pending_order_edited_cannot_be_approved_as_it_was_held(self):
        order = self._quotation(self.customer, 1500)
        order.action_confirm()
        order.order_line.with_user(self.user_salesman).write({"product_uom_qty": 100, "price_unit": 1500})
        self.assertTrue(order.sm_approval_outdated)
        with self.assertRaises(UserError):
            order.with_user(self.user_approver).action_approve()
        order.action_confirm()  # checked again: new reasons with the new figures
        self.assertAlmostEqual(order.hold_reason_ids.exposure, 150_000)
        order.with_user(self.user_approver).action_approve()
        self.assertEqual(order.state, "sale")

    def test_default_state_context_cannot_create_a_sale(self):
        with self.assertRaises(UserError):
            self.env["sale.order"].with_user(self.user_salesman).with_context(default_state="sale").create(
                {"partner_id": self.customer.id}
            )

    def test_form_confirm_is_checked(self):
        form = Form(self.env["sale.order"].with_user(self.user_salesman))
        form.partner_id = self.customer
        with form.order_line.new() as line:
            line.product_id = self.product
            line.price_unit = 5000
        order = form.save()
        order.action_confirm()
        self.assertEqual(order.approval_state, "pending")
