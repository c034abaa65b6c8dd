from odoo import models


class StockMove(models.Model):
    _inherit = "stock.move"

    def _action_done(self, cancel_backorder=False):
        moves = super()._action_done(cancel_backorder=cancel_backorder)
        # One evaluation of the touched products when the transaction commits, not per move.
        self.env["sales.stock.alert"]._queue_evaluation(moves.product_id)
        return moves
