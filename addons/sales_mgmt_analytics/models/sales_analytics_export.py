import io
from collections import namedtuple

from odoo import api, models
from odoo.tools import SQL, LazyTranslate

from ..tools import xlsx_export
from ..tools.xlsx_export import Column, Sheet

_lt = LazyTranslate(__name__)
FETCH_SIZE = 5000
# A named constructor, not bare tuples: Odoo's term extractor would take the field name of a
# tuple that follows a _lt() call for a term.
_Col = namedtuple("_Col", "field title kind")
RAW_COLUMNS = (
    _Col("date", _lt("Order Date"), "datetime"),
    _Col("order_id", _lt("Order"), "text"),
    _Col("partner_id", _lt("Customer"), "text"),
    _Col("product_id", _lt("Product"), "text"),
    # The channel's name, "Direct" for orders without a channel (as in the analysis and dashboards).
    _Col("channel_name", _lt("Channel"), "text"),
    _Col("product_uom_qty", _lt("Quantity"), "float"),
    _Col("price_subtotal", _lt("Untaxed Revenue"), "money"),
    _Col("margin", _lt("Margin"), "money"),
)
KPI_COLUMNS = (
    _Col("name", _lt("Group"), "text"),
    _Col("orders", _lt("Orders"), "int"),
    _Col("revenue", _lt("Revenue"), "money"),
    _Col("average_order_value", _lt("Average Order Value"), "money"),
    _Col("quotation_conversion", _lt("Quotation Conversion %"), "percent"),
    _Col("lead_conversion", _lt("Lead Conversion %"), "percent"),
    _Col("deal_cycle_days", _lt("Deal Cycle (days)"), "float"),
    _Col("quote_cycle_days", _lt("Quotation Cycle (days)"), "float"),
    _Col("customers_new", _lt("New Customers"), "int"),
    _Col("customers_returning", _lt("Returning Customers"), "int"),
    _Col("repeat_purchase_rate", _lt("Repeat Purchase %"), "percent"),
    _Col("target_attainment", _lt("Target Attainment %"), "percent"),
    _Col("complaint_rate", _lt("Complaint Rate %"), "percent"),
)


