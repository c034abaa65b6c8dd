from dateutil.relativedelta import relativedelta

from odoo import Command, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import format_date

from ..tools import trend


class SalesTrendWizard(models.TransientModel):
    _name = "sales.trend.wizard"
    _description = "Sales Trends"

    months = fields.Integer("History (months)", default=24, required=True)
    forecast_months = fields.Integer("Forecast (months)", default=3, required=True)
    window = fields.Integer("Moving Average Window", default=3, required=True)
    categ_ids = fields.Many2many("product.category", string="Categories", help="Empty: every category.")
    line_ids = fields.One2many("sales.trend.line", "wizard_id", readonly=True)

    def _compute_display_name(self):
        for wizard in self:
            wizard.display_name = self.env._("Sales Trends")

    @api.constrains("months", "forecast_months", "window")
    def _check_sizes(self):
        for wizard in self:
            if not (1 <= wizard.months <= 120 and 0 <= wizard.forecast_months <= 24 and 1 <= wizard.window <= 24):
                raise ValidationError(self.env._("History 1-120 months, forecast 0-24 months, window 1-24 months."))

    def action_compute(self):
        self.ensure_one()
        first = fields.Date.context_today(self).replace(day=1) - relativedelta(months=self.months - 1)
        months = [first + relativedelta(months=i) for i in range(self.months)]
        domain = [("date", ">=", first)]
        if self.categ_ids:
            domain.append(("categ_id", "child_of", self.categ_ids.ids))
        series = {}
        for categ, month, revenue in self.env["sales.analysis.report"]._read_group(
            domain, ["categ_id", "date:month"], ["price_subtotal:sum"]
        ):
            series.setdefault(categ, {})[month.date().replace(day=1)] = revenue
        lines = []
        no_category = self.env._("No category")
        for categ, by_month in series.items():
            values = [by_month.get(m, 0.0) for m in months]
            averages = trend.moving_average(values, self.window)
            group = {"categ_id": categ.id, "group_name": categ.display_name or no_category}
            for month, value, average in zip(months, values, averages, strict=True):
                lines.append(Command.create({**group, "month": month, "revenue": value, "moving_average": average}))
            # The group's history starts with its first sale: the months before are not zeros to
            # project (a category sold for two months has no sales one season earlier).
            start = next((i for i, value in enumerate(values) if value), len(values))
            for i, value in enumerate(trend.seasonal_forecast(values[start:], self.forecast_months)):
                lines.append(
                    Command.create(
                        {
                            **group,
                            "month": months[-1] + relativedelta(months=i + 1),
                            "forecast": value,
                            "is_forecast": True,
                        }
                    )
                )
        self.line_ids = [Command.clear(), *lines]
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Trends"),
            "res_model": "sales.trend.line",
            "view_mode": "graph,list,kanban",
            "domain": [("wizard_id", "=", self.id)],
            # Actual and forecast as two series of stacked bars (their sum drawn as a line over
            # them): the forecast stands apart and no line drops to 0 where the other kind starts.
            "context": {"graph_groupbys": ["month:month", "kind"], "graph_mode": "bar", "graph_stacked": True},
        }


class SalesTrendLine(models.TransientModel):
    _name = "sales.trend.line"
    _description = "Sales Trend Line"
    _order = "categ_id, month"

    wizard_id = fields.Many2one("sales.trend.wizard", required=True, ondelete="cascade")
    categ_id = fields.Many2one("product.category", "Product Category")
    group_name = fields.Char("Category", help='The product category, or "No category".')
    month = fields.Date()
    currency_id = fields.Many2one("res.currency", default=lambda self: self.env.company.currency_id)
    revenue = fields.Monetary()
    moving_average = fields.Monetary()
    forecast = fields.Monetary()
    revenue_or_forecast = fields.Monetary(
        "Revenue / Forecast",
        compute="_compute_revenue_or_forecast",
        store=True,
        help="The revenue of past months, the forecast of the months to come: one line on the chart.",
    )
    is_forecast = fields.Boolean("Forecast Period")
    kind = fields.Selection(
        [("actual", "Actual"), ("forecast", "Forecast")],
        "Type",
        compute="_compute_kind",
        store=True,
        help="Actual: revenue of a past month; Forecast: projection of a month to come.",
    )

    @api.depends("revenue", "forecast", "is_forecast")
    def _compute_revenue_or_forecast(self):
        for line in self:
            line.revenue_or_forecast = line.forecast if line.is_forecast else line.revenue

    @api.depends("is_forecast")
    def _compute_kind(self):
        for line in self:
            line.kind = "forecast" if line.is_forecast else "actual"

    @api.depends("categ_id", "month")
    def _compute_display_name(self):
        for line in self:
            month = format_date(self.env, line.month, date_format="MMM y") if line.month else ""
            line.display_name = " · ".join(filter(None, (line.group_name, month)))
