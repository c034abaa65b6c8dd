from odoo import api, fields, models
from odoo.exceptions import ValidationError


class CrmStage(models.Model):
    _inherit = "crm.stage"

    sm_max_idle_days = fields.Integer(
        "Maximum Idle Days",
        help="Business days without an activity or a stage change before the salesperson gets a reminder. "
        "0 disables the follow-up discipline in this stage.",
    )
    sm_escalate_days = fields.Integer(
        "Escalate After",
        help="Further business days after the reminder before the team leader is told. 0: never escalate.",
    )
    sm_return_to_pool = fields.Boolean(
        "Return to Pool",
        help="On escalation, unassign the lead so that the team's automatic assignment gives it to someone else.",
    )
    sm_required_field_ids = fields.Many2many(
        "ir.model.fields",
        string="Required to Enter",
        domain="[('model', '=', 'crm.lead'), ('store', '=', True), ('ttype', 'not in', ['one2many', 'binary'])]",
        help="Fields that must be set on a lead before it can be moved into this stage.",
    )
    sm_requires_quotation = fields.Boolean(
        "Requires a Quotation", help="A lead needs at least one quotation to enter this stage."
    )
    sm_requires_approval = fields.Boolean(
        "Requires Approval",
        help="Salespeople need the approval of their team leader or a sales manager to enter this stage.",
    )

    @api.constrains("sm_max_idle_days", "sm_escalate_days")
    def _check_sm_idle_days(self):
        for stage in self:
            if stage.sm_max_idle_days < 0 or stage.sm_escalate_days < 0:
                raise ValidationError(self.env._("Idle and escalation days of %s cannot be negative.", stage.name))
            if stage.sm_return_to_pool and not stage.sm_escalate_days:
                raise ValidationError(
                    self.env._("Stage %s returns leads to the pool on escalation: set the escalation days.", stage.name)
                )
