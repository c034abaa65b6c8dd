import base64

from dateutil.relativedelta import relativedelta

from odoo import Command, api, fields, models

from ..tools.kpi import FIGURES, RATIOS


class SalesKpiWizard(models.TransientModel):
    _name = "sales.kpi.wizard"
    _description = "Sales KPIs"

    date_from = fields.Date(required=True, default=lambda self: fields.Date.context_today(self).replace(day=1))
    date_to = fields.Date(
        required=True,
        default=lambda self: fields.Date.context_today(self).replace(day=1) + relativedelta(months=1, days=-1),
    )
    group_by = fields.Selection(
        [("none", "Total"), ("channel", "Channel"), ("team", "Sales Team"), ("user", "Salesperson")],
        required=True,
        default="channel",
    )
    line_ids = fields.One2many("sales.kpi.line", "wizard_id", readonly=True)
    xlsx_file = fields.Binary("Workbook", readonly=True, attachment=False)
    xlsx_name = fields.Char(readonly=True)

    @api.onchange("date_from", "date_to", "group_by")
    def _onchange_period(self):
        self.line_ids = [Command.clear()]

    def action_compute(self):
        self.ensure_one()
        rows = self.env["sales.kpi"].get_kpis(str(self.date_from), str(self.date_to), self.group_by)
        self.line_ids = [Command.clear()] + [Command.create(self._prepare_line(row)) for row in rows]
        return self._reopen()

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

    def _prepare_line(self, row):
        vals = {"name": row["name"]}
        for name in (*FIGURES, *(r[0] for r in RATIOS)):
            if name in self.env["sales.kpi.line"]._fields:
                vals[name] = row.get(name) or 0.0
        return vals

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

    wizard_id = fields.Many2one("sales.kpi.wizard", required=True, ondelete="cascade")
    name = fields.Char("Group")
    orders = fields.Float(digits=(16, 0))
    revenue = fields.Float(digits=(16, 2))
    average_order_value = fields.Float("Avg. Order Value", digits=(16, 2))
    quotation_conversion = fields.Float("Quote → Order %", digits=(16, 2))
    lead_conversion = fields.Float("Lead → Won %", digits=(16, 2))
    deal_cycle_days = fields.Float("Deal Cycle (days)", digits=(16, 1))
    quote_cycle_days = fields.Float("Quote Cycle (days)", digits=(16, 1))
    customers_new = fields.Float("New Customers", digits=(16, 0))
    customers_returning = fields.Float("Returning Customers", digits=(16, 0))
    repeat_purchase_rate = fields.Float("Repeat Purchase %", digits=(16, 2))
    target_attainment = fields.Float("Target Attainment %", digits=(16, 2))
    complaint_rate = fields.Float("Complaint Rate %", digits=(16, 2))
