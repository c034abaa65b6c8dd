from markupsafe import Markup

from odoo import fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import format_amount

from .sale_order_approval import APPROVER_GROUP


class SaleOrder(models.Model):
    """The approvers' side of a held order: who is asked (activities in their language), who may
    decide, approve / reject, and the salesperson told of the decision."""

    _inherit = "sale.order"  # pylint: disable=consider-merging-classes-inherited

    def _sm_approvers_by_company(self):
        """{company id: active internal Credit Approvers of that company}."""
        users = self.env.ref(APPROVER_GROUP).sudo().all_user_ids.filtered(lambda u: u.active and not u.share)
        return {company.id: users.filtered_domain([("company_ids", "in", company.ids)]) for company in self.company_id}

    def _sm_schedule_approval_activities(self):
        approvers = self._sm_approvers_by_company().get(self.company_id.id, self.env["res.users"])
        approvers -= self._sm_involved_users()
        if not approvers:
            self.message_post(
                body=self.env._(
                    "Nobody can approve this order: %(company)s has no Credit Approver who is not involved in it. "
                    "Ask your administrator to add one (Settings > Users > Credit Approval).",
                    company=self.company_id.name,
                ),
                subtype_xmlid="mail.mt_note",
            )
            return
        activity_type = self.env.ref("sales_mgmt_core.mail_activity_type_order_approval")
        open_for = set(self.activity_ids.filtered(lambda a: a.activity_type_id == activity_type).user_id.ids)
        for user in approvers.filtered(lambda u: u.id not in open_for):
            # In the approver's language, whoever held the order.
            lang_env = self.with_context(lang=user.lang or self.env.lang).env
            self.activity_schedule(
                act_type_xmlid="sales_mgmt_core.mail_activity_type_order_approval",
                user_id=user.id,
                summary=lang_env._("Approve or reject %(order)s", order=self.name),
            )

    # ------------------------------------------------------------------ approval actions
    def _sm_check_approver(self):
        if not self.env.user.has_group(APPROVER_GROUP):
            raise AccessError(self.env._("Only Credit Approvers can approve or reject held orders."))
        for order in self:
            if order.approval_state != "pending" or order.state not in ("draft", "sent"):
                raise UserError(self.env._("%(order)s is not waiting for approval.", order=order.name))
            if order.sm_approval_fingerprint != order._sm_fingerprint():
                raise UserError(
                    self.env._(
                        "%(order)s changed after it was held: its reasons no longer describe it. Confirm it again so "
                        "that the checks run on what it is now.",
                        order=order.name,
                    )
                )
            if self.env.user in order._sm_involved_users():
                raise UserError(
                    self.env._(
                        "You asked for, created or sold %(order)s: another Credit Approver must decide on it.",
                        order=order.name,
                    )
                )

    def action_approve(self):
        self._sm_check_approver()
        figures = self.env["sale.order.credit.check"]._sm_figures(self)
        check = self.env["sale.order.credit.check"]
        for order in self:
            account = figures[order]
            currency = order.company_id.currency_id
            amount = check._sm_order_amount(order)
            note = Markup("<ul><li>%s: %s</li><li>%s: %s</li><li>%s: %s</li><li>%s</li></ul>") % (
                self.env._("Credit limit"),
                format_amount(self.env, account.limit, currency),
                self.env._("Exposure"),
                format_amount(self.env, account.exposure(amount), currency),
                self.env._("Overdue"),
                format_amount(self.env, account.overdue, currency),
                Markup("</li><li>").join(order.sudo().hold_reason_ids.mapped("message")),
            )
            order._sm_system_write(
                {
                    "approval_state": "approved",
                    "approved_by_id": self.env.uid,
                    "approved_date": fields.Datetime.now(),
                    "approval_note": note,
                    "sm_approval_fingerprint": order._sm_fingerprint(),
                }
            )
            order.activity_feedback(
                ["sales_mgmt_core.mail_activity_type_order_approval"],
                feedback=self.env._("Approved by %(user)s", user=self.env.user.name),
            )
            order._sm_notify_decision(Markup("<p>%s</p>%s") % (self.env._("Approved."), note))
        return self.action_confirm()

    def action_reject(self, reason=None):
        self._sm_check_approver()
        if not reason or not str(reason).strip():
            raise UserError(self.env._("Give the reason of the rejection: the salesperson needs it."))
        for order in self:
            order._sm_system_write({"approval_state": "rejected", "rejection_reason": reason})
            order.activity_feedback(
                ["sales_mgmt_core.mail_activity_type_order_approval"],
                feedback=self.env._("Rejected: %(reason)s", reason=reason),
            )
            order._sm_notify_decision(
                self.env._("Rejected by %(user)s: %(reason)s", user=self.env.user.name, reason=reason)
            )
        return True

    def _sm_notify_decision(self, body):
        """Post the approver's decision in the chatter and in the inbox of the salesperson and of
        whoever asked for the confirmation (not the approver)."""
        self.ensure_one()
        recipients = (self.user_id | self.sudo().sm_approval_requested_by_id).partner_id - self.env.user.partner_id
        self.message_post(body=body, message_type="comment", subtype_xmlid="mail.mt_note", partner_ids=recipients.ids)

    def action_open_reject_wizard(self):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Reject Order"),
            "res_model": "sale.order.reject.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_order_ids": self.ids},
        }
