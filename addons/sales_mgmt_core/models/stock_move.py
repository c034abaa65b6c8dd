from odoo import fields, models

from .stock_quant import REASON_CODES


class StockMove(models.Model):
    _inherit = "stock.move"

    # Set on inventory adjustments: what was counted against what the system had.
    sm_reason_code = fields.Selection(REASON_CODES, "Adjustment Reason", readonly=True)
    sm_counted_qty = fields.Float("Counted Quantity", digits="Product Unit", readonly=True)
    sm_system_qty = fields.Float("System Quantity", digits="Product Unit", readonly=True)
    sm_variance_value = fields.Float(
        "Variance Value", readonly=True, help="(counted - system) x unit cost at the count."
    )

    def _action_done(self, cancel_backorder=False):
        moves = super()._action_done(cancel_backorder=cancel_backorder)
        # One evaluation of the touched products when the transaction commits, not per move.
        self.env["sales.stock.alert"]._queue_evaluation(moves.product_id)
        return moves
