import base64
import io
import json
import re

import openpyxl
from lxml import etree

from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from odoo.addons.sales_mgmt_core.tools.segmentation import SEGMENTS

from .common import NOV_FROM, NOV_TO, AnalyticsCommon


@tagged("post_install", "-at_install")
class TestReadableFigures(AnalyticsCommon):
    """Labels in the user's language instead of raw keys, and figures that do not mislead."""

    def _activate_zh(self):
        self.env["res.lang"]._activate_lang("zh_CN")

    def _translate_selection(self, model, field, value, label):
        selection = self.env["ir.model.fields.selection"].search(
            [("field_id.model", "=", model), ("field_id.name", "=", field), ("value", "=", value)]
        )
        self.assertEqual(len(selection), 1, f"{model}.{field} has a stored (translatable) selection")
        selection.with_context(lang="zh_CN").name = label
        self.env.registry.clear_cache()

    def test_segment_labels_are_translated_selections(self):
        """RFM segment migration and Sales Analysis show the segments' labels in the user's language."""
        self._activate_zh()
        for model, user in (("sales.rfm.snapshot", self.manager), ("sales.analysis.report", self.sam)):
            field = self.env[model]._fields["rfm_segment"]
            self.assertEqual(field.type, "selection", model)
            self.assertEqual([key for key, _label in field.selection], [key for key, _label in SEGMENTS], model)
            self._translate_selection(model, "rfm_segment", "champions", "冠军客户")
            described = self.env[model].with_user(user).with_context(lang="zh_CN").fields_get(["rfm_segment"])
            self.assertIn(["champions", "冠军客户"], [list(s) for s in described["rfm_segment"]["selection"]])

    def test_kpi_grouping_error_names_the_choices(self):
        with self.assertRaises(UserError) as error:
            self.env["sales.kpi"].with_user(self.sam).get_kpis(NOV_FROM, NOV_TO, "country")
        message = str(error.exception)
        for label in ("Total", "Channel", "Sales Team", "Salesperson"):
            self.assertIn(label, message)

    def test_quotation_cycle_is_never_negative(self):
        """An order dated (by hand or an import) before it was created counts 0 days, never less."""
        self._order(self.x, [(self.p2, 1, 50)], "2026-11-05 00:00", created="2026-11-10 00:00")
        with Form(self.env["sales.kpi.wizard"].with_user(self.sam)) as form:
            form.date_from, form.date_to, form.group_by = NOV_FROM, NOV_TO, "none"
            total = form.line_ids._records[-1]
        # Created 10 Nov, confirmed 12, 15 and 20 Nov (2 + 5 + 10 days), and the imported order (0).
        self.assertEqual(total["orders"], 4)
        self.assertEqual(total["quote_cycle_days"], 4.3, "17 / 4 days, one decimal on screen")
        (row,) = self.env["sales.kpi"].with_user(self.sam).get_kpis(NOV_FROM, NOV_TO, "none")
        self.assertEqual(row["quote_cycle_days"], 4.25)
        kpis = self.env["sales.kpi"].with_user(self.sam).get_kpis(NOV_FROM, NOV_TO, "channel")
        self.assertTrue(all(row["quote_cycle_days"] is False or row["quote_cycle_days"] >= 0 for row in kpis))

    def test_target_attainment_matches_the_targets_screen(self):
        """An order confirmed after the target's actuals were computed counts at once on the KPI
        screen (which writes nothing); the target's refresh then stores the same figure."""
        target = self.env["sales.target"].search([("user_id", "=", self.sam.id), ("date_from", "=", NOV_FROM)])
        self.assertEqual(target.actual_revenue, 450)
        self._order(self.x, [(self.p1, 1, 90)], "2026-11-26 00:00", channel=self.channel_a)
        with Form(self.env["sales.kpi.wizard"].with_user(self.sam)) as form:
            form.date_from, form.date_to, form.group_by = NOV_FROM, NOV_TO, "none"
            total = form.line_ids._records[-1]
        self.assertEqual(total["revenue"], 540)
        self.assertAlmostEqual(total["target_attainment"], 540 / 900)
        self.assertEqual(target.with_user(self.sam).actual_revenue, 450, "the KPI screen writes nothing")
        target._refresh_actuals()
        self.assertEqual(target.with_user(self.sam).actual_revenue, 540)

    def test_workbook_sheet_and_channel_names(self):
        self._order(self.y, [(self.p2, 1, 50)], "2026-11-23 00:00")  # no channel: "Direct"
        Export = self.env["sales.analytics.export"].with_user(self.sam)
        content, _counts = Export.build_workbook(NOV_FROM, NOV_TO, group_by="user")
        book = openpyxl.load_workbook(io.BytesIO(content))
        self.assertIn("KPIs by salesperson", book.sheetnames)
        sheet = book["Lines"]
        headers = [cell.value for cell in sheet[1]]
        channels = [row[headers.index("Channel")] for row in sheet.iter_rows(min_row=2, values_only=True)]
        self.assertIn("Direct", channels)
        self.assertTrue(all(channels), "no line without a channel name")
        self.assertEqual(Export._kpi_sheet_name("none"), "KPIs")

    def test_day_axis_reads_as_a_date(self):
        Report = self.env["sales.analysis.report"].with_user(self.sam)
        domain = [("date", ">=", NOV_FROM), ("date", "<=", NOV_TO)]
        groups = Report.formatted_read_group(domain, ["date:day"], ["price_subtotal:sum"])
        self.assertEqual(groups[0]["date:day"][1], "Nov 12, 2026")
        self._activate_zh()
        groups = Report.with_context(lang="zh_CN").formatted_read_group(domain, ["date:day"], ["__count"])
        self.assertEqual(groups[0]["date:day"][1], "2026年11月12日")
        groups = Report.formatted_read_group(domain, ["date:month"], ["__count"])
        self.assertEqual(groups[0]["date:month"][1], "November 2026", "other granularities unchanged")

    def test_basket_figures_in_percent_and_headers_that_fit(self):
        arch = etree.fromstring(self.env["sales.basket.pair"].get_view(view_type="list")["arch"])
        columns = {f.get("name"): f for f in arch.xpath("//list/field")}
        for name in ("support", "confidence"):
            self.assertEqual(columns[name].get("widget"), "percentage", name)
        self.assertEqual(columns["together"].get("string"), "Orders", "a short header")
        with Form(self.env["sales.basket.wizard"].with_user(self.manager)) as form:
            self.assertEqual(form.min_support, 0.001)
        arch = etree.fromstring(self.env["sales.basket.wizard"].get_view(view_type="form")["arch"])
        self.assertEqual(arch.xpath("//field[@name='min_support']")[0].get("widget"), "percentage")

    def _dashboard(self, name):
        dashboard = self.env.ref(f"sales_mgmt_analytics.spreadsheet_dashboard_sales_mgmt_{name}")
        return json.loads(base64.b64decode(dashboard.spreadsheet_binary_data))

    def test_dashboard_pivot_headers_are_translatable(self):
        """A PIVOT() block's corner shows the pivot's name, which is never translated: the blocks
        leave out their own header rows under a row of _t() / PIVOT.HEADER (translated) labels."""
        for name in ("manager", "personal"):
            cells = self._dashboard(name)["sheets"][0]["cells"]
            blocks = {ref: c for ref, c in cells.items() if c.startswith("=PIVOT(")}
            self.assertTrue(blocks, name)
            for ref, content in blocks.items():
                args = [a.strip() for a in content[len("=PIVOT(") : -1].split(",")]
                self.assertEqual((args[3], args[5]), ("FALSE", "FALSE"), f"{name} {ref}: no own header rows")
                row = int(ref[1:])
                self.assertTrue(cells[f"A{row - 1}"].startswith("=_t("), f"{name} {ref}: a translated label")
                self.assertTrue(cells[f"B{row - 1}"].startswith("=PIVOT.HEADER("), f"{name} {ref}: measure title")
                self.assertTrue(cells[f"A{row - 2}"].startswith("=_t("), f"{name} {ref}: a translated title")

    def test_personal_dashboard_empty_state_and_average_currency(self):
        data = self._dashboard("personal")
        notice = data["sheets"][0]["cells"]["A1"]
        self.assertRegex(notice, r'^=IF\(Data!B3=0, _t\("You have no confirmed sales')
        self.assertTrue(all(f["offset"]["y"] >= 46 for f in data["sheets"][0]["figures"]), "below the notice")
        stats = data["sheets"][1]["cells"]
        self.assertEqual(stats["A4"], '=_t("Average order")')
        # No IFERROR(..., 0): a bare 0 loses the currency format of the revenue.
        self.assertFalse(re.search(r"IFERROR\(.*, 0\)", stats["B4"]))
        self.assertIn("B2", stats["B4"].split(",")[-1], "the no-orders value keeps the revenue's format")
