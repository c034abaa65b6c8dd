import logging
from datetime import timedelta

from odoo import SUPERUSER_ID, api, fields, models
from odoo.tools import SQL, float_round, formatLang

from ..tools import inventory

_logger = logging.getLogger(__name__)

PRECOMMIT_KEY = "sales_mgmt.stock_alert_products"


class SalesStockAlert(models.Model):
    """A product running short in a warehouse: free or forecast quantity below its safety stock."""

    _name = "sales.stock.alert"
    _description = "Stock Alert"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "state_rank, severity_rank desc, date_detected desc"
    _check_company_auto = True

    product_id = fields.Many2one("product.product", required=True, index=True, ondelete="cascade", readonly=True)
    product_tmpl_id = fields.Many2one(related="product_id.product_tmpl_id", store=True, index=True)
    warehouse_id = fields.Many2one("stock.warehouse", required=True, index=True, ondelete="cascade", readonly=True)
    company_id = fields.Many2one(related="warehouse_id.company_id", store=True, index=True)
    uom_id = fields.Many2one(related="product_id.uom_id")
    free_qty = fields.Float("Free at Detection", digits="Product Unit", readonly=True)
    forecast_qty = fields.Float("Forecast at Detection", digits="Product Unit", readonly=True)
    threshold = fields.Float("Safety Stock", digits="Product Unit", readonly=True)
    days_of_cover = fields.Float(
        "Days of Cover", readonly=True, help="Days the free quantity lasts at the average demand."
    )
    has_demand = fields.Boolean(
        "Demand in Window",
        readonly=True,
        help="The demand window had deliveries; without them there is no days-of-cover figure.",
    )
    cover_label = fields.Char("Cover", compute="_compute_cover_label", help="Days of cover, or 'No demand'.")
    severity = fields.Selection(
        [("low", "Low"), ("high", "High"), ("critical", "Critical")], required=True, readonly=True, tracking=True
    )
    severity_rank = fields.Integer(compute="_compute_ranks", store=True)
    state = fields.Selection(
        [("open", "Open"), ("acknowledged", "Acknowledged"), ("resolved", "Resolved")],
        default="open",
        required=True,
        tracking=True,
        index=True,
    )
    state_rank = fields.Integer(compute="_compute_ranks", store=True)
    date_detected = fields.Datetime(default=fields.Datetime.now, required=True, readonly=True)
    date_acknowledged = fields.Datetime(readonly=True)
    date_resolved = fields.Datetime(readonly=True)
    user_id = fields.Many2one("res.users", "Purchase Responsible", readonly=True)

    _one_open_alert = models.UniqueIndex(
        "(product_id, warehouse_id) WHERE state != 'resolved'",
        "There is already an open alert for this product in this warehouse.",
    )

    @api.depends("severity", "state")
    def _compute_ranks(self):
        severity_ranks = {"low": 0, "high": 1, "critical": 2}
        state_ranks = {"open": 0, "acknowledged": 1, "resolved": 2}
        for alert in self:
            alert.severity_rank = severity_ranks.get(alert.severity, 0)
            alert.state_rank = state_ranks.get(alert.state, 0)

    @api.depends("product_id", "warehouse_id")
    def _compute_display_name(self):
        for alert in self:
            alert.display_name = self.env._(
                "%(product)s in %(warehouse)s",
                product=alert.product_id.display_name or "",
                warehouse=alert.warehouse_id.name or "",
            )

    @api.depends("has_demand", "days_of_cover")
    def _compute_cover_label(self):
        for alert in self:
            if not alert.has_demand:
                alert.cover_label = self.env._("No demand")
            else:
                alert.cover_label = self.env._("%(days)s days", days=float_round(alert.days_of_cover, 1))

    def action_acknowledge(self):
        self.filtered(lambda a: a.state == "open").write(
            {"state": "acknowledged", "date_acknowledged": fields.Datetime.now()}
        )

    def action_replenish(self):
        """Odoo's replenishment report on this product and warehouse. Like the report itself
        (``_get_orderpoint_action``), a missing manual reordering rule is created as the
        superuser, here with the safety stock as its minimum."""
        self.ensure_one()
        orderpoints = self.env["stock.warehouse.orderpoint"].with_context(active_test=False)
        domain = [("product_id", "=", self.product_id.id), ("warehouse_id", "=", self.warehouse_id.id)]
        if not orderpoints.search_count(domain, limit=1):
            orderpoints.with_user(SUPERUSER_ID).create(
                {
                    "product_id": self.product_id.id,
                    "warehouse_id": self.warehouse_id.id,
                    "location_id": self.warehouse_id.lot_stock_id.id,
                    "company_id": self.warehouse_id.company_id.id,
                    "trigger": "manual",
                    "product_min_qty": self.threshold,
                    "product_max_qty": self.threshold,
                }
            )
        action = self.env["ir.actions.act_window"]._for_xml_id("stock.action_orderpoint_replenish")
        action["domain"] = domain
        action["context"] = {}
        action["name"] = action["display_name"] = self.env._("Replenish %s", self.product_id.display_name)
        return action

    # ------------------------------------------------------------------ evaluation
    @api.model
    def _cron_evaluate(self):
        return self._evaluate()

    @api.model
    def _queue_evaluation(self, products):
        """Evaluate these products once, just before the transaction commits."""
        product_ids = set(products.filtered("is_storable").ids)
        if not product_ids:
            return
        data = self.env.cr.precommit.data
        if PRECOMMIT_KEY not in data:
            data[PRECOMMIT_KEY] = set()
            self.env.cr.precommit.add(self._flush_queued_evaluation)
        data[PRECOMMIT_KEY] |= product_ids

    def _flush_queued_evaluation(self):
        product_ids = self.env.cr.precommit.data.pop(PRECOMMIT_KEY, set())
        if product_ids:
            return self.sudo()._evaluate(product_ids=list(product_ids))
        return {}

    @api.model
    def _evaluate(self, product_ids=None, warehouses=None):
        """Raise, update and resolve alerts, set-based: one query for the quantities of every
        (product, warehouse), one for the open alerts, bulk creates and writes."""
        # queued evaluations (changed thresholds, moves) first: the savepoint of the creation
        # below would run them half-way, raising the alerts this one is about to create
        queued = self._flush_queued_evaluation() if self.env.cr.precommit.data.get(PRECOMMIT_KEY) else {}
        warehouses = warehouses or self.env["stock.warehouse"].sudo().search([])  # pylint: disable=no-search-all
        rows = self._quantities(warehouses, product_ids)
        self.flush_model()
        open_alerts = self.search(
            [("state", "!=", "resolved"), ("warehouse_id", "in", warehouses.ids)]
            + ([("product_id", "in", list(product_ids))] if product_ids is not None else [])
        )
        by_key = {(a.product_id.id, a.warehouse_id.id): a for a in open_alerts}
        breaches = {(r[0], r[1]): r for r in inventory.breaches(rows)}
        demand = self._average_daily_demand([k[0] for k in breaches], warehouses) if breaches else {}
        now = fields.Datetime.now()
        to_create = []
        changed = self.browse()
        for key, (product_id, warehouse_id, free, forecast, threshold) in breaches.items():
            cover = inventory.days_of_cover(free, demand.get(key, 0.0))
            values = {
                "free_qty": free,
                "forecast_qty": forecast,
                "threshold": threshold,
                "severity": inventory.severity(free, forecast, threshold),
                "days_of_cover": cover if cover is not None else 0.0,
                "has_demand": cover is not None,
            }
            alert = by_key.get(key)
            if alert:
                # Keep the figures current, not only the severity: a list showing yesterday's free
                # quantity misleads. Written only when something changed.
                if any(
                    alert[fname] != value if isinstance(value, str | bool) else round(alert[fname] - value, 4)
                    for fname, value in values.items()
                ):
                    alert.write(values)
                    changed |= alert
            else:
                to_create.append(dict(values, product_id=product_id, warehouse_id=warehouse_id, date_detected=now))
        recovered = open_alerts.filtered(lambda a: (a.product_id.id, a.warehouse_id.id) not in breaches)
        recovered.write({"state": "resolved", "date_resolved": now})
        recovered.activity_unlink(["sales_mgmt_core.mail_activity_type_stock_alert"])
        changed._sm_refresh_activities()
        created = self._create_new_alerts(to_create)
        return {
            "created": len(created) + queued.get("created", 0),
            "resolved": len(recovered) + queued.get("resolved", 0),
            "open": len(breaches),
        }

    def _create_new_alerts(self, vals_list):
        """Create alerts; a concurrent transaction may have raised the same one: skip those."""
        if not vals_list:
            return self.browse()
        warehouses = self.env["stock.warehouse"].browse({v["warehouse_id"] for v in vals_list})
        responsible = {}  # (company, product) -> user; one batch read per company
        for company in warehouses.company_id:
            products = self.env["product.product"].with_company(company).browse({v["product_id"] for v in vals_list})
            fallback = company._sm_purchase_contact().id
            for product in products:
                responsible[company.id, product.id] = product.responsible_id.id or fallback
        company_of = {w.id: w.company_id.id for w in warehouses}
        for vals in vals_list:
            vals["user_id"] = responsible.get((company_of[vals["warehouse_id"]], vals["product_id"])) or False
        try:
            with self.env.cr.savepoint():
                alerts = self.with_context(mail_create_nolog=True, tracking_disable=True).create(vals_list)
        except Exception:
            alerts = self.browse()
            for vals in vals_list:
                try:
                    with self.env.cr.savepoint():
                        alerts |= self.with_context(mail_create_nolog=True, tracking_disable=True).create(vals)
                except Exception:
                    _logger.info("Stock alert for %s already raised concurrently", vals)
        alerts._sm_schedule_activities()
        return alerts

    # ------------------------------------------------------------------ activities
    def _sm_activity_summary(self, lang):
        """The activity text of this alert in ``lang`` (its assignee's): product and unit names
        in that language, quantities formatted as that language writes them, with the unit."""
        self.ensure_one()
        alert = self.with_context(lang=lang)
        env = alert.env
        unit = alert.uom_id.name or ""

        def qty(value):
            return f"{formatLang(env, value, dp='Product Unit')} {unit}".strip()

        return env._(
            "%(product)s below safety stock in %(warehouse)s: %(free)s free, %(threshold)s needed",
            product=alert.product_id.display_name,
            warehouse=alert.warehouse_id.name,
            free=qty(alert.free_qty),
            threshold=qty(alert.threshold),
        )

    def _sm_schedule_activities(self):
        """An activity for the purchase responsible of each alert, written in the responsible's
        language (a cron writes as en_US): one create per language."""
        activity_type = self.env.ref("sales_mgmt_core.mail_activity_type_stock_alert")
        model_id = self.env["ir.model"]._get_id(self._name)
        with_user = self.filtered("user_id")
        for lang, alerts in with_user.grouped(lambda a: a.user_id.lang or self.env.lang or "en_US").items():
            # created in that language too: the activity's document name and its e-mail follow it
            self.env["mail.activity"].sudo().with_context(lang=lang).create(
                [
                    {
                        "res_model_id": model_id,
                        "res_id": alert.id,
                        "activity_type_id": activity_type.id,
                        "automated": True,
                        "user_id": alert.user_id.id,
                        "summary": alert._sm_activity_summary(lang),
                    }
                    for alert in alerts
                ]
            )

    def _sm_refresh_activities(self):
        """Re-evaluated figures changed: the open activities say the current ones."""
        activity_type = self.env.ref("sales_mgmt_core.mail_activity_type_stock_alert")
        activities = (
            self.env["mail.activity"]
            .sudo()
            .search(
                [
                    ("res_model", "=", self._name),
                    ("res_id", "in", self.ids),
                    ("activity_type_id", "=", activity_type.id),
                ]
            )
        )
        alerts = {alert.id: alert for alert in self}
        for activity in activities:
            lang = activity.user_id.lang or self.env.lang or "en_US"
            summary = alerts[activity.res_id]._sm_activity_summary(lang)
            if activity.summary != summary:
                activity.summary = summary

    def _quantities(self, warehouses, product_ids=None):
        """(product, warehouse, free, forecast, threshold) of every storable active product
        with a safety stock (its own or its category's), in one query."""
        self.env.flush_all()
        product_filter = SQL("AND pp.id = ANY(%s)", list(product_ids)) if product_ids is not None else SQL()
        query = SQL(
            """
            WITH thresholds AS (
                SELECT pp.id AS product_id, wh.id AS warehouse_id,
                       COALESCE(ss.safety_qty, pc.sm_safety_stock_default, 0) AS threshold
                  FROM product_product pp
                  JOIN product_template pt ON pt.id = pp.product_tmpl_id
                  LEFT JOIN product_category pc ON pc.id = pt.categ_id
                  JOIN stock_warehouse wh ON wh.id = ANY(%(warehouses)s)
                  LEFT JOIN sales_safety_stock ss ON ss.product_id = pp.id AND ss.warehouse_id = wh.id
                 WHERE pt.is_storable AND pp.active AND pt.active
                   AND (pt.company_id IS NULL OR pt.company_id = wh.company_id)
                   %(product_filter)s
            ), relevant AS (
                SELECT * FROM thresholds WHERE threshold > 0
            ), onhand AS (
                SELECT q.product_id, loc.warehouse_id,
                       SUM(q.quantity) AS quantity, SUM(q.reserved_quantity) AS reserved
                  FROM stock_quant q
                  JOIN stock_location loc ON loc.id = q.location_id
                 WHERE loc.usage = 'internal' AND loc.warehouse_id = ANY(%(warehouses)s)
                   AND q.product_id IN (SELECT product_id FROM relevant)
                 GROUP BY q.product_id, loc.warehouse_id
            ), moves AS (
                -- One scan of the pending moves: each counts + in the warehouse it enters and
                -- - in the one it leaves (moves inside one warehouse change neither).
                SELECT m.product_id, side.warehouse_id, SUM(side.qty) AS qty
                  FROM stock_move m
                  JOIN stock_location src ON src.id = m.location_id
                  JOIN stock_location dst ON dst.id = m.location_dest_id
                 CROSS JOIN LATERAL (VALUES
                       (CASE WHEN dst.usage = 'internal' THEN dst.warehouse_id END, m.product_qty),
                       (CASE WHEN src.usage = 'internal' THEN src.warehouse_id END, -m.product_qty)
                 ) AS side(warehouse_id, qty)
                 WHERE m.state IN ('confirmed', 'waiting', 'assigned', 'partially_available')
                   AND src.warehouse_id IS DISTINCT FROM dst.warehouse_id
                   AND side.warehouse_id = ANY(%(warehouses)s)
                   AND m.product_id IN (SELECT product_id FROM relevant)
                 GROUP BY m.product_id, side.warehouse_id
            )
            SELECT r.product_id, r.warehouse_id,
                   COALESCE(o.quantity, 0) - COALESCE(o.reserved, 0),
                   COALESCE(o.quantity, 0) + COALESCE(mv.qty, 0),
                   r.threshold
              FROM relevant r
              LEFT JOIN onhand o ON o.product_id = r.product_id AND o.warehouse_id = r.warehouse_id
              LEFT JOIN moves mv ON mv.product_id = r.product_id AND mv.warehouse_id = r.warehouse_id
            """,
            warehouses=warehouses.ids,
            product_filter=product_filter,
        )
        return [
            (p, w, float(free), float(forecast), float(t)) for p, w, free, forecast, t in self.env.execute_query(query)
        ]

    def _demand_series(self, product_ids, warehouses, date_from, days):
        """{(product, warehouse): {day index: qty}} of done outgoing moves (to customers)."""
        self.env["stock.move"].flush_model(["state", "date", "product_qty", "location_id", "location_dest_id"])
        rows = self.env.execute_query(
            SQL(
                """
            SELECT m.product_id, src.warehouse_id, (m.date::date - %(start)s::date) AS day, SUM(m.product_qty)
              FROM stock_move m
              JOIN stock_location src ON src.id = m.location_id
              JOIN stock_location dst ON dst.id = m.location_dest_id
             WHERE m.state = 'done' AND dst.usage = 'customer' AND src.warehouse_id = ANY(%(warehouses)s)
               AND m.product_id = ANY(%(products)s)
               AND m.date >= %(start)s AND m.date < %(end)s
             GROUP BY 1, 2, 3
            """,
                start=date_from,
                end=date_from + timedelta(days=days),
                warehouses=warehouses.ids,
                products=list(product_ids),
            )
        )
        series = {}
        for product_id, warehouse_id, day, qty in rows:
            series.setdefault((product_id, warehouse_id), {})[day] = float(qty)
        return series

    def _average_daily_demand(self, product_ids, warehouses):
        days = self.env.company.sm_demand_window_days or 90
        start = fields.Date.context_today(self) - timedelta(days=days)
        series = self._demand_series(product_ids, warehouses, start, days)
        return {key: sum(values.values()) / days for key, values in series.items()}

    @api.model
    def _compute_suggestions(self, safety_stocks):
        """Demand-based suggestion for each safety stock record, grouped by window."""
        today = fields.Date.context_today(self)
        for seasonal in (False, True):
            records = safety_stocks.filtered(lambda r, s=seasonal: r.seasonal == s)
            if not records:
                continue
            for company in records.company_id:
                company_records = records.filtered(lambda r, c=company: r.company_id == c)
                days = company.sm_demand_window_days or 90
                start = today - timedelta(days=days)
                if seasonal:  # the same window last year, shifted forward to the coming days
                    start = today - timedelta(days=365)
                series = self._demand_series(company_records.product_id.ids, company_records.warehouse_id, start, days)
                for record in company_records:
                    daily = inventory.daily_series(series.get((record.product_id.id, record.warehouse_id.id), {}), days)
                    suggestion, mean, sigma = inventory.suggested_safety_stock(
                        daily, record.service_level, record.lead_time_days
                    )
                    record.write(
                        {
                            "suggested_qty": suggestion,
                            "has_demand_history": any(daily),
                            "average_daily_demand": mean,
                            "demand_std_dev": sigma,
                            "suggestion_date": fields.Datetime.now(),
                        }
                    )
