from odoo import api, fields, models


class StockWarehouseOrderpoint(models.Model):
    _inherit = "stock.warehouse.orderpoint"

    sm_safety_qty = fields.Float("Safety Stock", digits="Product Unit", compute="_compute_sm_safety_qty")

    @api.depends("product_id", "warehouse_id")
    def _compute_sm_safety_qty(self):
        for warehouse in self.warehouse_id:
            points = self.filtered(lambda o, w=warehouse: o.warehouse_id == w)
            safety = points.product_id._sm_safety_quantities(warehouse)
            for point in points:
                point.sm_safety_qty = safety.get(point.product_id.id, 0.0)
        (self - self.filtered("warehouse_id")).sm_safety_qty = 0.0
