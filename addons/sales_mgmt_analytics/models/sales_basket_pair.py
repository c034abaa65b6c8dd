from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..tools import basket


class SalesBasketPair(models.Model):
    """Product pairs bought together: A → B with support, confidence and lift.

    Rebuilt per company by ``_recompute`` (wizard, monthly cron) from confirmed orders of a
    period: one SQL pass counts baskets per product and per pair, Python adds the metrics
    (definitions in ``tools/basket.py``). The population (the orders that support and lift are
    shares of) is every confirmed order of the period; a category only chooses which pairs are
    kept, unless ``categ_population`` explicitly narrows the population to the category's orders.
    """

    _name = "sales.basket.pair"
    _description = "Frequently Bought Together"
    _order = "lift desc, support desc, id"

    company_id = fields.Many2one("res.company", required=True, index=True, readonly=True)
    product_id = fields.Many2one("product.product", required=True, index=True, readonly=True)
    product_tmpl_id = fields.Many2one(related="product_id.product_tmpl_id", store=True, index=True)
    related_product_id = fields.Many2one("product.product", "Bought With", required=True, readonly=True)
    categ_id = fields.Many2one(related="product_id.categ_id", store=True, string="Category")
    together = fields.Integer("Orders Together", readonly=True, help="Orders analysed holding both products.")
    support = fields.Float(
        readonly=True,
        digits=(16, 4),
        aggregator="max",
        help="Orders holding both products / orders analysed. The orders analysed are all confirmed "
        "orders of the period, also when the analysis was limited to a category (unless "
        "'Category Orders Only' was chosen).",
    )
    confidence = fields.Float(
        readonly=True,
        digits=(16, 4),
        aggregator="max",
        help="Orders holding both products / orders holding the product: how often buyers of the "
        "product also bought the other one.",
    )
    lift = fields.Float(
        readonly=True,
        digits=(16, 4),
        aggregator="max",
        help="Confidence / share of the orders analysed holding the other product. 1: bought "
        "together as often as by chance; above 1: more often; below 1: less often.",
    )
    basket_count = fields.Integer(
        "Orders Analysed",
        readonly=True,
        help="Orders that support and lift are shares of: every confirmed order of the period, or "
        "only those holding a product of the category when 'Category Orders Only' was chosen.",
    )
    categ_population = fields.Boolean(
        "Category Orders Only",
        readonly=True,
        help="The analysis counted only the orders holding a product of the chosen category: its "
        "support and lift are shares of those orders, not of all the period's orders.",
    )
    date_from = fields.Date(readonly=True)
    date_to = fields.Date(readonly=True)

    @api.depends("product_id", "related_product_id")
    def _compute_display_name(self):
        for pair in self:
            pair.display_name = f"{pair.product_id.display_name} → {pair.related_product_id.display_name}"

    @api.model
    def _recompute(self, date_from, date_to, min_support=0.001, company=None, categ=None, categ_population=False):
        """Replace the company's pairs by those of orders confirmed from ``date_from`` to ``date_to``.

        ``categ``: keep only pairs of two products of this category (and below); support and lift
        stay shares of every order of the period. ``categ_population`` (with ``categ``): count
        only the orders holding a product of the category instead.
        """
        company = company or self.env.company
        if not 0 <= min_support <= 1:
            raise UserError(self.env._("The minimum support is a share between 0 and 1."))
        if date_to < date_from:
            raise UserError(self.env._("The period ends before it starts."))
        categ_population = bool(categ and categ_population)
        in_scope = SQL("TRUE")
        if categ:
            in_scope = SQL(
                "l.product_id IN (SELECT pp.id FROM product_product pp JOIN product_template pt"
                " ON pt.id = pp.product_tmpl_id JOIN product_category pc ON pc.id = pt.categ_id"
                " WHERE pc.parent_path LIKE %s)",
                f"{categ.parent_path}%",
            )
        self.env.flush_all()
        cr = self.env.cr
        # Every (order, product) of the period; in_scope: the product may appear in a pair.
        cr.execute(
            SQL(
                """
            CREATE TEMP TABLE sm_basket ON COMMIT DROP AS
            SELECT DISTINCT l.order_id, l.product_id, %s AS in_scope
              FROM sale_order_line l
              JOIN sale_order so ON so.id = l.order_id
             WHERE so.state = 'sale' AND so.company_id = %s AND l.display_type IS NULL
               AND l.product_id IS NOT NULL AND l.price_subtotal >= 0
               AND so.date_order >= %s AND so.date_order < %s::date + 1
                """,
                in_scope,
                company.id,
                date_from,
                date_to,
            )
        )
        cr.execute("CREATE INDEX ON sm_basket (order_id, product_id); ANALYZE sm_basket")
        if categ_population:
            cr.execute("SELECT COUNT(DISTINCT order_id) FROM sm_basket WHERE in_scope")
        else:
            cr.execute("SELECT COUNT(DISTINCT order_id) FROM sm_basket")
        baskets = cr.fetchone()[0]
        cr.execute("SELECT product_id, COUNT(*) FROM sm_basket WHERE in_scope GROUP BY product_id")
        product_counts = dict(cr.fetchall())
        min_together = max(1, int(min_support * baskets + 0.999999)) if baskets else 1
        cr.execute(
            """
            SELECT a.product_id, b.product_id, COUNT(*)
              FROM sm_basket a JOIN sm_basket b ON b.order_id = a.order_id AND b.product_id > a.product_id
             WHERE a.in_scope AND b.in_scope
             GROUP BY 1, 2 HAVING COUNT(*) >= %s
            """,
            [min_together],
        )
        pair_counts = {(a, b): n for a, b, n in cr.fetchall()}
        cr.execute("DROP TABLE sm_basket")
        pairs = basket.pairs_from_counts(baskets, pair_counts, product_counts, min_support)
        self.sudo().search([("company_id", "=", company.id)]).unlink()
        self.sudo().create(
            [
                {
                    "company_id": company.id,
                    "product_id": p.product_a,
                    "related_product_id": p.product_b,
                    "together": p.together,
                    "support": p.support,
                    "confidence": p.confidence,
                    "lift": p.lift,
                    "basket_count": baskets,
                    "categ_population": categ_population,
                    "date_from": date_from,
                    "date_to": date_to,
                }
                for p in pairs
            ]
        )
        return {"baskets": baskets, "pairs": len(pairs)}

    @api.model
    def _cron_recompute(self):
        today = fields.Date.context_today(self)
        for company in self.env["res.company"].search([]):  # pylint: disable=no-search-all
            self.with_company(company)._recompute(today.replace(year=today.year - 1), today, company=company)

    def action_apply_as_optional_products(self):
        """Add the related products as optional products of the products' templates (quotation suggestions)."""
        for pair in self:
            template = pair.product_id.product_tmpl_id
            related = pair.related_product_id.product_tmpl_id
            if related != template and related not in template.optional_product_ids:
                template.optional_product_ids = [fields.Command.link(related.id)]
        return True
