from odoo import api, fields, models


class SalesCustomerTier(models.Model):
    _inherit = "sales.customer.tier"

    channel_ids = fields.Many2many(
        "sales.channel",
        string="Channels",
        help="Only customers who bought through one of these channels (leave empty for all).",
    )

    @api.constrains("channel_ids")
    def _check_reachable_channels(self):
        self._check_reachable()

    def _dominates(self, other):
        if self.channel_ids and not (other.channel_ids and other.channel_ids <= self.channel_ids):
            return False
        return super()._dominates(other)
