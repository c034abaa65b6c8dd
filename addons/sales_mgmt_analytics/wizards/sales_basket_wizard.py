from dateutil.relativedelta import relativedelta

from odoo import fields, models


class SalesBasketWizard(models.TransientModel):
    _name = "sales.basket.wizard"
    _description = "Basket Analysis"

    date_from = fields.Date(
        required=True, default=lambda self: fields.Date.context_today(self) - relativedelta(years=1)
    )
    date_to = fields.Date(required=True, default=fields.Date.context_today)
    min_support = fields.Float(
        "Minimum Support",
        default=0.001,
        digits=(16, 4),
        help="Share of the orders analysed a pair must appear in, in percent (0.1% by default).",
    )
    categ_id = fields.Many2one(
        "product.category",
        "Category",
        help="Only pairs of two products of this category (and below). Support and lift stay shares "
        "of all the period's orders.",
    )
    categ_population = fields.Boolean(
        "Category Orders Only",
        help="Count only the orders holding a product of the category: support and lift become "
        "shares of those orders instead of all the period's orders (support is then higher, lift "
        "lower, and neither comparable with an analysis without category).",
    )

    def _compute_display_name(self):
        for wizard in self:
            wizard.display_name = self.env._("Basket Analysis")

    def action_compute(self):
        self.ensure_one()
        self.env["sales.basket.pair"]._recompute(
            self.date_from,
            self.date_to,
            self.min_support,
            self.env.company,
            self.categ_id,
            categ_population=self.categ_population,
        )
        action = self.env["ir.actions.actions"]._for_xml_id("sales_mgmt_analytics.sales_basket_pair_action")
        return action
