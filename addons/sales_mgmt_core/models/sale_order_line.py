from odoo import api, fields, models

# Line fields whose change can raise what a confirmed order commits the customer to.
AMOUNT_FIELDS = {"product_id", "product_uom_qty", "product_uom_id", "price_unit", "discount", "tax_ids"}


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
        grown = lines.filtered(lambda line: line.order_id.state == "sale" and line.price_total > 0).order_id
        grown._sm_check_amendment()
        return lines

    def write(self, vals):
        if not AMOUNT_FIELDS & set(vals):
            return super().write(vals)
        confirmed = self.order_id.filtered(lambda o: o.state == "sale")
        before = {order: order.amount_total for order in confirmed}
        result = super().write(vals)
        confirmed.filtered(lambda o: o.currency_id.compare_amounts(o.amount_total, before[o]) > 0)._sm_check_amendment()
        return result
