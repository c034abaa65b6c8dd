from odoo import api, fields, models
from odoo.tools import SQL, format_date


class SalesCohortReport(models.Model):
    """Monthly cohort retention: customers by month of first order x months since.

    One row per (company, cohort month, month since the first order until the current month) with
    the customers who ordered in that month (0 included) and the cohort's size; retention =
    customers / cohort size, a ratio shown as a percentage. A total (several cohorts or months) is
    the retention of the customers it covers, sum(customers) / sum(cohort sizes), not a sum or a
    maximum of percentages.
    """

    _name = "sales.cohort.report"
    _description = "Customer Cohort Retention"
    _auto = False
    _order = "cohort_month desc, months_since"

    company_id = fields.Many2one("res.company", readonly=True)
    cohort_month = fields.Date("Cohort (first order)", readonly=True)
    months_since = fields.Integer("Months Since First Order", readonly=True, aggregator=False)
    customers = fields.Integer("Active Customers", readonly=True)
    cohort_size = fields.Integer(readonly=True, aggregator="max")
    retention = fields.Float(
        readonly=True,
        aggregator="avg",
        digits=(16, 4),
        help="Customers of the cohort who ordered in the month / customers of the cohort. Totals: active "
        "customers / cohort customers over the cohorts and months they cover.",
    )

    def _read_group_select(self, aggregate_spec, query):
        """Retention of a group of cells: its customers over its cohorts' sizes (weighted)."""
        if not aggregate_spec.startswith("retention:"):
            return super()._read_group_select(aggregate_spec, query)
        return SQL(
            "COALESCE(SUM(%(customers)s)::float / NULLIF(SUM(%(size)s), 0), 0)",
            customers=self._field_to_sql(self._table, "customers", query),
            size=self._field_to_sql(self._table, "cohort_size", query),
        )

    @api.depends("cohort_month", "months_since")
    def _compute_display_name(self):
        for row in self:
            cohort = format_date(self.env, row.cohort_month, date_format="MMM y") if row.cohort_month else ""
            row.display_name = self.env._("Cohort %(cohort)s, month %(month)s", cohort=cohort, month=row.months_since)

    @property
    def _table_query(self):
        return SQL(
            """
            WITH orders AS (
                SELECT so.company_id, p.commercial_partner_id AS customer,
                       date_trunc('month', so.date_order)::date AS month
                  FROM sale_order so JOIN res_partner p ON p.id = so.partner_id
                 WHERE so.state = 'sale'
                 GROUP BY 1, 2, 3
            ), firsts AS (
                SELECT company_id, customer, MIN(month) AS cohort FROM orders GROUP BY 1, 2
            ), sizes AS (
                SELECT company_id, cohort, COUNT(*) AS size FROM firsts GROUP BY 1, 2
            ), counts AS (
                SELECT o.company_id, f.cohort,
                       ((EXTRACT(YEAR FROM o.month) - EXTRACT(YEAR FROM f.cohort)) * 12
                        + EXTRACT(MONTH FROM o.month) - EXTRACT(MONTH FROM f.cohort))::int AS months_since,
                       COUNT(*) AS customers
                  FROM orders o JOIN firsts f ON f.company_id = o.company_id AND f.customer = o.customer
                 GROUP BY 1, 2, 3
            ), cells AS (
                -- Every month from the cohort's first to the current one: a month without orders is 0.
                SELECT s.company_id, s.cohort, s.size, m.months_since
                  FROM sizes s
                 CROSS JOIN LATERAL generate_series(
                       0,
                       GREATEST(((EXTRACT(YEAR FROM now()) - EXTRACT(YEAR FROM s.cohort)) * 12
                                 + EXTRACT(MONTH FROM now()) - EXTRACT(MONTH FROM s.cohort))::int, 0)
                 ) AS m(months_since)
            )
            SELECT ROW_NUMBER() OVER (ORDER BY c.company_id, c.cohort, c.months_since) AS id,
                   c.company_id, c.cohort AS cohort_month, c.months_since, COALESCE(n.customers, 0) AS customers,
                   c.size AS cohort_size, COALESCE(n.customers, 0)::float / c.size AS retention
              FROM cells c
              LEFT JOIN counts n
                ON n.company_id = c.company_id AND n.cohort = c.cohort AND n.months_since = c.months_since
            """
        )


class SalesPurchaseCycleReport(models.Model):
    """Days between a customer's consecutive confirmed orders, bucketed."""

    _name = "sales.purchase.cycle.report"
    _description = "Purchase Cycle Distribution"
    _auto = False
    _order = "date desc"

    company_id = fields.Many2one("res.company", readonly=True)
    partner_id = fields.Many2one("res.partner", "Customer", readonly=True)
    date = fields.Datetime("Order Date", readonly=True)
    days = fields.Float("Days Since Previous Order", readonly=True, aggregator="avg", digits=(16, 1))
    bucket = fields.Selection(
        [
            ("a_week", "Within a week"),
            ("b_month", "8-30 days"),
            ("c_quarter", "31-90 days"),
            ("d_half", "91-180 days"),
            ("e_year", "181-365 days"),
            ("f_more", "Over a year"),
        ],
        readonly=True,
    )

    @api.depends("partner_id", "date")
    def _compute_display_name(self):
        for row in self:
            date = format_date(self.env, row.date) if row.date else ""
            row.display_name = " · ".join(filter(None, (row.partner_id.display_name, date)))

    @property
    def _table_query(self):
        return SQL(
            """
            SELECT x.id, x.company_id, x.partner_id, x.date, x.days,
                   CASE WHEN x.days <= 7 THEN 'a_week' WHEN x.days <= 30 THEN 'b_month'
                        WHEN x.days <= 90 THEN 'c_quarter' WHEN x.days <= 180 THEN 'd_half'
                        WHEN x.days <= 365 THEN 'e_year' ELSE 'f_more' END AS bucket
              FROM (
                SELECT so.id, so.company_id, p.commercial_partner_id AS partner_id, so.date_order AS date,
                       EXTRACT(EPOCH FROM so.date_order - LAG(so.date_order) OVER (
                           PARTITION BY so.company_id, p.commercial_partner_id ORDER BY so.date_order, so.id
                       )) / 86400.0 AS days
                  FROM sale_order so JOIN res_partner p ON p.id = so.partner_id
                 WHERE so.state = 'sale'
              ) x
             WHERE x.days IS NOT NULL
            """
        )
