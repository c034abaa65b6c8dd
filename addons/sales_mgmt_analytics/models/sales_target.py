from odoo import fields, models


class SalesTarget(models.Model):
    _inherit = "sales.target"

    sm_is_mine = fields.Boolean(
        "My Targets",
        compute="_compute_sm_is_mine",
        search="_search_sm_is_mine",
        help="Targets of the current user (personal dashboards), whatever else the user may see.",
    )

    def _compute_sm_is_mine(self):
        for target in self:
            target.sm_is_mine = target.scope == "user" and target.user_id == self.env.user

    def _search_sm_is_mine(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            return NotImplemented
        if (operator == "=") == value:
            return [("scope", "=", "user"), ("user_id", "=", self.env.uid)]
        return ["|", ("scope", "!=", "user"), ("user_id", "!=", self.env.uid)]
