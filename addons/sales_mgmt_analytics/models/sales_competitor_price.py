from odoo import api, fields, models
from odoo.exceptions import ValidationError


class SalesCompetitorPrice(models.Model):
    """A competitor's observed price or promotion for one of our products."""

    _name = "sales.competitor.price"
    _description = "Competitor Price"
    _inherit = ["mail.thread"]
    _order = "date desc, id desc"

    product_tmpl_id = fields.Many2one("product.template", "Product", required=True, index=True, tracking=True)
    competitor = fields.Char(required=True, tracking=True)
    date = fields.Date(required=True, default=fields.Date.context_today, tracking=True)
    price = fields.Monetary("Competitor Price", required=True, tracking=True)
    currency_id = fields.Many2one("res.currency", required=True, default=lambda self: self.env.company.currency_id)
    promotion = fields.Char(help="E.g. '2 for 1', '-20% this weekend'.")
    source_url = fields.Char("Source")
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    our_price = fields.Monetary(
        compute="_compute_difference", store=True, help="Our sales price, in the competitor price's currency."
    )
    difference_pct = fields.Float(
        "Difference %",
        compute="_compute_difference",
        store=True,
        aggregator="avg",
        help="(Competitor - ours) / ours: negative when they are cheaper.",
    )

    @api.depends("competitor", "product_tmpl_id")
    def _compute_display_name(self):
        for entry in self:
            entry.display_name = " · ".join(filter(None, (entry.competitor, entry.product_tmpl_id.display_name)))

    @api.constrains("price")
    def _check_price(self):
        for entry in self:
            if entry.price < 0:
                raise ValidationError(self.env._("A competitor price cannot be negative."))

    @api.depends("price", "currency_id", "product_tmpl_id.list_price", "date")
    def _compute_difference(self):
        for entry in self:
            template = entry.product_tmpl_id
            ours = (
                template.currency_id._convert(
                    template.list_price, entry.currency_id, entry.company_id, entry.date or fields.Date.today()
                )
                if template and entry.currency_id
                else 0.0
            )
            entry.our_price = ours
            entry.difference_pct = round(100.0 * (entry.price - ours) / ours, 2) if ours else 0.0
