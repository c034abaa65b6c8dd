from odoo import fields, models


class ProductCategory(models.Model):
    _inherit = "product.category"

    sm_safety_stock_default = fields.Float(
        "Default Safety Stock",
        digits="Product Unit",
        help="Safety stock of this category's storable products in each warehouse, unless set per product.",
    )

    _sm_safety_stock_default_range = models.Constraint(
        "CHECK(sm_safety_stock_default >= 0 AND sm_safety_stock_default < 1000000000)",
        "A default safety stock must be between 0 and 1,000,000,000.",
    )
