from odoo import fields, models

REASON_CODES = [
    ("count_error", "Counting error"),
    ("damage", "Damaged"),
    ("loss", "Loss / theft"),
    ("expiry", "Expired"),
    ("found", "Found"),
    ("other", "Other"),
]


class StockQuant(models.Model):
    _inherit = "stock.quant"

    sm_reason_code = fields.Selection(REASON_CODES, "Adjustment Reason", help="Why the counted quantity differs.")

    def _get_inventory_move_values(self, qty, location_id, location_dest_id, package_id=False, package_dest_id=False):
        values = super()._get_inventory_move_values(
            qty, location_id, location_dest_id, package_id=package_id, package_dest_id=package_dest_id
        )
        unit_cost = self.product_id.with_company(self.company_id or self.env.company).standard_price
        values.update(
            {
                "sm_reason_code": self.sm_reason_code or False,
                "sm_counted_qty": self.inventory_quantity,
                "sm_system_qty": self.quantity,
                "sm_variance_value": (self.inventory_quantity - self.quantity) * unit_cost,
            }
        )
        return values

    def _apply_inventory(self, date=None):
        result = super()._apply_inventory(date=date)
        self.sm_reason_code = False
        return result
