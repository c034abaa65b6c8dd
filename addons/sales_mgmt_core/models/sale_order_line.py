from odoo import api, fields, models


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    sm_stock_alert = fields.Boolean("Stock Alert", compute="_compute_sm_stock_alert")

    @api.depends("product_id", "order_id.warehouse_id")
    def _compute_sm_stock_alert(self):
        alerts = (
            self.env["sales.stock.alert"]
            .sudo()
            ._read_group(
                [("product_id", "in", self.product_id.ids), ("state", "!=", "resolved")], ["product_id", "warehouse_id"]
            )
        )
        keys = {(product.id, warehouse.id) for product, warehouse in alerts}
        for line in self:
            line.sm_stock_alert = (line.product_id.id, line.order_id.warehouse_id.id) in keys
