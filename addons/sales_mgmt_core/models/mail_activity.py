from odoo import models
from odoo.exceptions import AccessError

APPROVAL_ACTIVITY_TYPE = "sales_mgmt_core.mail_activity_type_order_approval"
# Besides its assignee, who may mark done, cancel, change or delete an approval activity.
APPROVAL_ACTIVITY_GROUPS = ("sales_mgmt_core.group_credit_approver", "sales_team.group_sale_manager")


class MailActivity(models.Model):
    """The approvers' "Approve or reject" activities are theirs: the salesperson of a held order
    cannot close them (the order would stay waiting with nobody asked to decide, and the chatter
    line "Order Approval done" would read like an approval). The approval code removes them
    as superuser when it voids an approval (see ``sale.order._sm_clear_approval``)."""

    _inherit = "mail.activity"

    def _compute_can_write(self):
        # no Mark Done / Edit / Cancel in the chatter for who may not use them
        result = super()._compute_can_write()
        for activity in self.filtered("can_write") & self._sm_foreign_approval_activities():
            activity.can_write = False
        return result

    def write(self, vals):
        self._sm_check_approval_activity_change()
        return super().write(vals)

    def unlink(self):
        self._sm_check_approval_activity_change()
        return super().unlink()

    def _action_done(self, feedback=False, attachment_ids=None):
        # before the "done" message is posted (Mark Done, action_feedback, action_done, ...)
        self._sm_check_approval_activity_change()
        return super()._action_done(feedback=feedback, attachment_ids=attachment_ids)

    def _sm_foreign_approval_activities(self):
        """The approval activities among these that the current user may not close or change."""
        if not self or self.env.su:
            return self.browse()
        activity_type = self.env.ref(APPROVAL_ACTIVITY_TYPE, raise_if_not_found=False)
        user = self.env.user
        if not activity_type or any(user.has_group(group) for group in APPROVAL_ACTIVITY_GROUPS):
            return self.browse()
        return self.sudo().filtered(lambda a: a.activity_type_id == activity_type and a.user_id != user).sudo(False)

    def _sm_check_approval_activity_change(self):
        foreign = self._sm_foreign_approval_activities()
        if foreign:
            raise AccessError(
                self.env._(
                    "Only the approver it is assigned to, a Credit Approver or a Sales administrator can mark done, "
                    "cancel, change or delete the approval activity of %(document)s: the order waits for their "
                    "decision.",
                    document=foreign[0].sudo().res_name or foreign[0].sudo().display_name,
                )
            )
