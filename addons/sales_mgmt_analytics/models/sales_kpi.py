from datetime import datetime, time
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta

from odoo import api, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..tools import kpi

GROUP_BYS = ("none", "channel", "team", "user")


def _group_by_labels(env):
    """{grouping key: label in the user's language} (the labels of the KPI screen's choice)."""
    return dict(env["sales.kpi.wizard"]._fields["group_by"]._description_selection(env))


class SalesKpi(models.AbstractModel):
    """KPI engine: one SQL aggregate per family of figures, ratios in ``tools/kpi.py``.

    Record rules apply: figures are read through ``_where_calc``-free SQL but restricted to
    the records the user may read (salespeople: their own orders, leads and complaints).
    """

    _name = "sales.kpi"
    _description = "Sales KPIs"

    @api.model
    @api.readonly
    def get_kpis(self, date_from, date_to, group_by="none", company_ids=None):
        """KPIs from ``date_from`` to ``date_to`` (dates, inclusive, in the user's time zone).

        Returns a list of dicts: ``key`` (id or False), ``name`` and every figure and KPI of
        ``tools.kpi``. Callable over XML-RPC / JSON-2; writes nothing (a read-only cursor will do).
        """
        if group_by not in GROUP_BYS:
            labels = _group_by_labels(self.env)
            raise UserError(
                self.env._("Group KPIs by one of: %s.", ", ".join(f"{labels[key]} ({key})" for key in GROUP_BYS))
            )
        date_from, date_to = self._check_period(date_from, date_to)
        start, end = self._utc_bounds(date_from, date_to)
        companies = self.env["res.company"].browse(company_ids) if company_ids else self.env.companies
        companies = companies & self.env.companies
        self.env.flush_all()
        figures = {}
        for query in self._figure_queries(start, end, group_by, companies, date_from, date_to):
            self.env.cr.execute(query)
            columns = [d.name for d in self.env.cr.description]
            for row in self.env.cr.fetchall():
                key = row[0]
                for name, value in zip(columns[1:], row[1:], strict=True):
                    figures.setdefault(name, []).append((key, float(value or 0)))
        try:
            rows = {key: row.kpis() for key, row in kpi.combine(figures).items()}
        except ValueError as error:  # NaN or infinite amounts stored (corrupt data): say so
            raise UserError(self.env._("The sales figures hold a value that is not a number: %s", error)) from error
        names = self._group_names(group_by, [k for k in rows if k is not None])
        result = []
        for key, row in rows.items():
            # False, not None, for a ratio without denominator: XML-RPC cannot marshal None.
            values = {name: False if value is None else value for name, value in row.items()}
            values.update(key=key or False, name=names.get(key) or self._empty_group_name(group_by))
            result.append(values)
        return result

    @api.model
    def _check_period(self, date_from, date_to):
        try:
            date_from = datetime.strptime(str(date_from), "%Y-%m-%d").date()
            date_to = datetime.strptime(str(date_to), "%Y-%m-%d").date()
        except ValueError as error:
            raise UserError(self.env._("Dates must be given as YYYY-MM-DD (%s).", error)) from error
        if date_to < date_from:
            raise UserError(self.env._("The period ends before it starts."))
        return date_from, date_to

    @api.model
    def _utc_bounds(self, date_from, date_to):
        try:
            tz = ZoneInfo(self.env.user.tz or "UTC")
        except (KeyError, ValueError):
            tz = ZoneInfo("UTC")
        utc = ZoneInfo("UTC")
        start = datetime.combine(date_from, time.min, tz).astimezone(utc).replace(tzinfo=None)
        end = datetime.combine(date_to + relativedelta(days=1), time.min, tz).astimezone(utc).replace(tzinfo=None)
        return start, end

    def _group_column(self, group_by, alias, has_channel=True):
        column = {"none": None, "channel": "channel_id", "team": "team_id", "user": "user_id"}[group_by]
        if column is None or (column == "channel_id" and not has_channel):
            return SQL("NULL::int")
        return SQL.identifier(alias, column)

    def _visible(self, model, alias):
        """SQL restricting ``alias`` to the records of ``model`` the user may read (record rules)."""
        query = self.env[model]._search([])
        return SQL("%s IN %s", SQL.identifier(alias, "id"), query.subselect())

    def _figure_queries(self, start, end, group_by, companies, date_from, date_to):
        """SQL queries returning (group key, figure columns...). Extend to add figures."""
        order_key = self._group_column(group_by, "so")
        lead_key = self._group_column(group_by, "l", has_channel=False)
        # Money in the current company's currency, converted exactly as the analysis report does.
        Report = self.env["sales.analysis.report"]
        period = {"start": start, "end": end, "companies": tuple(companies.ids)}
        yield SQL(
            """
            WITH period AS (
                SELECT so.*, p.commercial_partner_id AS customer
                  FROM sale_order so JOIN res_partner p ON p.id = so.partner_id
                 WHERE so.state = 'sale' AND so.date_order >= %(start)s AND so.date_order < %(end)s
                   AND so.company_id IN %(companies)s AND %(visible)s
            ), firsts AS (
                -- First confirmed order of the period's customers, all salespeople included.
                SELECT so.company_id, p.commercial_partner_id AS customer, MIN(so.date_order) AS first_date
                  FROM sale_order so JOIN res_partner p ON p.id = so.partner_id
                 WHERE so.state = 'sale' AND so.company_id IN %(companies)s
                   AND p.commercial_partner_id IN (SELECT customer FROM period)
                 GROUP BY 1, 2
            ), per_customer AS (
                SELECT %(key)s AS key, so.customer, COUNT(*) AS n, BOOL_OR(f.first_date < %(start)s) AS is_returning
                  FROM period so
                  JOIN firsts f ON f.company_id = so.company_id AND f.customer = so.customer
                 GROUP BY 1, 2
            )
            SELECT o.key, o.orders, o.revenue, o.quote_cycle_days_sum,
                   c.customers, c.customers_new, c.customers_returning, c.customers_repeat
              FROM (SELECT %(key)s AS key, COUNT(*) AS orders, SUM(%(revenue)s) AS revenue,
                           -- date_order is set to the confirmation time by Odoo; an order dated by
                           -- hand or by an import before it was created counts as 0 days, never less.
                           SUM(GREATEST(EXTRACT(EPOCH FROM so.date_order - so.create_date), 0) / 86400.0)
                               AS quote_cycle_days_sum
                      FROM period so
                      JOIN %(currency_table)s ON account_currency_table.company_id = so.company_id
                     GROUP BY 1) o
              JOIN (SELECT key, COUNT(*) AS customers,
                           COUNT(*) FILTER (WHERE NOT is_returning) AS customers_new,
                           COUNT(*) FILTER (WHERE is_returning) AS customers_returning,
                           COUNT(*) FILTER (WHERE n >= 2) AS customers_repeat
                      FROM per_customer GROUP BY key) c ON c.key IS NOT DISTINCT FROM o.key
            """,
            **period,
            visible=self._visible("sale.order", "so"),
            key=order_key,
            revenue=Report._order_amount_sql(SQL("so.amount_untaxed"), "so"),
            currency_table=Report._currency_table_sql(companies),
        )
        # Quotations created in the period and how many are confirmed now.
        yield SQL(
            """
            SELECT %(key)s AS key, COUNT(*) AS quotations,
                   COUNT(*) FILTER (WHERE so.state = 'sale') AS quotations_confirmed
              FROM sale_order so
             WHERE so.create_date >= %(start)s AND so.create_date < %(end)s
               AND so.company_id IN %(companies)s AND %(visible)s
             GROUP BY 1
            """,
            key=order_key,
            **period,
            visible=self._visible("sale.order", "so"),
        )
        # Opportunities closed (won or lost) in the period.
        yield SQL(
            """
            SELECT %(key)s AS key,
                   COUNT(*) FILTER (WHERE l.won_status = 'won') AS leads_won,
                   COUNT(*) AS leads_closed,
                   SUM(EXTRACT(EPOCH FROM l.date_closed - l.create_date) / 86400.0)
                       FILTER (WHERE l.won_status = 'won') AS deal_cycle_days_sum
              FROM crm_lead l
             WHERE l.won_status IN ('won', 'lost') AND l.date_closed >= %(start)s AND l.date_closed < %(end)s
               AND (l.company_id IS NULL OR l.company_id IN %(companies)s) AND %(visible)s
             GROUP BY 1
            """,
            key=lead_key,
            **period,
            visible=self._visible_leads(),
        )
        # Complaints opened in the period, attributed through their order.
        yield SQL(
            """
            SELECT %(key)s AS key, COUNT(*) AS complaints
              FROM sales_complaint c
              LEFT JOIN sale_order so ON so.id = c.order_id
             WHERE c.create_date >= %(start)s AND c.create_date < %(end)s
               AND c.company_id IN %(companies)s AND %(visible)s
             GROUP BY 1
            """,
            key=order_key,
            **period,
            visible=self._visible("sales.complaint", "c"),
        )
        # Targets of salespeople whose period lies in the chosen one. Their actual revenue is
        # computed here as the targets compute it (sales.target._actuals_sql), so it counts the
        # orders confirmed since the targets' last refresh, without writing the targets; rounded
        # as the stored actual is (its currency's rounding), so both screens show the same figure.
        # Targets have no channel: grouped by channel, they are in the totals only.
        if group_by == "channel":
            return
        targets = self.env["sales.target"].search(
            [
                ("scope", "=", "user"),
                ("date_from", ">=", date_from),
                ("date_to", "<=", date_to),
                ("company_id", "in", companies.ids),
            ]
        )
        yield SQL(
            """
            SELECT %(key)s AS key, SUM(%(target)s) AS target_revenue, SUM(%(actual)s) AS target_actual
              FROM sales_target t
              LEFT JOIN (VALUES %(teams)s) tt(id, team_id) ON tt.id = t.id
              JOIN res_company co ON co.id = t.company_id
              JOIN res_currency cur ON cur.id = co.currency_id
              LEFT JOIN (%(actuals)s) a ON a.id = t.id
              JOIN %(currency_table)s ON account_currency_table.company_id = t.company_id
             WHERE t.id IN %(targets)s
             GROUP BY 1
            """,
            key=SQL("tt.team_id") if group_by == "team" else self._group_column(group_by, "t", has_channel=False),
            teams=SQL(", ").join(
                [
                    SQL("(%s, %s::int)", target_id, team_id)
                    for target_id, team_id in (self._target_teams(targets) if group_by == "team" else {}).items()
                ]
                or [SQL("(NULL::int, NULL::int)")]
            ),
            # Targets are in their company's currency.
            target=Report._company_amount_sql(SQL("t.target_revenue")),
            actual=Report._company_amount_sql(
                SQL("ROUND(COALESCE(a.value, 0)::numeric / cur.rounding) * cur.rounding")
            ),
            actuals=targets.sudo()._actuals_sql("revenue"),
            currency_table=Report._currency_table_sql(companies),
            targets=tuple(targets.ids) or (None,),
        )

    def _target_teams(self, targets):
        """{target id: team id or None}: the group of a salesperson's target when grouping by team.

        The target's team; else the salesperson's sales team; else the team Odoo gives the
        salesperson's orders (``crm.team._get_default_team_id``), so that the target sits in the
        row of the revenue it measures, never in "No sales team" beside another team's revenue.
        """
        Team = self.env["crm.team"].sudo().with_context(default_team_id=False)
        defaults = {}
        teams = {}
        for target in targets.sudo():
            team = target.team_id or target.user_id.sale_team_id
            if not team:
                key = (target.user_id.id, target.company_id.id)
                if key not in defaults:
                    defaults[key] = Team.with_company(target.company_id)._get_default_team_id(
                        user_id=target.user_id.id, domain=Team._check_company_domain(target.company_id.id)
                    )
                team = defaults[key]
            teams[target.id] = team.id or None
        return teams

    def _visible_leads(self):
        query = self.env["crm.lead"].with_context(active_test=False)._search([])
        return SQL("l.id IN %s", query.subselect())

    def _empty_group_name(self, group_by):
        """Name of the group of the records without a channel, team or salesperson."""
        return {
            "none": self.env._("Total"),
            # Orders without a channel, and the opportunities (which have no channel).
            "channel": self.env._("Direct / no channel"),
            "team": self.env._("No sales team"),
            "user": self.env._("No salesperson"),
        }[group_by]

    def _group_names(self, group_by, keys):
        model = {"channel": "sales.channel", "team": "crm.team", "user": "res.users"}.get(group_by)
        if not model or not keys:
            return {}
        return {rec.id: rec.display_name for rec in self.env[model].sudo().browse(keys)}
