from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL, formatLang

from ..tools.segmentation import JUST_ORDERED_DAYS, LIFECYCLE_STAGES, SEGMENTS

# Company-dependent partner columns (one JSONB per field) -> SQL type of one company's value.
SCORE_COLUMN_TYPES = {
    "customer_tier_id": "int4",
    "customer_tier_date": "date",
    "rfm_recency_score": "int4",
    "rfm_frequency_score": "int4",
    "rfm_monetary_score": "int4",
    "rfm_segment": "varchar",
    "lifecycle_stage": "varchar",
    "sm_order_count": "int4",
    "sm_revenue_12m": "numeric",
    "sm_lifetime_value": "numeric",
    "sm_average_order_value": "numeric",
    "sm_first_order_date": "date",
    "sm_last_order_date": "date",
    "sm_purchase_interval": "float8",
    "predicted_next_order_date": "date",
    "purchase_propensity": "int4",
}

# JUST_ORDERED_DAYS: an order this recent has no purchase propensity yet ("Just ordered"), as
# the views say; no expected interval is shorter (tools/segmentation.py).

# The rows are those of the current company: their values depend on it, like the
# company-dependent fields of res.partner they come from.
COMPANY = ("company",)


class SalesCustomerScore(models.Model):
    """Read-only view of the customer scores: one row per customer scored in the current company
    (each company sees its own figures, as with the company-dependent fields of res.partner).

    The score fields of ``res.partner`` are restricted to users who see every customer
    (Sales: All Documents, managers). Everyone else in Sales reads scores here, where record
    rules apply: a salesperson with "Own Documents Only" sees the customers whose salesperson
    they are and the customers without a salesperson (the same convention as Odoo's own
    "Personal Orders" rule). Record rules hold for read, search, grouping and export alike.
    """

    _name = "sales.customer.score"
    _description = "Customer Score"
    _auto = False
    _rec_name = "partner_id"
    _order = "sm_lifetime_value desc, id"
    _depends = {
        "res.partner": [
            *SCORE_COLUMN_TYPES,
            "active",
            "commercial_partner_id",
            "company_id",
            "country_id",
            "sm_winback_sent_date",
            "state_id",
            "user_id",
        ],
        "res.company": ["currency_id"],
    }

    partner_id = fields.Many2one("res.partner", "Customer", readonly=True, depends_context=COMPANY)
    company_id = fields.Many2one("res.company", readonly=True, depends_context=COMPANY)
    currency_id = fields.Many2one("res.currency", readonly=True, depends_context=COMPANY)
    user_id = fields.Many2one("res.users", "Salesperson", readonly=True, depends_context=COMPANY)
    active = fields.Boolean(readonly=True, depends_context=COMPANY)
    country_id = fields.Many2one("res.country", readonly=True, depends_context=COMPANY)
    state_id = fields.Many2one("res.country.state", readonly=True, depends_context=COMPANY)
    category_ids = fields.Many2many(related="partner_id.category_id", string="Tags")
    customer_tier_id = fields.Many2one("sales.customer.tier", readonly=True, depends_context=COMPANY)
    customer_tier_date = fields.Date("Tier Since", readonly=True, depends_context=COMPANY)
    rfm_recency_score = fields.Integer("Recency", readonly=True, aggregator="avg", depends_context=COMPANY)
    rfm_frequency_score = fields.Integer("Frequency", readonly=True, aggregator="avg", depends_context=COMPANY)
    rfm_monetary_score = fields.Integer("Monetary", readonly=True, aggregator="avg", depends_context=COMPANY)
    rfm_segment = fields.Selection(SEGMENTS, "RFM Segment", readonly=True, depends_context=COMPANY)
    lifecycle_stage = fields.Selection(LIFECYCLE_STAGES, readonly=True, depends_context=COMPANY)
    sm_order_count = fields.Integer("Orders (all time)", readonly=True, depends_context=COMPANY)
    sm_revenue_12m = fields.Monetary("Revenue (12 months)", readonly=True, depends_context=COMPANY)
    sm_lifetime_value = fields.Monetary("Lifetime Value", readonly=True, depends_context=COMPANY)
    sm_average_order_value = fields.Monetary(
        "Average Order Value", readonly=True, aggregator="avg", depends_context=COMPANY
    )
    sm_first_order_date = fields.Date("First Order", readonly=True, depends_context=COMPANY)
    sm_last_order_date = fields.Date("Last Order", readonly=True, depends_context=COMPANY)
    sm_purchase_interval = fields.Float(
        "Purchase Interval (days)",
        readonly=True,
        aggregator="avg",
        depends_context=COMPANY,
        help="Days expected between two orders, never fewer than 7: the median of the customer's own "
        "intervals from 3 order days on; with fewer, that of customers of the same segment (one order "
        "has no interval, and a single interval counts only when longer).",
    )
    predicted_next_order_date = fields.Date(readonly=True, depends_context=COMPANY)
    purchase_propensity = fields.Integer(readonly=True, aggregator="avg", depends_context=COMPANY)
    sm_winback_sent_date = fields.Date("Win-back Sent", readonly=True, depends_context=COMPANY)
    propensity_label = fields.Char(
        "Propensity",
        compute="_compute_propensity_label",
        help='How likely an order is soon (0-100 %), or "Just ordered" after an order of the last 7 days.',
    )
    just_ordered = fields.Boolean(compute="_compute_propensity_label")

    @api.depends("sm_last_order_date", "purchase_propensity")
    @api.depends_context("company", "tz", "lang")
    def _compute_propensity_label(self):
        since = fields.Date.context_today(self) - timedelta(days=JUST_ORDERED_DAYS)
        for score in self:
            score.just_ordered = bool(score.sm_last_order_date and score.sm_last_order_date >= since)
            if score.just_ordered:
                score.propensity_label = self.env._("Just ordered")
            else:
                score.propensity_label = f"{formatLang(self.env, score.purchase_propensity, digits=0)} %"

    @property
    def _table_query(self):
        # One row per customer scored (or tiered) in the current company; its id is the
        # partner's, so ids stay stable and fit XML-RPC integers.
        key = str(self.env.company.id)
        columns = SQL(", ").join(
            SQL("(p.%s ->> %s)::%s AS %s", SQL.identifier(name), key, SQL(sql_type), SQL.identifier(name))
            for name, sql_type in SCORE_COLUMN_TYPES.items()
        )
        return SQL(
            """
            SELECT p.id AS id, p.id AS partner_id, c.id AS company_id, c.currency_id,
                   p.user_id, p.active, p.country_id, p.state_id, p.sm_winback_sent_date,
                   %(columns)s
              FROM res_partner p
              JOIN res_company c ON c.id = %(company)s
             WHERE p.id = p.commercial_partner_id
               AND (p.lifecycle_stage ? %(key)s OR p.customer_tier_id ? %(key)s)
            """,
            columns=columns,
            company=self.env.company.id,
            key=key,
        )

    @api.model
    def _sm_of_partners(self, partners):
        """The score rows of ``partners`` (commercial partners) in the current company that
        the current user may read (record rules apply)."""
        if not partners or not self.has_access("read"):
            return self.browse()
        return self.search([("partner_id", "in", partners.ids), ("company_id", "=", self.env.company.id)])

    def action_open_partner(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "res.partner",
            "res_id": self.partner_id.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }
