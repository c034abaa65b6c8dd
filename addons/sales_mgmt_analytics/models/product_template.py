from odoo import fields, models


class ProductTemplate(models.Model):
    _inherit = "product.template"

    sm_bought_together_ids = fields.One2many(
        "sales.basket.pair",
        "product_tmpl_id",
        string="Frequently Bought Together",
        readonly=True,
        help="Products most often in the same orders (highest lift first), from the last basket analysis.",
    )
