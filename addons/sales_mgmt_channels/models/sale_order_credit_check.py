from odoo import api, models


class SaleOrderCreditCheck(models.AbstractModel):
    _inherit = "sale.order.credit.check"

    @api.model
    def _sm_orders_to_check(self, orders):
        """Orders whose payment the channel already collected are not credit: no credit check."""
        return super()._sm_orders_to_check(orders).filtered(lambda order: not order.sm_channel_paid)


class SaleOrderStockCheck(models.AbstractModel):
    _inherit = "sale.order.stock.check"

    @api.model
    def _sm_orders_to_check(self, orders):
        """Orders the channel sold and collected (paid, shipped, received) are not held for stock:
        the sale has happened; a shortage becomes an oversell alert at confirmation."""
        return super()._sm_orders_to_check(orders).filtered(lambda order: not order.sm_channel_paid)
