import babel.dates

from odoo import api, fields, models
from odoo.tools import SQL
from odoo.tools.misc import get_lang

from odoo.addons.sales_mgmt_core.tools.segmentation import SEGMENTS


class SalesAnalysisReport(models.Model):
    """One row per confirmed order line, in company currency, with the customer's tier,
    segment and location, the order's channel, team and salesperson, margin and returns.

    Read-only SQL model in the style of ``sale.report``; other modules add columns through
    ``_select_additional_fields`` / ``_from_additional`` (same contract as ``sale.report``).
    """

    _name = "sales.analysis.report"
    _description = "Sales Analysis"
    _auto = False
    _rec_name = "date"
    _order = "date desc"

    date = fields.Datetime("Order Date", readonly=True)
    order_id = fields.Many2one("sale.order", readonly=True)
    order_count = fields.Integer("Orders", readonly=True, aggregator="count_distinct")
    line_count = fields.Integer("Lines", readonly=True)
    product_id = fields.Many2one("product.product", readonly=True)
    product_tmpl_id = fields.Many2one("product.template", "Product Template", readonly=True)
    categ_id = fields.Many2one("product.category", "Product Category", readonly=True)
    partner_id = fields.Many2one("res.partner", "Customer", readonly=True)
    # Scores of the customers whose scores the user may see (see _own_customer_sql): per user.
    customer_tier_id = fields.Many2one("sales.customer.tier", readonly=True, depends_context=("uid",))
    # A static list (the customer's segments): Odoo translates its labels in the user's language.
    rfm_segment = fields.Selection(
        SEGMENTS,
        "RFM Segment",
        readonly=True,
        depends_context=("uid",),
    )
    country_id = fields.Many2one("res.country", readonly=True)
    state_id = fields.Many2one("res.country.state", readonly=True)
    city = fields.Char(readonly=True)
    channel_id = fields.Many2one("sales.channel", readonly=True)
    channel_name = fields.Char(
        "Sales Channel",
        readonly=True,
        depends_context=("lang",),
        help='The order\'s channel; orders without a channel are "Direct".',
    )
    categ_name = fields.Char(
        "Category",
        readonly=True,
        depends_context=("lang",),
        help='The product\'s category; products without one are in "No category".',
    )
    team_id = fields.Many2one("crm.team", "Sales Team", readonly=True)
    user_id = fields.Many2one("res.users", "Salesperson", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    product_uom_qty = fields.Float("Quantity", readonly=True, help="Ordered quantity, in the product's unit.")
    price_subtotal = fields.Monetary("Untaxed Revenue", readonly=True)
    cost = fields.Monetary(readonly=True, help="Quantity x the product's current cost.")
    margin = fields.Monetary(readonly=True)
    returned_qty = fields.Float(
        "Returned Quantity",
        readonly=True,
        help="Quantity of the line's done return moves, in the product's unit (like the quantity).",
    )
    returned_value = fields.Monetary(
        readonly=True, help="Returned quantity x the line's untaxed price per product unit, in company currency."
    )
    net_revenue = fields.Monetary(readonly=True, help="Untaxed revenue - returned value.")
    sm_is_mine = fields.Boolean(
        "My Sales",
        compute="_compute_sm_is_mine",
        search="_search_sm_is_mine",
        help="Orders whose salesperson is the current user (whatever else the user may see).",
    )

    def _compute_sm_is_mine(self):
        for row in self:
            row.sm_is_mine = row.user_id == self.env.user

    def _search_sm_is_mine(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            return NotImplemented
        mine = (operator == "=") == value
        return [("user_id", "=" if mine else "!=", self.env.uid)]

    @api.depends("order_id", "product_id")
    def _compute_display_name(self):
        for row in self:
            row.display_name = " · ".join(filter(None, (row.order_id.name, row.product_id.display_name)))

    # Currency conversion, shared with the KPIs (``sales.kpi``): one definition of "in the
    # current company's currency" for every figure of the addon.

    def _web_read_group_format(self, groupby, aggregates, groups):
        """Days read as dates in the user's language ("2026年11月2日", "Nov 2, 2026"), not Odoo's
        "dd MMM yyyy" ("02 11月 2026"): the dashboards' revenue-by-day axes."""
        result = super()._web_read_group_format(groupby, aggregates, groups)
        locale = babel.Locale.parse(get_lang(self.env).code)
        for index, spec in enumerate(groupby):
            if not spec.endswith(":day"):
                continue
            for row, group in zip(result, groups, strict=True):
                value, label = group[index], row.get(spec)
                if value and isinstance(label, list | tuple):
                    row[spec] = (label[0], babel.dates.format_date(value, format="medium", locale=locale))
        return result

    @api.model
    def _currency_table_sql(self, companies=None):
        """Odoo's currency table (``account_currency_table``: one rate per company, today's rate
        from the company's currency to the current company's) for ``companies``, to JOIN on
        ``account_currency_table.company_id``."""
        companies = (companies or self.env.companies) | self.env.company
        return self.env["res.currency"]._get_simple_currency_table(companies)

    @api.model
    def _company_amount_sql(self, amount):
        """``amount`` in its company's currency → the current company's currency."""
        return SQL(
            "%s * CASE COALESCE(account_currency_table.rate, 0) WHEN 0 THEN 1.0 ELSE account_currency_table.rate END",
            amount,
        )

    @api.model
    def _order_amount_sql(self, amount, order_alias="s"):
        """``amount`` in the currency of the order ``order_alias`` → its company's currency (the
        order's ``currency_rate``) → the current company's currency (the currency table)."""
        rate = SQL.identifier(order_alias, "currency_rate")
        return self._company_amount_sql(
            SQL("%s / CASE COALESCE(%s, 0) WHEN 0 THEN 1.0 ELSE %s END", amount, rate, rate)
        )

    def _currency_expr(self, amount):
        """``amount`` of an order line converted to the current company's currency."""
        return self._order_amount_sql(amount, "s")

    def _select_fields(self):
        """{column: SQL}; extend through ``_select_additional_fields``."""
        # Quantities in the product's unit: uom_uom.factor is the unit's size in its reference
        # unit (Dozens: 12), so quantity x factor is in the reference unit.
        qty = SQL("l.product_uom_qty * u.factor / u2.factor")
        subtotal = self._currency_expr(SQL("l.price_subtotal"))
        cost = self._company_amount_sql(
            SQL("%s * COALESCE((p.standard_price ->> s.company_id::text)::numeric, 0)", qty)
        )
        # Return moves are in their own unit (the product's, or the line's with
        # stock.propagate_uom); r.ref_qty is in the reference unit, like line qty x u.factor.
        returned_qty = SQL("COALESCE(r.ref_qty, 0) / u2.factor")
        returned_value = SQL(
            "COALESCE(r.ref_qty, 0) * %s",
            self._currency_expr(SQL("l.price_subtotal / NULLIF(l.product_uom_qty * u.factor, 0)")),
        )
        result = {
            "id": SQL("l.id"),
            "date": SQL("s.date_order"),
            "order_id": SQL("s.id"),
            "order_count": SQL("s.id"),
            "line_count": SQL("1"),
            "product_id": SQL("l.product_id"),
            "product_tmpl_id": SQL("p.product_tmpl_id"),
            "categ_id": SQL("t.categ_id"),
            "partner_id": SQL("cp.id"),
            "customer_tier_id": self._own_customer_sql(SQL("(cp.customer_tier_id ->> s.company_id::text)::int")),
            "rfm_segment": self._own_customer_sql(SQL("cp.rfm_segment ->> s.company_id::text")),
            "country_id": SQL("partner.country_id"),
            "state_id": SQL("partner.state_id"),
            "city": SQL("partner.city"),
            "channel_id": SQL("s.channel_id"),
            "channel_name": SQL("COALESCE(ch.name, %s)", self.env._("Direct")),
            "categ_name": SQL("COALESCE(pc.complete_name, %s)", self.env._("No category")),
            "team_id": SQL("s.team_id"),
            "user_id": SQL("s.user_id"),
            "company_id": SQL("s.company_id"),
            "currency_id": SQL("%s", self.env.company.currency_id.id),
            "product_uom_qty": qty,
            "price_subtotal": subtotal,
            "cost": cost,
            "margin": SQL("%s - %s", subtotal, cost),
            "returned_qty": returned_qty,
            "returned_value": returned_value,
            "net_revenue": SQL("%s - %s", subtotal, returned_value),
        }
        result.update(self._select_additional_fields())
        return result

    def _own_customer_sql(self, expr):
        """``expr`` (a customer score) for the customers whose scores the user may see: every customer
        for "All Documents" salespeople and managers, else (like ``sales.customer.score``) the
        customers whose salesperson they are and those without one; empty for the others."""
        if self.env.su or self.env.user.has_group("sales_team.group_sale_salesman_all_leads"):
            return expr
        return SQL("CASE WHEN cp.user_id IS NULL OR cp.user_id = %s THEN %s END", self.env.uid, expr)

    def _select_additional_fields(self):
        """Hook: {column: SQL} added to the select (declare the matching fields)."""
        return {}

    def _from_sql(self):
        return SQL(
            """
            sale_order_line l
            JOIN sale_order s ON s.id = l.order_id
            LEFT JOIN res_partner partner ON partner.id = s.partner_id
            LEFT JOIN res_partner cp ON cp.id = partner.commercial_partner_id
            LEFT JOIN product_product p ON p.id = l.product_id
            LEFT JOIN product_template t ON t.id = p.product_tmpl_id
            LEFT JOIN product_category pc ON pc.id = t.categ_id
            LEFT JOIN sales_channel ch ON ch.id = s.channel_id
            LEFT JOIN uom_uom u ON u.id = l.product_uom_id
            LEFT JOIN uom_uom u2 ON u2.id = t.uom_id
            LEFT JOIN (
                SELECT m.sale_line_id, SUM(m.quantity * mu.factor) AS ref_qty
                  FROM stock_move m
                  JOIN uom_uom mu ON mu.id = m.product_uom
                 WHERE m.state = 'done' AND m.origin_returned_move_id IS NOT NULL AND m.sale_line_id IS NOT NULL
                 GROUP BY m.sale_line_id
            ) r ON r.sale_line_id = l.id
            JOIN %s ON account_currency_table.company_id = s.company_id
            %s
            """,
            self._currency_table_sql(),
            self._from_additional(),
        )

    def _from_additional(self):
        """Hook: extra joins."""
        return SQL()

    def _where_sql(self):
        # Outer joins above on unique keys: PostgreSQL drops those a query does not use.
        return SQL("s.state = 'sale' AND l.display_type IS NULL AND l.product_id IS NOT NULL")

    @property
    def _table_query(self):
        return SQL(
            "SELECT %s FROM %s WHERE %s",
            SQL(", ").join(SQL("%s AS %s", expr, SQL.identifier(name)) for name, expr in self._select_fields().items()),
            self._from_sql(),
            self._where_sql(),
        )

    @api.readonly
    def action_open_order(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "sale.order",
            "res_id": self.order_id.id,
            "views": [[False, "form"]],
        }
