from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    customer_tier_id = fields.Many2one(
        "sales.customer.tier",
        tracking=True,
        index="btree_not_null",
        copy=False,
        ondelete="set null",
    )
    customer_tier_date = fields.Date("Tier Since", copy=False, readonly=True)

    def write(self, vals):
        if "customer_tier_id" in vals and "customer_tier_date" not in vals:
            vals = dict(vals, customer_tier_date=fields.Date.context_today(self))
        return super().write(vals)
