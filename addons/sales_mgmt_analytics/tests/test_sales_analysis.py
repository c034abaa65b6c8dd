import base64
import io

import openpyxl

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import NOV_FROM, NOV_TO, AnalyticsCommon


@tagged("post_install", "-at_install")
class TestSalesAnalysis(AnalyticsCommon):
    def _report(self, user=None):
        Report = self.env["sales.analysis.report"]
        if user:
            Report = Report.with_user(user)
        return Report

    def test_report_rows_measures_and_dimensions(self):
        domain = [("date", ">=", NOV_FROM), ("date", "<", "2026-12-01"), ("user_id", "=", self.sam.id)]
        rows = self._report()._read_group(
            domain, ["channel_id"], ["price_subtotal:sum", "margin:sum", "order_count:count_distinct", "__count"]
        )
        by_channel = {channel: (revenue, margin, orders, lines) for channel, revenue, margin, orders, lines in rows}
        # A: 250 + 100, cost 3 x 40 + 1 x 10; B: 200 EUR = 100 USD, cost 4 x 10.
        self.assertEqual(by_channel[self.channel_a], (350.0, 220.0, 2, 3))
        self.assertEqual(by_channel[self.channel_b], (100.0, 60.0, 1, 1))
        line = self._report().search([("order_id", "=", self.o1.id), ("product_id", "=", self.p1.id)])
        self.assertEqual(line.partner_id, self.x)
        self.assertEqual(line.city, "Lyon")
        self.assertEqual(line.categ_id, self.p1.categ_id)
        self.assertEqual(line.net_revenue, 200.0)
        self.assertFalse(self._report().search([("order_id", "in", (self.cancelled | self.quotation).ids)]))

    def test_record_rules(self):
        self.assertEqual(set(self._report(self.sam).search([]).mapped("user_id")), {self.sam})
        self.assertIn(self.sue, self._report(self.manager).search([]).mapped("user_id"))
        with self.assertRaises(AccessError):
            self.env["sales.analysis.report"].with_user(self.env.ref("base.public_user")).search([])

    def test_kpis_hand_computed(self):
        kpis = self.env["sales.kpi"].with_user(self.sam).get_kpis(NOV_FROM, NOV_TO, "none")
        self.assertEqual(len(kpis), 1)
        k = kpis[0]
        self.assertEqual((k["orders"], k["revenue"], k["average_order_value"]), (3, 450.0, 150.0))
        self.assertEqual((k["customers"], k["customers_new"], k["customers_returning"]), (2, 1, 1))
        self.assertEqual(k["repeat_purchase_rate"], 50.0, "Y ordered twice in November")
        # Quotations created in November: o1, o2, o3, the cancelled one and the open one; 3 confirmed.
        self.assertEqual((k["quotations"], k["quotations_confirmed"], k["quotation_conversion"]), (5, 3, 60.0))
        self.assertEqual(k["quote_cycle_days"], round((2 + 5 + 10) / 3, 2))
        self.assertEqual((k["leads_won"], k["leads_closed"], k["lead_conversion"]), (1, 2, 50.0))
        self.assertEqual(k["deal_cycle_days"], 10.0)
        self.assertEqual(k["complaint_rate"], round(100 / 3, 2))
        self.assertEqual(k["target_attainment"], 50.0)

    def test_kpis_by_channel_for_the_manager(self):
        kpis = {
            row["name"]: row
            for row in self.env["sales.kpi"].with_user(self.manager).get_kpis(NOV_FROM, NOV_TO, "channel")
        }
        self.assertEqual(kpis["Web shop"]["revenue"], 350.0)
        self.assertEqual(kpis["Marketplace"]["revenue"], 400.0, "Sue's 300 + o3")
        self.assertEqual(kpis["Web shop"]["complaint_rate"], 50.0)
        self.assertEqual(kpis["Marketplace"]["customers_new"], 1, "X's first order is in channel A, but new to B")

    def test_time_zone_boundary(self):
        late = self._order(self.x, [(self.p2, 1, 70)], "2026-11-30 23:30", channel=self.channel_a)
        self.assertTrue(late)
        Kpi = self.env["sales.kpi"].with_user(self.sam)
        self.assertEqual(Kpi.get_kpis(NOV_FROM, NOV_TO, "none")[0]["revenue"], 520.0)
        self.sam.tz = "Asia/Shanghai"  # 1 December 07:30 there; 12 Nov 00:00 UTC stays in November
        self.assertEqual(Kpi.get_kpis(NOV_FROM, NOV_TO, "none")[0]["revenue"], 450.0)
        self.assertEqual(Kpi.get_kpis("2026-12-01", "2026-12-31", "none")[0]["revenue"], 70.0)

    def test_bad_input(self):
        Kpi = self.env["sales.kpi"]
        for args in (("2026-13-01", NOV_TO, "none"), (NOV_TO, NOV_FROM, "none"), (NOV_FROM, NOV_TO, "country")):
            with self.assertRaises(UserError):
                Kpi.get_kpis(*args)

    def test_xlsx_read_back(self):
        content, counts = self.env["sales.analytics.export"].with_user(self.sam).build_workbook(NOV_FROM, NOV_TO)
        book = openpyxl.load_workbook(io.BytesIO(content))
        self.assertEqual(book.sheetnames, ["Summary", "KPIs by channel", "By Month", "Lines"])
        summary = book["Summary"]
        self.assertEqual(summary["A3"].value, "Orders")
        self.assertEqual(summary["B3"].value, 3)
        self.assertEqual(summary["B4"].value, 450)
        self.assertIn("$", summary["B4"].number_format)
        lines = list(book["Lines"].iter_rows(min_row=2, values_only=True))
        self.assertEqual(len(lines), counts["Lines"])
        self.assertEqual(len(lines), 4, "Sam's four November lines only")
        first = lines[0]
        self.assertEqual(first[0].isoformat(), "2026-11-12T00:00:00")
        self.assertEqual(first[2], "Customer X")
        self.assertIsInstance(first[7], int | float)
        monthly = list(book["By Month"].iter_rows(min_row=2, values_only=True))
        self.assertEqual(monthly[0][1:3], (3, 450))
        self.assertEqual(len(book["Summary"]._charts), 2, "the KPI pie and the monthly line")

    def test_kpi_wizard(self):
        wizard = (
            self.env["sales.kpi.wizard"]
            .with_user(self.manager)
            .create({"date_from": NOV_FROM, "date_to": NOV_TO, "group_by": "user"})
        )
        wizard.action_compute()
        self.assertEqual(wizard.line_ids.filtered(lambda line: not line.is_total).mapped("name"), ["Sam", "Sue"])
        self.assertEqual(wizard.line_ids[-1].name, "Total")
        action = wizard.action_export_xlsx()
        self.assertIn("/xlsx_file/", action["url"])
        self.assertTrue(base64.b64decode(wizard.xlsx_file).startswith(b"PK"))
