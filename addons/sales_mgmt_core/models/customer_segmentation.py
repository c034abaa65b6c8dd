import io
import json
import logging
import time
from datetime import timedelta

from odoo import Command, api, fields, models
from odoo.tools import SQL

from ..tools import segmentation as seg

_logger = logging.getLogger(__name__)

# Partner columns written by the recompute: field name -> attribute of CustomerScores/stats.
SCORE_COLUMNS = [
    "rfm_recency_score",
    "rfm_frequency_score",
    "rfm_monetary_score",
    "rfm_segment",
    "lifecycle_stage",
    "sm_order_count",
    "sm_revenue_12m",
    "sm_lifetime_value",
    "sm_average_order_value",
    "sm_first_order_date",
    "sm_last_order_date",
    "sm_purchase_interval",
    "predicted_next_order_date",
    "purchase_propensity",
    "customer_tier_id",
]
PARAM_LOOKBACK = "sales_mgmt.rfm_lookback_days"
PARAM_BREAKS = "sales_mgmt.rfm_breaks.%s"
# Version of the scoring rules the saved breaks and fallback intervals were computed with: an
# incremental pass ignores those of older rules (2: fallback intervals from rhythms only).
SCORING_RULES = 2


class SalesCustomerSegmentation(models.AbstractModel):
    """Set-based recompute of customer tiers, RFM, lifecycle, prediction and tags.

    One SQL aggregate per company reads the order history, the pure functions of
    ``tools/segmentation.py`` score it, and one bulk UPDATE per company writes back only
    what changed. Each company runs in a savepoint: a failure leaves it as it was.
    """

    _name = "sales.customer.segmentation"
    _description = "Customer Segmentation Engine"

    # ------------------------------------------------------------------ entry points
    @api.model
    def _recompute(self, companies=None, partner_ids=None):
        """Full recompute (``partner_ids`` None) or incremental for the given commercial partners."""
        companies = companies or self.env["res.company"].search([])  # pylint: disable=no-search-all
        totals = {"scored": 0, "changed": 0}
        for company in companies:
            with self.env.cr.savepoint():
                result = self.with_company(company)._recompute_company(company, partner_ids)
            totals["scored"] += result["scored"]
            totals["changed"] += result["changed"]
        return totals

    @api.model
    def _cron_recompute_all(self):
        self._recompute()

    @api.model
    def _cron_recompute_dirty(self, limit=20000):
        """Incremental pass over customers whose orders changed since the last pass."""
        ids = self.env["sales.segment.queue"]._take(limit)
        if ids:
            self._recompute(partner_ids=ids)
            self.env["res.partner"].invalidate_model(["sm_segment_dirty"])
        return len(ids)

    # ------------------------------------------------------------------ one company
    def _lookback_days(self):
        value = self.env["ir.config_parameter"].sudo().get_param(PARAM_LOOKBACK, "730")
        try:
            return max(1, int(value))
        except ValueError:
            _logger.warning("Invalid %s=%r, using 730 days", PARAM_LOOKBACK, value)
            return 730

    def _recompute_company(self, company, partner_ids=None):
        t_start = time.perf_counter()
        today = fields.Date.context_today(self)
        stats = self._fetch_stats(company, today, partner_ids)
        params = self.env["ir.config_parameter"].sudo()
        tier_rules = self._tier_rules(company)
        incremental = partner_ids is not None
        saved = json.loads(params.get_param(PARAM_BREAKS % company.id) or "null") if incremental else None
        if incremental and saved and saved.get("rules") == SCORING_RULES:
            breaks, fallback = saved["breaks"], saved["fallback"]
        # An incremental pass before any full pass (of these rules): breaks from the whole population.
        elif incremental:
            stats_all = self._fetch_stats(company, today, None)
            _x, breaks, fallback = seg.score_customers(stats_all, today, tier_rules=tier_rules)
        else:
            breaks = fallback = None
        scores, breaks, fallback = seg.score_customers(
            stats, today, breaks=breaks, segment_fallback=fallback, tier_rules=tier_rules
        )
        if not incremental:
            params.set_param(
                PARAM_BREAKS % company.id,
                json.dumps({"breaks": breaks, "fallback": fallback, "rules": SCORING_RULES}),
            )
        stats_by_id = {s.partner_id: s for s in stats}
        rows = {sc.partner_id: self._score_values(sc, stats_by_id[sc.partner_id]) for sc in scores}
        # Customers that had scores and no longer have any confirmed order: back to prospect.
        reset_ids = self._stale_partner_ids(company, set(rows), partner_ids)
        for pid in reset_ids:
            rows[pid] = self._reset_values()
        t_scored = time.perf_counter()
        changed = self._write_scores(company, rows)
        t_written = time.perf_counter()
        self._sync_tags(company, scores, stats_by_id, reset_ids)
        t_tagged = time.perf_counter()
        self._after_scores_changed(company, changed)
        _logger.info(
            "Customer segments of %s: %d scored, %d changed (read+score %.2fs, write %.2fs, tags %.2fs)",
            company.name,
            len(scores),
            len(changed),
            t_scored - t_start,
            t_written - t_scored,
            t_tagged - t_written,
        )
        return {"scored": len(scores), "changed": len(changed)}

    def _fetch_stats(self, company, today, partner_ids=None):
        """One aggregate over the confirmed orders of ``company`` per commercial partner."""
        lookback = today - timedelta(days=self._lookback_days())
        year_ago = today - timedelta(days=365)
        partner_filter = SQL("AND cp.id = ANY(%s)", list(partner_ids)) if partner_ids is not None else SQL()
        query = SQL(
            """
            WITH o AS (
                SELECT cp.id AS partner_id,
                       (so.date_order AT TIME ZONE 'UTC')::date AS day,
                       so.amount_untaxed / COALESCE(NULLIF(so.currency_rate, 0), 1.0) AS amount,
                       %(channel)s AS channel_id
                  FROM sale_order so
                  JOIN res_partner p ON p.id = so.partner_id
                  JOIN res_partner cp ON cp.id = p.commercial_partner_id
                 WHERE so.state = 'sale' AND so.company_id = %(company)s
                   AND so.amount_untaxed > 0 AND cp.active
                   %(partner_filter)s
            )
            SELECT o.partner_id,
                   count(*) FILTER (WHERE day >= %(lookback)s),
                   COALESCE(sum(amount) FILTER (WHERE day >= %(lookback)s), 0),
                   COALESCE(sum(amount) FILTER (WHERE day >= %(year_ago)s), 0),
                   count(*) FILTER (WHERE day >= %(year_ago)s),
                   sum(amount), count(*), min(day), max(day),
                   array_agg(DISTINCT day),
                   cp.country_id, cp.state_id,
                   array_remove(array_agg(DISTINCT o.channel_id), NULL)
              FROM o JOIN res_partner cp ON cp.id = o.partner_id
             GROUP BY o.partner_id, cp.country_id, cp.state_id
            """,
            company=company.id,
            channel=self._stats_channel_column(),
            partner_filter=partner_filter,
            lookback=lookback,
            year_ago=year_ago,
        )
        self.env["sale.order"].flush_model(["state", "amount_untaxed", "currency_rate", "date_order", "partner_id"])
        self.env["res.partner"].flush_model(["commercial_partner_id", "active", "country_id", "state_id"])
        self.env.cr.execute(query)
        stats = []
        for (
            pid,
            count_lb,
            revenue_lb,
            revenue_12m,
            count_12m,
            ltv,
            total,
            first,
            last,
            days,
            country,
            state,
            channels,
        ) in self.env.cr.fetchall():
            stats.append(
                seg.CustomerStats(
                    partner_id=pid,
                    order_count=count_lb,
                    revenue=float(revenue_lb),
                    revenue_12m=float(revenue_12m),
                    order_count_12m=count_12m,
                    lifetime_value=float(ltv),
                    first_order=first,
                    last_order=last,
                    order_dates=days,
                    country_id=country,
                    state_id=state,
                    total_count=total,
                    channel_ids=frozenset(channels or ()),
                )
            )
        return stats

    def _stats_channel_column(self):
        """Hook: SQL expression of an order's sales channel (sales_mgmt_channels sets it)."""
        return SQL("NULL::integer")

    def _tier_rules(self, company):
        tiers = self.env["sales.customer.tier"].search(
            [("company_id", "in", [company.id, False])], order="sequence, id"
        )
        return [
            seg.TierRule(
                id=t.id,
                min_revenue=t.min_revenue,
                min_order_count=t.min_order_count,
                min_tenure_days=t.min_tenure_days,
                country_ids=frozenset(t.country_ids.ids),
                state_ids=frozenset(t.state_ids.ids),
                channel_ids=self._tier_channel_ids(t),
            )
            for t in tiers
        ]

    def _tier_channel_ids(self, tier):
        """Hook: channels a tier is restricted to (sales_mgmt_channels adds them)."""
        return frozenset()

    @staticmethod
    def _score_values(sc, st):
        total = st.total_count
        return {
            "rfm_recency_score": sc.recency,
            "rfm_frequency_score": sc.frequency,
            "rfm_monetary_score": sc.monetary,
            "rfm_segment": sc.segment,
            "lifecycle_stage": sc.lifecycle,
            "sm_order_count": total,
            "sm_revenue_12m": round(st.revenue_12m, 2),
            "sm_lifetime_value": round(st.lifetime_value, 2),
            "sm_average_order_value": round(st.lifetime_value / total, 2) if total else 0.0,
            "sm_first_order_date": st.first_order.isoformat(),
            "sm_last_order_date": st.last_order.isoformat(),
            "sm_purchase_interval": sc.interval_days,
            "predicted_next_order_date": sc.predicted_next.isoformat(),
            "purchase_propensity": sc.propensity,
            "customer_tier_id": sc.tier_id,
        }

    def _reset_values(self):
        """Values of a customer without confirmed orders: numbers 0 (a JSON null would not
        read back as a number), the rest empty, lifecycle "prospect"."""
        partner_fields = self.env["res.partner"]._fields
        values = {name: 0 if partner_fields[name].type in ("integer", "float") else None for name in SCORE_COLUMNS}
        values["lifecycle_stage"] = "prospect"
        return values

    def _stale_partner_ids(self, company, scored_ids, partner_ids):
        key = str(company.id)
        query = "SELECT id FROM res_partner WHERE lifecycle_stage ? %s AND lifecycle_stage->>%s != 'prospect'"
        args = [key, key]
        if partner_ids is not None:
            query += " AND id = ANY(%s)"
            args.append(list(partner_ids))
        self.env.cr.execute(query, args)
        return [pid for (pid,) in self.env.cr.fetchall() if pid not in scored_ids]

    def _read_current(self, company, ids):
        key = str(company.id)
        cols = ", ".join(f"{c}->>%(key)s" for c in SCORE_COLUMNS)
        self.env.cr.execute(f"SELECT id, {cols} FROM res_partner WHERE id = ANY(%(ids)s)", {"key": key, "ids": ids})  # noqa: S608
        return {row[0]: dict(zip(SCORE_COLUMNS, row[1:], strict=True)) for row in self.env.cr.fetchall()}

    @staticmethod
    def _same(old, new):
        if new is None:
            return old is None
        if old is None:
            return False
        if isinstance(new, float):
            return abs(float(old) - new) < 0.005
        return str(old) == str(new)

    def _write_scores(self, company, rows):
        """Bulk-write the rows that changed; returns {partner_id: (old, new)} of those."""
        if not rows:
            return {}
        self.env["res.partner"].flush_model(SCORE_COLUMNS)
        current = self._read_current(company, list(rows))
        changed = {}
        for pid, new in rows.items():
            old = current.get(pid, {})
            if any(not self._same(old.get(c), new[c]) for c in SCORE_COLUMNS):
                changed[pid] = (old, new)
        if not changed:
            return changed
        key = str(company.id)
        today = fields.Date.context_today(self).isoformat()
        # One jsonb per partner with the new per-company values, merged into each column.
        assignments = ", ".join(
            f"{c} = COALESCE(p.{c}, '{{}}'::jsonb) || jsonb_build_object(%(key)s, v.data->'{c}')" for c in SCORE_COLUMNS
        )
        tier_date = (
            "customer_tier_date = CASE WHEN v.tier_changed THEN COALESCE(p.customer_tier_date, '{}'::jsonb)"
            " || jsonb_build_object(%(key)s, to_jsonb(%(today)s::text)) ELSE p.customer_tier_date END"
        )
        rows_out = (
            (pid, json.dumps(new), str(old.get("customer_tier_id") or "") != str(new["customer_tier_id"] or ""))
            for pid, (old, new) in changed.items()
        )
        self._copy_to_temp("sm_score_tmp", "id int, data jsonb, tier_changed bool", rows_out)
        self.env.cr.execute(
            f"UPDATE res_partner p SET {assignments}, {tier_date} "  # noqa: S608
            "FROM sm_score_tmp v WHERE p.id = v.id",
            {"key": key, "today": today},
        )
        self.env["res.partner"].invalidate_model([*SCORE_COLUMNS, "customer_tier_date"])
        self._log_tier_changes(changed)
        return changed

    def _copy_to_temp(self, table, columns, rows):
        """Load ``rows`` into a fresh temporary table with COPY (much faster than VALUES)."""
        cr = self.env.cr
        cr.execute(SQL("CREATE TEMP TABLE IF NOT EXISTS %s (%s) ON COMMIT DROP", SQL.identifier(table), SQL(columns)))
        cr.execute(SQL("TRUNCATE %s", SQL.identifier(table)))
        buffer = io.StringIO()
        for row in rows:
            buffer.write("\t".join(self._copy_value(v) for v in row))
            buffer.write("\n")
        buffer.seek(0)
        cr._obj.copy_expert(SQL("COPY %s FROM STDIN", SQL.identifier(table)).code, buffer)

    @staticmethod
    def _copy_value(value):
        if value is None:
            return "\\N"
        if isinstance(value, bool):
            return "t" if value else "f"
        return str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")

    def _log_tier_changes(self, changed):
        """Log tier changes in the customers' chatter as tracking values of ``customer_tier_id``:
        the chatter shows them only to users who may read that field (a plain message body
        would show the tier to every internal user who opens the customer)."""
        Tier = self.env["sales.customer.tier"].with_context(active_test=False)
        Partner = self.env["res.partner"]
        col_info = Partner.sudo().fields_get(["customer_tier_id"], ["string", "type"])["customer_tier_id"]
        Tracking = self.env["mail.tracking.value"]
        for pid, (old, new) in changed.items():
            old_tier, new_tier = old.get("customer_tier_id"), new["customer_tier_id"]
            # The first classification of a customer is not a change: no message for it.
            if not old.get("lifecycle_stage") or str(old_tier or "") == str(new_tier or ""):
                continue
            partner = Partner.browse(pid)
            tracking = Tracking._create_tracking_values(
                Tier.browse(int(old_tier)).exists() if old_tier else Tier,
                Tier.browse(new_tier).exists() if new_tier else Tier,
                "customer_tier_id",
                col_info,
                partner,
            )
            partner._message_log(
                body=self.env._("Customer tier changed by the automatic recompute."),
                tracking_value_ids=[Command.create(tracking)],
            )

    # ------------------------------------------------------------------ follow-ups
    def _after_scores_changed(self, company, changed):
        """Hook: customers entering "lapsed" get the win-back e-mail (once per lapse).

        Entering means coming from another stage: customers found lapsed by their very
        first classification (e.g. right after installation) are not mailed.
        """
        lapsed = [
            pid
            for pid, (old, new) in changed.items()
            if new.get("lifecycle_stage") == "lapsed" and old.get("lifecycle_stage") not in (None, "lapsed")
        ]
        if lapsed:
            self.env["res.partner"].browse(lapsed).with_company(company)._sm_send_winback()
