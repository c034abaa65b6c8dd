import base64

from dateutil.relativedelta import relativedelta
from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.tools import format_date, formatLang

from ..tools.kpi import FIGURES, RATIOS

# KPIs shown as percentages: tools.kpi gives 0-100, the list's percentage widget wants 0-1.
PERCENT_KPIS = frozenset(
    {"quotation_conversion", "lead_conversion", "repeat_purchase_rate", "target_attainment", "complaint_rate"}
)


# Figures without a channel dimension (see _prepare_line).
CHANNEL_LESS_FIGURES = (
    "leads_won",
    "leads_closed",
    "lead_conversion",
    "deal_cycle_days",
    "target_revenue",
    "target_attainment",
)


class SalesKpiWizard(models.TransientModel):
    """The Sales KPIs screen: figures of the period (the current month at first) at once, one line
    per group and a totals line computed from the sums (never by adding ratios), a revenue chart."""

    _name = "sales.kpi.wizard"
    _description = "Sales KPIs"

    date_from = fields.Date("From", required=True, default=lambda self: fields.Date.context_today(self).replace(day=1))
    date_to = fields.Date(
        "To",
        required=True,
        default=lambda self: fields.Date.context_today(self).replace(day=1) + relativedelta(months=1, days=-1),
    )
    group_by = fields.Selection(
        [("none", "Total"), ("channel", "Channel"), ("team", "Sales Team"), ("user", "Salesperson")],
        required=True,
        default="channel",
    )
    currency_id = fields.Many2one("res.currency", readonly=True, default=lambda self: self.env.company.currency_id)
    line_ids = fields.One2many("sales.kpi.line", "wizard_id", "KPIs", readonly=True)
    chart_html = fields.Html("Revenue Chart", compute="_compute_chart_html", sanitize=False)
    xlsx_file = fields.Binary("Workbook", readonly=True, attachment=False)
    xlsx_name = fields.Char(readonly=True)

    @api.depends("date_from", "date_to")
    def _compute_display_name(self):
        for wizard in self:
            if wizard.date_from and wizard.date_to:
                wizard.display_name = self.env._(
                    "Sales KPIs %(start)s - %(end)s",
                    start=format_date(self.env, wizard.date_from),
                    end=format_date(self.env, wizard.date_to),
                )
            else:
                wizard.display_name = self.env._("Sales KPIs")

    @api.depends("line_ids.revenue", "line_ids.name", "line_ids.is_total")
    def _compute_chart_html(self):
        for wizard in self:
            wizard.chart_html = wizard._render_chart()

    @api.onchange("date_from", "date_to", "group_by")
    def _onchange_period(self):
        """Figures at once: the lines follow the period and grouping (no button to press)."""
        if self.date_from and self.date_to and self.group_by and self.date_from <= self.date_to:
            self.line_ids = [Command.clear(), *(Command.create(vals) for vals in self._lines_values())]
        else:
            self.line_ids = [Command.clear()]

    @api.model_create_multi
    def create(self, vals_list):
        wizards = super().create(vals_list)
        # The lines are read-only on the screen, so saving does not send them: compute them here.
        wizards.filtered(lambda w: not w.line_ids).action_compute()
        return wizards

    def action_compute(self):
        for wizard in self:
            wizard.line_ids = [Command.clear(), *(Command.create(vals) for vals in wizard._lines_values())]
        return self._reopen() if len(self) == 1 else True

    def action_export_xlsx(self):
        self.ensure_one()
        content, _counts = self.env["sales.analytics.export"].build_workbook(
            str(self.date_from), str(self.date_to), [], self.group_by
        )
        self.write({"xlsx_file": base64.b64encode(content), "xlsx_name": f"sales_{self.date_from}_{self.date_to}.xlsx"})
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{self._name}/{self.id}/xlsx_file/{self.xlsx_name}?download=true",
            "target": "self",
        }

    def _lines_values(self):
        """Values of the lines: one per group, by revenue, then the totals line."""
        self.ensure_one()
        Kpi = self.env["sales.kpi"]
        period = (str(self.date_from), str(self.date_to))
        totals = Kpi.get_kpis(*period, "none")
        total = self._prepare_line(totals[0] if totals else {}, is_total=True)
        total["name"] = self.env._("Total")
        if self.group_by == "none":
            return [total]
        rows = sorted(Kpi.get_kpis(*period, self.group_by), key=lambda r: (-(r.get("revenue") or 0), r["name"]))
        lines = [self._prepare_line(row, sequence=index) for index, row in enumerate(rows)]
        # A group with nothing to show (e.g. only complaints without an order, or, by channel, only
        # opportunities) is not listed: an empty line. The totals line still counts its figures.
        return [line for line in lines if self._has_figures(line)] + [total]

    @api.model
    def _has_figures(self, vals):
        return any(value for name, value in vals.items() if name not in ("name", "sequence", "is_total"))

    def _prepare_line(self, row, sequence=0, is_total=False):
        vals = {"name": row.get("name"), "sequence": 10000 if is_total else sequence, "is_total": is_total}
        for name in (*FIGURES, *(r[0] for r in RATIOS)):
            if name in self.env["sales.kpi.line"]._fields:
                value = row.get(name) or 0.0
                vals[name] = value / 100.0 if name in PERCENT_KPIS else value
        if self.group_by == "channel" and not is_total:
            # Opportunities and targets have no channel: their figures are in the totals line only
            # (the screen leaves a ratio blank when it has nothing to divide by).
            vals.update(dict.fromkeys(CHANNEL_LESS_FIGURES, 0.0))
        return vals

    def _render_chart(self):
        """Revenue by group as horizontal bars (HTML: readable on a phone as on a desktop)."""
        self.ensure_one()
        lines = self.line_ids.filtered(lambda line: not line.is_total)
        if not lines:
            return Markup('<p class="text-muted mb-0">%s</p>') % self.env._("No confirmed orders in this period.")
        top = max(*lines.mapped("revenue"), 0.0) or 1.0
        title = dict(self._fields["group_by"]._description_selection(self.env)).get(self.group_by)
        rows = Markup("").join(
            Markup(
                '<div class="d-flex align-items-center gap-2 mb-1">'
                '<div class="text-truncate" style="width: 30%%; min-width: 6rem;" title="%(name)s">%(name)s</div>'
                '<div class="flex-grow-1"><div class="progress" style="height: 0.9rem;">'
                '<div class="progress-bar" role="progressbar" style="width: %(width)s%%;"></div></div></div>'
                '<div class="text-end text-nowrap" style="min-width: 7rem;">%(amount)s</div></div>'
            )
            % {
                "name": line.name,
                "width": round(100.0 * max(line.revenue, 0.0) / top, 1),
                "amount": formatLang(self.env, line.revenue, currency_obj=self.currency_id),
            }
            for line in lines
        )
        heading = self.env._("Revenue by %s", title.lower() if title else "")
        return Markup('<div class="o_sm_kpi_chart"><h5>%s</h5>%s</div>') % (heading, rows)

    def _reopen(self):
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "current",
        }


