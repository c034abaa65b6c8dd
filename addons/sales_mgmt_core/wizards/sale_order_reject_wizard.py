from odoo import fields, models


class SaleOrderRejectWizard(models.TransientModel):
    _name = "sale.order.reject.wizard"
    _description = "Reject Held Orders"

    order_ids = fields.Many2many("sale.order", required=True)
    reason = fields.Text(required=True)

    def action_reject(self):
        self.order_ids.action_reject(self.reason)
        return {"type": "ir.actions.act_window_close"}
