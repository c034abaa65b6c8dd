from odoo import models
from odoo.tools import SQL


class SalesCustomerSegmentation(models.AbstractModel):
    _inherit = "sales.customer.segmentation"

    def _stats_channel_column(self):
        return SQL("so.channel_id")

    def _tier_channel_ids(self, tier):
        return frozenset(tier.channel_ids.ids)
