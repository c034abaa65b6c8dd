"""Who is offered the decision on a held order, what the order says when nobody can take it,
who is told of it, and who may close the approvers' activities (issue 17, round 2 trial)."""

from datetime import timedelta

from lxml import etree

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import SalesMgmtOrderCommon

APPROVAL_TYPE = "sales_mgmt_core.mail_activity_type_order_approval"


@tagged("post_install", "-at_install")
class TestApprovalDecisions(SalesMgmtOrderCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls.env["res.partner"].create({"name": "Dora Decided", "user_id": cls.user_salesman.id})
        cls.customer.with_company(cls.company).credit_limit = 100
        (cls.user_salesman | cls.user_manager).notification_type = "inbox"

    def _held(self, requester=None):
        order = self._quotation(self.customer, 500)
        order.with_user(requester or self.user_salesman).action_confirm()
        self.assertEqual(order.approval_state, "pending")
        return order

    def _approval_activities(self, order):
        return order.activity_ids.filtered(lambda a: a.activity_type_id == self.env.ref(APPROVAL_TYPE))

    # ------------------------------------------------------------------ who is offered Approve / Reject
    def test_only_who_may_decide_is_offered_the_decision(self):
        order = self._held()
        expected = {
            self.user_salesman: False,  # sold, created and asked for it
            self.user_salesman_2: False,  # not a Credit Approver
            self.user_manager: False,  # not a Credit Approver
            self.user_approver: True,
        }
        for user, can in expected.items():
            with self.subTest(user=user.login):
                self.assertEqual(order.with_user(user).sudo().sm_can_approve, can)
        self.assertTrue(order.sm_has_approver)
        # an approver who sells the order may not decide on it
        order.user_id = self.user_approver
        order.invalidate_recordset(["sm_can_approve"])
        self.assertFalse(order.with_user(self.user_approver).sm_can_approve)
        # the server-side check stays
        with self.assertRaises(UserError):
            order.with_user(self.user_approver).action_approve()

    def test_form_shows_approve_and_reject_only_to_who_may_decide(self):
        views = self.env["sale.order"].with_user(self.user_approver).get_views([(False, "form")])
        arch = etree.fromstring(views["views"]["form"]["arch"])
        for action in ("action_approve", "action_open_reject_wizard"):
            buttons = arch.xpath(f"//button[@name='{action}']")
            self.assertTrue(buttons, action)
            for button in buttons:
                with self.subTest(action=action, line=button.sourceline):
                    conditions = [node.get("invisible") or "" for node in (button, *button.iterancestors())]
                    self.assertTrue(any("not sm_can_approve" in c for c in conditions), conditions)
        # Approve is the first header button (the one a phone shows)
        self.assertEqual(arch.xpath("//header/button")[0].get("name"), "action_approve")

    def test_nobody_can_approve_when_every_approver_is_involved(self):
        company_b = self.env["res.company"].create({"name": "Only Abe Approves"})
        self.user_approver.company_ids |= company_b
        customer = self.env["res.partner"].create({"name": "Involved Ivo"})
        customer.with_company(company_b).sm_credit_block = True
        order = (
            self.env["sale.order"]
            .with_user(self.user_approver)
            .with_company(company_b)
            .create(
                {
                    "partner_id": customer.id,
                    "company_id": company_b.id,
                    "user_id": self.user_approver.id,
                    "order_line": [Command.create({"product_id": self.product.id, "price_unit": 10})],
                }
            )
        )
        order.action_confirm()
        self.assertEqual(order.approval_state, "pending")
        self.assertIn("Nobody can approve", "".join(order.message_ids.mapped("body")))
        # the banner's condition agrees with the chatter, and the approver is not offered to decide
        self.assertFalse(order.sm_has_approver)
        self.assertFalse(order.sm_can_approve)

    # ------------------------------------------------------------------ the decision reaches the salesperson
    def test_approval_and_rejection_reach_salesperson_and_requester(self):
        for decision in ("approve", "reject"):
            with self.subTest(decision=decision):
                order = self._held(requester=self.user_manager)
                self.assertEqual(order.sm_approval_requested_by_id, self.user_manager)
                if decision == "approve":
                    order.with_user(self.user_approver).action_approve()
                    self.assertEqual(order.state, "sale")
                else:
                    order.with_user(self.user_approver).action_reject("Pay the overdue invoices first")
                message = order.message_ids.filtered(lambda m, o=order: m.partner_ids)[:1]
                self.assertEqual(message.partner_ids, (self.user_salesman | self.user_manager).partner_id, message.body)
                self.assertEqual(message.author_id, self.user_approver.partner_id)
                if decision == "reject":
                    self.assertIn("Pay the overdue invoices first", message.body)
                for user in (self.user_salesman, self.user_manager):
                    inbox = self.env["mail.message"].with_user(user).search([("needaction", "=", True)])
                    self.assertIn(message, inbox, user.login)

    def test_the_approver_is_not_notified_of_their_own_decision(self):
        order = self._held()
        order.with_user(self.user_approver).action_reject("No")
        message = order.message_ids.filtered("partner_ids")[:1]
        self.assertEqual(message.partner_ids, self.user_salesman.partner_id)
        self.assertNotIn(self.user_approver.partner_id, message.partner_ids)

    # ------------------------------------------------------------------ the approvers' activities are theirs
    def test_approval_activities_only_closed_by_approvers_or_sales_administrators(self):
        operations = {
            "unlink": lambda acts: acts.unlink(),
            "action_feedback": lambda acts: acts.action_feedback(feedback="done"),
            "action_done": lambda acts: acts.action_done(),
            "action_cancel": lambda acts: acts.action_cancel(),
            "write": lambda acts: acts.write({"date_deadline": fields.Date.today() + timedelta(days=9)}),
            "reassign": lambda acts: acts.write({"user_id": self.user_salesman.id}),
        }
        allowed = {
            self.user_salesman: False,
            self.user_salesman_2: False,
            self.user_approver: True,
            self.user_manager: True,
        }
        for user, may in allowed.items():
            for name, operation in operations.items():
                with self.subTest(user=user.login, operation=name):
                    order = self._held()
                    activities = self._approval_activities(order)
                    self.assertTrue(activities)
                    if user == self.user_approver:  # the assignee, on their own activity
                        activities = activities.filtered(lambda a: a.user_id == self.user_approver)
                    if may:
                        operation(activities.with_user(user))
                    else:
                        with self.assertRaises(AccessError):
                            operation(activities.with_user(user))
                        self.assertEqual(self._approval_activities(order), activities)
                        self.assertEqual(order.approval_state, "pending")

    def test_refusal_is_clear_and_chatter_buttons_hidden(self):
        order = self._held()
        activities = self._approval_activities(order).with_user(self.user_salesman)
        with self.assertRaisesRegex(AccessError, "Only the approver it is assigned to"):
            activities.action_feedback()
        self.assertFalse(any(activities.mapped("can_write")))
        self.env.invalidate_all()  # can_write does not depend on the user in Odoo's cache
        self.assertTrue(all(self._approval_activities(order).with_user(self.user_approver).mapped("can_write")))
        # the salesperson's own activities on the order stay theirs
        own = order.with_user(self.user_salesman).activity_schedule(
            "mail.mail_activity_data_todo", user_id=self.user_salesman.id
        )
        self.assertTrue(own.can_write)
        own.action_feedback(feedback="called")
        self.assertFalse(own.active)

    def test_approval_code_still_removes_the_activities(self):
        # the salesperson cancels a held order
        order = self._held()
        order.with_user(self.user_salesman).action_cancel()
        self.assertEqual(order.approval_state, "none")
        self.assertFalse(self._approval_activities(order))
        # the checks pass at the next confirmation by the salesperson
        order = self._held()
        self.customer.with_company(self.company).credit_limit = 10000
        order.with_user(self.user_salesman).action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertFalse(self._approval_activities(order))
        self.customer.with_company(self.company).credit_limit = 100
        # approval and rejection close them
        for decision in ("approve", "reject"):
            order = self._held()
            if decision == "approve":
                order.with_user(self.user_approver).action_approve()
            else:
                order.with_user(self.user_approver).action_reject("No")
            self.assertFalse(self._approval_activities(order), decision)