class SalesAnalyticsExport(models.AbstractModel):
    """Builds the analysis workbook (summary with charts, KPI and monthly tables, raw rows)
    as the current user: record rules decide what each recipient sees."""

    _name = "sales.analytics.export"
    _description = "Sales Analysis XLSX Export"

    @api.model
    def build_workbook(self, date_from, date_to, domain=None, group_by="channel"):
        """XLSX bytes for the period and the analysis ``domain``; returns (bytes, row counts)."""
        Kpi = self.env["sales.kpi"]
        date_from, date_to = Kpi._check_period(date_from, date_to)
        start, end = Kpi._utc_bounds(date_from, date_to)
        kpis = Kpi.get_kpis(str(date_from), str(date_to), group_by)
        total = Kpi.get_kpis(str(date_from), str(date_to), "none")
        total = total[0] if total else {}
        domain = [*(domain or []), ("date", ">=", start), ("date", "<", end)]
        currency = self.env.company.currency_id
        money = self._money_format(currency)
        summary = (
            self.env._("Sales %(start)s - %(end)s", start=date_from, end=date_to),
            [
                (self.env._("Orders"), total.get("orders", 0), "int"),
                (self.env._("Untaxed revenue"), total.get("revenue", 0.0), "money"),
                (self.env._("Average order value"), total.get("average_order_value"), "money"),
                (self.env._("New customers"), total.get("customers_new", 0), "int"),
                (self.env._("Returning customers"), total.get("customers_returning", 0), "int"),
                (self.env._("Quotation conversion %"), total.get("quotation_conversion"), "percent"),
                (self.env._("Complaint rate %"), total.get("complaint_rate"), "percent"),
            ],
        )
        sheets = [
            Sheet(
                self._kpi_sheet_name(group_by),
                [Column(self.env._(title), kind, 18) for _f, title, kind in KPI_COLUMNS],
                ([row.get(f) for f, _t, _k in KPI_COLUMNS] for row in kpis),
                chart={"type": "pie", "category": 0, "values": [2], "title": self.env._("Revenue")},
            ),
            Sheet(
                self.env._("By Month"),
                [
                    Column(self.env._("Month"), "date", 12),
                    Column(self.env._("Orders"), "int"),
                    Column(self.env._("Untaxed Revenue"), "money", 18),
                    Column(self.env._("Margin"), "money", 18),
                    Column(self.env._("Net Revenue"), "money", 18),
                ],
                self._monthly_rows(domain),
                chart={"type": "line", "category": 0, "values": [2, 4], "title": self.env._("Revenue by month")},
            ),
            Sheet(
                self.env._("Lines"),
                [Column(self.env._(title), kind, 16) for _f, title, kind in RAW_COLUMNS],
                self._raw_rows(domain),
            ),
        ]
        stream = io.BytesIO()
        counts = xlsx_export.write_workbook(
            stream, summary, sheets, currency_format=money, summary_name=self.env._("Summary")
        )
        return stream.getvalue(), counts

    @api.model
    def _kpi_sheet_name(self, group_by):
        """Name of the KPI sheet in the user's language ("KPIs by channel"), never a raw key."""
        if group_by == "none":
            return self.env._("KPIs")
        label = dict(self.env["sales.kpi.wizard"]._fields["group_by"]._description_selection(self.env))[group_by]
        return self.env._("KPIs by %s", label.lower())

    @api.model
    def _money_format(self, currency):
        symbol = (currency.symbol or currency.name).replace('"', "")
        if currency.position == "before":
            return f'"{symbol}" #,##0.00'
        return f'#,##0.00 "{symbol}"'

    def _monthly_rows(self, domain):
        Report = self.env["sales.analysis.report"]
        groups = Report._read_group(
            domain,
            ["date:month"],
            ["order_count:count_distinct", "price_subtotal:sum", "margin:sum", "net_revenue:sum"],
            order="date:month",
        )
        for month, orders, revenue, margin, net in groups:
            yield (month.date() if hasattr(month, "date") else month, orders, revenue, margin, net)

    # High-cardinality models whose plain name column is what the export shows (one query per batch,
    # no ORM display-name computation).
    SQL_NAMES = {"res.partner": "res_partner", "sale.order": "sale_order"}

    def _names(self, model, ids):
        """{id: name} of ``ids`` for the export."""
        table = self.SQL_NAMES.get(model)
        if table:
            self.env.cr.execute(
                SQL("SELECT id, COALESCE(name, '') FROM %s WHERE id = ANY(%s)", SQL.identifier(table), list(ids))
            )
            return dict(self.env.cr.fetchall())
        return {rec.id: rec.display_name for rec in self.env[model].sudo().browse(ids)}

    def _raw_rows(self, domain):
        """Stream the analysis rows (record rules applied) with names, FETCH_SIZE rows at a time."""
        Report = self.env["sales.analysis.report"]
        query = Report._search(domain, order="date, id")
        fields_ = [f for f, _t, _k in RAW_COLUMNS]
        query_sql = query.select(*(Report._field_to_sql(Report._table, f, query) for f in fields_))
        m2o = {
            index: (Report._fields[f].comodel_name, {})
            for index, f in enumerate(fields_)
            if Report._fields[f].type == "many2one"
        }
        self.env.flush_all()
        # A server-side cursor is planned for its first rows by default (nested loops in date
        # order); every row is read here, so plan for the whole result.
        self.env.cr.execute("SET LOCAL cursor_tuple_fraction = 1.0")
        cursor = self.env.cr._cnx.cursor(name="sm_xlsx_export")  # server-side: rows arrive in batches
        try:
            cursor.itersize = FETCH_SIZE
            cursor.execute(query_sql.code, query_sql.params)
            while True:
                batch = cursor.fetchmany(FETCH_SIZE)
                if not batch:
                    break
                rows = [list(row) for row in batch]
                for index, (model, names) in m2o.items():
                    missing = {row[index] for row in rows if row[index] and row[index] not in names}
                    if missing:
                        names.update(self._names(model, missing))
                    for row in rows:
                        if row[index]:
                            row[index] = names.get(row[index], "")
                yield from rows
                self.env.invalidate_all()
        finally:
            cursor.close()