class SalesKpiLine(models.TransientModel):
    _name = "sales.kpi.line"
    _description = "Sales KPI Line"
    _order = "sequence, id"

    wizard_id = fields.Many2one("sales.kpi.wizard", required=True, ondelete="cascade")
    sequence = fields.Integer()
    is_total = fields.Boolean("Totals Line")
    currency_id = fields.Many2one(related="wizard_id.currency_id")
    name = fields.Char("Group")
    # Denominators of the ratios: a ratio with nothing to divide by is left blank on screen.
    quotations = fields.Float(digits=(16, 0))
    leads_closed = fields.Float("Closed Opportunities", digits=(16, 0))
    leads_won = fields.Float("Won Opportunities", digits=(16, 0))
    customers = fields.Float(digits=(16, 0))
    target_revenue = fields.Monetary()
    orders = fields.Float(digits=(16, 0))
    revenue = fields.Monetary()
    average_order_value = fields.Monetary("Avg. Order")
    quotation_conversion = fields.Float("Quote → Order", help="Quotations created in the period now confirmed.")
    lead_conversion = fields.Float("Lead → Won", help="Opportunities won / won + lost, closed in the period.")
    deal_cycle_days = fields.Float("Deal Cycle (days)", digits=(16, 1))
    quote_cycle_days = fields.Float("Quote Cycle (days)", digits=(16, 1))
    customers_new = fields.Float("New Cust.", digits=(16, 0), help="Customers ordering for the first time.")
    customers_returning = fields.Float("Returning Cust.", digits=(16, 0))
    repeat_purchase_rate = fields.Float("Repeat", help="Customers with two or more orders in the period.")
    target_attainment = fields.Float("Target", help="Actual / target revenue of the period's targets.")
    complaint_rate = fields.Float("Complaints", help="Complaints opened in the period / orders.")
