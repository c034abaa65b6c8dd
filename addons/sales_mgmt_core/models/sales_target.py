from datetime import datetime, time
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from ..tools import performance

METRICS = ("revenue", "new_customers", "won", "activities")


class SalesTarget(models.Model):
    _name = "sales.target"
    _description = "Sales Target"
    _inherit = ["mail.thread"]
    _order = "date_from desc, score desc, id"

    name = fields.Char(compute="_compute_name", store=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    scope = fields.Selection(
        [("user", "Salesperson"), ("team", "Sales Team")], required=True, default="user", tracking=True
    )
    user_id = fields.Many2one("res.users", string="Salesperson", index=True, tracking=True)
    team_id = fields.Many2one(
        "crm.team",
        string="Sales Team",
        index=True,
        tracking=True,
        compute="_compute_team_id",
        store=True,
        readonly=False,
        help="For a salesperson's target, the team whose leader sees it.",
    )
    period_type = fields.Selection([("month", "Month"), ("quarter", "Quarter")], required=True, default="month")
    date_from = fields.Date("Period Start", required=True, default=lambda self: fields.Date.today().replace(day=1))
    date_to = fields.Date("Period End", compute="_compute_date_to", store=True)

    target_revenue = fields.Monetary("Revenue Target", tracking=True)
    target_new_customers = fields.Integer("New Customers Target", tracking=True)
    target_won = fields.Integer("Won Opportunities Target", tracking=True)
    target_activities = fields.Integer("Activities Target", tracking=True)

    actual_revenue = fields.Monetary("Revenue", readonly=True, help="Untaxed, confirmed orders, company currency.")
    actual_new_customers = fields.Integer("New Customers", readonly=True, help="Customers whose first order it is.")
    actual_won = fields.Integer("Won Opportunities", readonly=True)
    actual_activities = fields.Integer("Activities Done", readonly=True, help="Activities marked done and visits.")
    actuals_date = fields.Datetime("Actuals Computed", readonly=True)

    attainment_revenue = fields.Float("Revenue %", compute="_compute_score", store=True, aggregator="avg")
    attainment_new_customers = fields.Float("New Customers %", compute="_compute_score", store=True, aggregator="avg")
    attainment_won = fields.Float("Won %", compute="_compute_score", store=True, aggregator="avg")
    attainment_activities = fields.Float("Activities %", compute="_compute_score", store=True, aggregator="avg")
    score = fields.Float(
        "Performance Score",
        compute="_compute_score",
        store=True,
        aggregator="avg",
        help="Weighted mean attainment of the targeted metrics (each capped at 200%), weights in the settings.",
    )
    rank = fields.Integer(readonly=True, aggregator="min", help="Rank among targets of the same period and scope.")
    score_previous = fields.Float("Previous Score", readonly=True, aggregator="avg")
    score_trend = fields.Float("Trend", readonly=True, aggregator="avg", help="Score minus the previous period's.")
    has_previous_score = fields.Boolean(
        "Has a Previous Target",
        readonly=True,
        help="The same salesperson or team had a target the period before: previous score and trend mean something.",
    )

    _user_period_unique = models.UniqueIndex(
        "(company_id, period_type, date_from, user_id) WHERE (scope = 'user')",
        "This salesperson already has a target for that period.",
    )
    _team_period_unique = models.UniqueIndex(
        "(company_id, period_type, date_from, team_id) WHERE (scope = 'team')",
        "This team already has a target for that period.",
    )

    @api.constrains("target_revenue", "target_new_customers", "target_won", "target_activities")
    def _check_targets(self):
        for target in self:
            values = [target[f"target_{m}"] for m in METRICS]
            if any(v < 0 for v in values):
                raise ValidationError(self.env._("Targets cannot be negative (%s).", target.display_name))
            if not any(values):
                raise ValidationError(self.env._("Set at least one positive target value for %s.", target.display_name))

    @api.constrains("scope", "user_id", "team_id")
    def _check_scope(self):
        for target in self:
            if target.scope == "user" and not target.user_id:
                raise ValidationError(self.env._("A salesperson's target needs a salesperson."))
            if target.scope == "team" and (not target.team_id or target.user_id):
                raise ValidationError(self.env._("A team target needs a team and no salesperson."))

    @api.constrains("date_from", "period_type")
    def _check_period_start(self):
        for target in self:
            if target.date_from != target._period_start(target.date_from, target.period_type):
                raise ValidationError(self.env._("A target period starts on the first day of a month or quarter."))

    @api.depends("scope", "user_id", "team_id", "period_type", "date_from")
    def _compute_name(self):
        for target in self:
            who = target.user_id.name if target.scope == "user" else target.team_id.name
            if not target.date_from:
                target.name = who or ""
            elif target.period_type == "quarter":
                quarter = (target.date_from.month - 1) // 3 + 1
                target.name = f"{who or ''} Q{quarter} {target.date_from.year}"
            else:
                target.name = f"{who or ''} {target.date_from.strftime('%Y-%m')}"

    @api.depends("user_id", "scope")
    def _compute_team_id(self):
        for target in self:
            if target.scope == "user" and target.user_id and not target.team_id:
                target.team_id = target.user_id.sale_team_id

    @api.depends("date_from", "period_type")
    def _compute_date_to(self):
        for target in self:
            if target.date_from:
                months = 3 if target.period_type == "quarter" else 1
                target.date_to = target.date_from + relativedelta(months=months, days=-1)
            else:
                target.date_to = False

    @api.depends(
        *(f"target_{m}" for m in METRICS),
        *(f"actual_{m}" for m in METRICS),
        "company_id.sm_score_weight_revenue",
        "company_id.sm_score_weight_new_customers",
        "company_id.sm_score_weight_won",
        "company_id.sm_score_weight_activities",
    )
    def _compute_score(self):
        for target in self:
            attainments = {m: performance.attainment(target[f"actual_{m}"], target[f"target_{m}"]) for m in METRICS}
            weights = {m: target.company_id[f"sm_score_weight_{m}"] for m in METRICS}
            for metric, value in attainments.items():
                target[f"attainment_{metric}"] = round(100.0 * value, 2) if value is not None else 0.0
            target.score = performance.score(attainments, weights)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("date_from"):
                vals["date_from"] = self._period_start(
                    fields.Date.to_date(vals["date_from"]), vals.get("period_type", "month")
                )
        targets = super().create(vals_list)
        targets.sudo()._refresh_actuals()
        return targets

    def write(self, vals):
        if vals.get("date_from"):
            for target in self:
                super(SalesTarget, target).write(
                    {
                        "date_from": self._period_start(
                            fields.Date.to_date(vals["date_from"]), vals.get("period_type", target.period_type)
                        )
                    }
                )
            vals = {k: v for k, v in vals.items() if k != "date_from"}
        result = super().write(vals)
        if {"user_id", "team_id", "scope", "period_type", "date_from", "company_id"} & set(vals):
            self.sudo()._refresh_actuals()
        return result

    @api.model
    def get_empty_list_help(self, help_message):
        """Who may not set targets is told where theirs come from, not invited to create one."""
        # Actions are read as superuser (web client): ask for the rights of the user, not of sudo.
        if not self.sudo(False).has_access("create"):
            help_message = Markup("<p class='o_view_nocontent_smiling_face'>%s</p><p>%s</p>") % (
                self.env._("No target for you yet"),
                self.env._(
                    "Your sales manager sets your monthly or quarterly targets. Once one is set, your "
                    "actuals from confirmed orders, new customers, won opportunities and activities show here."
                ),
            )
        return super().get_empty_list_help(help_message)

    def action_refresh_actuals(self):
        self.sudo()._refresh_actuals()
        return True

    @api.model
    def _cron_refresh_actuals(self):
        """Refresh the targets of periods not ended more than a month ago."""
        today = fields.Date.context_today(self)
        targets = self.sudo().search([("date_to", ">=", today - relativedelta(months=1))])
        targets._refresh_actuals()
        return len(targets)

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------

    @api.model
    def _period_start(self, day, period_type):
        if period_type == "quarter":
            return day.replace(day=1, month=3 * ((day.month - 1) // 3) + 1)
        return day.replace(day=1)

    def _utc_bounds(self):
        """(start, end) naive-UTC datetimes of the period in the owner's time zone."""
        self.ensure_one()
        tz_name = (
            (self.user_id if self.scope == "user" else self.team_id.user_id).tz
            or self.company_id.partner_id.tz
            or "UTC"
        )
        try:
            tz = ZoneInfo(tz_name)
        except (KeyError, ValueError):
            tz = ZoneInfo("UTC")
        utc = ZoneInfo("UTC")
        start = datetime.combine(self.date_from, time.min, tz).astimezone(utc).replace(tzinfo=None)
        end = datetime.combine(self.date_to + relativedelta(days=1), time.min, tz).astimezone(utc).replace(tzinfo=None)
        return start, end

    def _targets_sql(self):
        """VALUES rows of the targets: id, scope, user, team, company, UTC period bounds."""
        rows = []
        for target in self:
            start, end = target._utc_bounds()
            rows.append(
                SQL(
                    "(%s, %s, %s::int, %s::int, %s::int, %s::timestamp, %s::timestamp)",
                    target.id,
                    target.scope,
                    target.user_id.id or None,
                    target.team_id.id or None,
                    target.company_id.id,
                    start,
                    end,
                )
            )
        return SQL(", ").join(rows)

    def _refresh_actuals(self):
        """Recompute and store the actuals of these targets, then rank them."""
        if not self:
            return
        actuals = self._read_actuals()
        now = fields.Datetime.now()
        for target in self:
            values = actuals[target.id]
            target.write(
                {
                    "actual_revenue": float(values["revenue"]),
                    "actual_new_customers": values["new_customers"],
                    "actual_won": values["won"],
                    "actual_activities": values["activities"],
                    "actuals_date": now,
                }
            )
        self._refresh_ranks()

    def _read_actuals(self, metrics=METRICS):
        """{target id: {metric: actual}} of these targets as of now, one aggregate per metric;
        writes nothing (what ``_refresh_actuals`` stores)."""
        actuals = {target_id: dict.fromkeys(metrics, 0) for target_id in self.ids}
        if not self:
            return actuals
        self.env.flush_all()
        for metric in metrics:
            self.env.cr.execute(self._actuals_sql(metric))
            for target_id, value in self.env.cr.fetchall():
                actuals[target_id][metric] = value or 0
        return actuals

    def _actuals_sql(self, metric):
        """SQL of rows (id, value): the actual ``metric`` of each of these targets, computed from
        ``_actuals_sources`` as ``_refresh_actuals`` stores it (unrounded; a target without any
        source row is left out). To use inside another query, e.g. the KPIs' target attainment."""
        if not self:
            return SQL("SELECT NULL::int AS id, NULL::numeric AS value WHERE FALSE")
        source, aggregate = self._actuals_sources()[metric]
        return SQL(
            """
            WITH targets(id, scope, user_id, team_id, company_id, dfrom, dto) AS (VALUES %(targets)s),
                 src AS (%(source)s)
            SELECT t.id, %(aggregate)s AS value
              FROM targets t
              JOIN src s ON s.user_id = t.user_id AND (s.company_id IS NULL OR s.company_id = t.company_id)
                        AND s.date >= t.dfrom AND s.date < t.dto
             WHERE t.scope = 'user'
             GROUP BY t.id
             UNION ALL
            SELECT t.id, %(aggregate)s AS value
              FROM targets t
              JOIN src s ON s.team_id = t.team_id AND (s.company_id IS NULL OR s.company_id = t.company_id)
                        AND s.date >= t.dfrom AND s.date < t.dto
             WHERE t.scope = 'team'
             GROUP BY t.id
            """,
            targets=self._targets_sql(),
            source=source,
            aggregate=aggregate,
        )

    def _actuals_sources(self):
        """{metric: (source SQL, aggregate SQL)}: each source yields key, company_id, user_id,
        team_id, date (UTC) and value; override to change a definition or add a metric."""
        return {
            "revenue": (
                SQL(
                    """
                    SELECT so.id AS key, so.company_id, so.user_id, so.team_id, so.date_order AS date,
                           so.amount_untaxed / COALESCE(NULLIF(so.currency_rate, 0), 1.0) AS value
                      FROM sale_order so
                     WHERE so.state = 'sale'
                    """
                ),
                SQL("SUM(s.value)"),
            ),
            "new_customers": (
                SQL(
                    """
                    SELECT DISTINCT ON (so.company_id, p.commercial_partner_id)
                           so.id AS key, so.company_id, so.user_id, so.team_id, so.date_order AS date, 1 AS value
                      FROM sale_order so
                      JOIN res_partner p ON p.id = so.partner_id
                     WHERE so.state = 'sale'
                     ORDER BY so.company_id, p.commercial_partner_id, so.date_order, so.id
                    """
                ),
                SQL("COUNT(*)"),
            ),
            "won": (
                SQL(
                    """
                    SELECT l.id AS key, l.company_id, l.user_id, l.team_id, l.date_closed AS date, 1 AS value
                      FROM crm_lead l
                     WHERE l.active AND l.won_status = 'won'
                    """
                ),
                SQL("COUNT(*)"),
            ),
            # Activities done (their chatter message) and visits checked in; one row per team
            # membership of the author, counted once per key.
            "activities": (
                SQL(
                    """
                    SELECT d.key, NULL::int AS company_id, d.user_id, tm.crm_team_id AS team_id, d.date, 1 AS value
                      FROM (SELECT 'm' || m.id AS key, u.id AS user_id, m.date
                              FROM mail_message m
                              JOIN res_users u ON u.partner_id = m.author_id
                             WHERE m.mail_activity_type_id IS NOT NULL AND m.subtype_id = %(subtype)s
                            UNION ALL
                            SELECT 'v' || v.id, v.user_id, v.checkin_date
                              FROM sales_visit v
                             WHERE v.state = 'done') d
                      LEFT JOIN crm_team_member tm ON tm.user_id = d.user_id AND tm.active
                    """,
                    subtype=self.env.ref("mail.mt_activities").id,
                ),
                SQL("COUNT(DISTINCT s.key)"),
            ),
        }

    def _refresh_ranks(self):
        """Rank every target sharing a (company, period, scope) with these; previous score and trend."""
        keys = {(t.company_id.id, t.period_type, t.date_from, t.scope) for t in self}
        for company_id, period_type, date_from, scope in keys:
            peers = self.search(
                [
                    ("company_id", "=", company_id),
                    ("period_type", "=", period_type),
                    ("date_from", "=", date_from),
                    ("scope", "=", scope),
                ]
            )
            ranks = performance.competition_ranks({t.id: t.score for t in peers})
            months = 3 if period_type == "quarter" else 1
            previous = self.search(
                [
                    ("company_id", "=", company_id),
                    ("period_type", "=", period_type),
                    ("date_from", "=", date_from - relativedelta(months=months)),
                    ("scope", "=", scope),
                ]
            )
            previous_score = {(t.user_id.id, t.team_id.id if scope == "team" else 0): t.score for t in previous}
            for target in peers:
                key = (target.user_id.id, target.team_id.id if scope == "team" else 0)
                before = previous_score.get(key)
                vals = {
                    "rank": ranks[target.id],
                    "has_previous_score": before is not None,
                    "score_previous": before or 0.0,
                    "score_trend": round(target.score - before, 2) if before is not None else 0.0,
                }
                if any(target[k] != v for k, v in vals.items()):
                    target.write(vals)
