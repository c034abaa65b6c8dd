from odoo import models


class StockPicking(models.Model):
    _inherit = "stock.picking"

    def _action_done(self):
        result = super()._action_done()
        shipped = self.filtered(lambda p: p.picking_type_code == "outgoing" and p.sale_id and p.state == "done")
        for picking in shipped:
            picking.sale_id._sm_notify_customer("sales_mgmt_core.mail_template_order_shipped", picking=picking)
        return result
