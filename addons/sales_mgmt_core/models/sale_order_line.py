from odoo import api, fields, models

# Line fields whose change voids an approval (what was approved is no longer what is sold).
APPROVAL_FIELDS = {"product_id", "product_uom_qty", "product_uom_id", "price_unit", "discount", "tax_ids"}


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

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        lines.order_id._sm_reset_approval()
        return lines

    def write(self, vals):
        if APPROVAL_FIELDS & set(vals):
            self.order_id._sm_reset_approval()
        return super().write(vals)

    def unlink(self):
        self.order_id._sm_reset_approval()
        return super().unlink()
