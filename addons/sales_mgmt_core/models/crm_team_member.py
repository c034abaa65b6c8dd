from odoo import api, fields, models
from odoo.exceptions import ValidationError


class CrmTeamMember(models.Model):
    _inherit = "crm.team.member"

    sm_max_open_leads = fields.Integer(
        "Maximum Open Leads", help="Workload assignment stops giving leads beyond this many open ones. 0: no cap."
    )
    sm_max_open_revenue = fields.Float(
        "Maximum Open Revenue",
        help="Workload assignment stops once the open expected revenue would exceed this amount. 0: no cap.",
    )
    sm_country_ids = fields.Many2many("res.country", string="Countries", help="Only leads from these countries.")
    sm_state_ids = fields.Many2many("res.country.state", string="States", help="Only leads from these states.")
    sm_industry_ids = fields.Many2many("res.partner.industry", string="Industries")
    sm_product_category_ids = fields.Many2many(
        "product.category", string="Product Skills", help="Only leads interested in these product categories."
    )
    sm_unavailable_from = fields.Date("Away From", help="Holidays: no automatic assignment from this date.")
    sm_unavailable_to = fields.Date("Away Until")

    @api.constrains("sm_max_open_leads", "sm_max_open_revenue", "sm_unavailable_from", "sm_unavailable_to")
    def _check_sm_capacity(self):
        for member in self:
            if member.sm_max_open_leads < 0 or member.sm_max_open_revenue < 0:
                raise ValidationError(self.env._("The capacity of %s cannot be negative.", member.user_id.name))
            if (
                member.sm_unavailable_from
                and member.sm_unavailable_to
                and member.sm_unavailable_to < member.sm_unavailable_from
            ):
                raise ValidationError(self.env._("%s is away until before the absence starts.", member.user_id.name))

    def _sm_is_available(self, day):
        self.ensure_one()
        if self.assignment_optout or not self.user_id.active or not self.active:
            return False
        start, end = self.sm_unavailable_from, self.sm_unavailable_to
        return not (start and start <= day and (not end or day <= end))
