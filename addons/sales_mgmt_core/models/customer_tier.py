from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import format_amount


class SalesCustomerTier(models.Model):
    """An ordered customer tier rule (VIP, Gold, Regular, New ...).

    Tiers are evaluated by ascending sequence: a customer gets the first tier whose
    thresholds (12-month revenue, order count, tenure) are all met and whose optional
    region filter matches. A tier with no threshold is a catch-all and must come last.
    """

    _name = "sales.customer.tier"
    _description = "Customer Tier"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10, help="Tiers are tried in this order; the first match wins.")
    active = fields.Boolean(default=True)
    color = fields.Integer()
    company_id = fields.Many2one(
        "res.company",
        default=lambda self: self.env.company,
        index=True,
        help="Leave empty to use the tier in every company.",
    )
    currency_id = fields.Many2one(
        "res.currency",
        compute="_compute_currency_id",
    )
    min_revenue = fields.Monetary(
        "Min. 12-month Revenue",
        currency_field="currency_id",
        help="Untaxed revenue of confirmed orders over the last 12 months, in company currency.",
    )
    min_order_count = fields.Integer("Min. Orders (12 months)")
    min_tenure_days = fields.Integer("Min. Tenure (days)", help="Days since the customer's first order.")
    credit_limit = fields.Monetary(
        currency_field="currency_id",
        help="Default credit limit of the tier's customers (0: none); a limit set on the customer wins.",
    )
    credit_limit_label = fields.Char("Credit Limit Shown", compute="_compute_credit_limit_label")
    country_ids = fields.Many2many("res.country", string="Countries", help="Only customers in these countries.")
    state_ids = fields.Many2many("res.country.state", string="States", help="Only customers in these states.")
    revisit_interval_days = fields.Integer(
        "Revisit Every (days)",
        default=0,
        help="A follow-up activity is scheduled for the salesperson when a customer of this tier "
        "has had no order for this many days. 0 disables follow-ups for the tier.",
    )
    description = fields.Text(translate=True)
    partner_count = fields.Integer(compute="_compute_partner_count")

    _name_company_uniq = models.Constraint(
        "unique(name, company_id)", "A tier with this name already exists in this company."
    )
    _thresholds_positive = models.Constraint(
        "CHECK(min_revenue >= 0 AND min_order_count >= 0 AND min_tenure_days >= 0 "
        "AND revisit_interval_days >= 0 AND credit_limit >= 0)",
        "Tier thresholds and the revisit interval cannot be negative.",
    )

    @api.constrains(
        "sequence",
        "min_revenue",
        "min_order_count",
        "min_tenure_days",
        "country_ids",
        "state_ids",
        "company_id",
        "active",
    )
    def _check_reachable(self):
        """Every tier must be reachable: a tier that comes earlier and asks for no more
        than a later one (and covers at least its regions) would swallow all its customers."""
        tiers = self.sudo().search([("company_id", "in", [*self.company_id.ids, False])])
        for i, higher in enumerate(tiers):
            for lower in tiers[i + 1 :]:
                if higher._dominates(lower):
                    raise ValidationError(
                        self.env._(
                            'Tier "%(lower)s" can never be reached: tier "%(higher)s" comes first and '
                            "asks for no more (revenue %(h_rev)s ≤ %(l_rev)s, orders %(h_cnt)s ≤ %(l_cnt)s, "
                            "tenure %(h_ten)s ≤ %(l_ten)s days). Raise the thresholds of "
                            '"%(higher)s" or move "%(lower)s" before it. A tier without thresholds '
                            "must be the last one.",
                            lower=lower.name,
                            higher=higher.name,
                            h_rev=higher.min_revenue,
                            l_rev=lower.min_revenue,
                            h_cnt=higher.min_order_count,
                            l_cnt=lower.min_order_count,
                            h_ten=higher.min_tenure_days,
                            l_ten=lower.min_tenure_days,
                        )
                    )

    def _compute_currency_id(self):
        for tier in self:
            tier.currency_id = (tier.company_id or self.env.company).currency_id

    @api.depends("credit_limit", "currency_id")
    @api.depends_context("lang")
    def _compute_credit_limit_label(self):
        """A limit of 0 means none: say so instead of showing a zero amount."""
        for tier in self:
            tier.credit_limit_label = (
                format_amount(self.env, tier.credit_limit, tier.currency_id)
                if tier.credit_limit
                else self.env._("No limit")
            )

    @api.depends_context("company", "uid")
    def _compute_partner_count(self):
        # Counted on the score rows the user may read: their own customers unless they see all.
        Score = self.env["sales.customer.score"]
        counts = {}
        if Score.has_access("read"):
            counts = dict(
                Score._read_group(
                    [("customer_tier_id", "in", self.ids), ("company_id", "=", self.env.company.id)],
                    ["customer_tier_id"],
                    ["__count"],
                )
            )
        for tier in self:
            tier.partner_count = counts.get(tier, 0)

    def _dominates(self, other):
        """True when every customer that qualifies for ``other`` also qualifies for self."""
        self.ensure_one()
        if self.company_id and other.company_id and self.company_id != other.company_id:
            return False
        if self.country_ids and not (other.country_ids and other.country_ids <= self.country_ids):
            return False
        if self.state_ids and not (other.state_ids and other.state_ids <= self.state_ids):
            return False
        return (
            self.min_revenue <= other.min_revenue
            and self.min_order_count <= other.min_order_count
            and self.min_tenure_days <= other.min_tenure_days
        )

    def action_view_partners(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("sales_mgmt_core.sales_customer_score_action")
        action["domain"] = [("customer_tier_id", "=", self.id), ("company_id", "=", self.env.company.id)]
        action["context"] = {}
        return action
