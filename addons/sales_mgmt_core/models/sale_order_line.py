from odoo import api, models

# Line fields whose change voids an approval (what was approved is no longer what is sold).
APPROVAL_FIELDS = {"product_id", "product_uom_qty", "product_uom_id", "price_unit", "discount", "tax_ids"}


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

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
