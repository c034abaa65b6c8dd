from odoo import api, models


class SaleOrderCreditCheck(models.AbstractModel):
    _inherit = "sale.order.credit.check"

    @api.model
    def _sm_orders_to_check(self, orders):
        """Orders whose payment the channel already collected are not credit: no credit check."""
        return super()._sm_orders_to_check(orders).filtered(lambda order: not order.sm_channel_paid)
