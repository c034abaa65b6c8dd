import json

from freezegun import freeze_time
from lxml import etree

from odoo import Command
from odoo.tests import tagged
from odoo.tools.misc import file_path

from .common import NOV_FROM, NOV_TO, AnalyticsCommon

DASHBOARDS = ("sales_mgmt_manager_dashboard.json", "sales_mgmt_personal_dashboard.json")


@tagged("post_install", "-at_install")
class TestDashboardBaseline(AnalyticsCommon):
    def test_no_comparison_without_previous_figures(self):
        """A KPI card compares with the previous period only when it had a figure: an empty
        baseline (no "↑∞%") when it was 0."""
        for name in DASHBOARDS:
            with open(file_path(f"sales_mgmt_analytics/data/files/{name}"), encoding="utf-8") as file:
                data = json.load(file)
            cells = {ref: cell for sheet in data["sheets"] for ref, cell in sheet["cells"].items()}
            cards = [
                figure["data"]
                for sheet in data["sheets"]
                for figure in sheet["figures"]
                if figure["data"].get("type") == "scorecard" and figure["data"].get("baselineMode") == "percentage"
            ]
            self.assertEqual(len(cards), 4, name)
            for card in cards:
                ref = card["baseline"].split("!")[1]
                previous = "C" + ref[1:]
                self.assertEqual(
                    cells[ref].replace(" ", ""), f'=IF({previous},FORMAT.LARGE.NUMBER({previous}),"")', name
                )


@tagged("post_install", "-at_install")
class TestCohortTotals(AnalyticsCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        z1, z2, z3 = (Partner.create({"name": f"Cohort {n}"}) for n in (1, 2, 3))
        # Cohort Jan 2020: Z1 and Z2, Z1 back in February; cohort Feb 2020: Z3, back in March.
        for partner, when in (
            (z1, "2020-01-10"),
            (z2, "2020-01-20"),
            (z1, "2020-02-10"),
            (z3, "2020-02-15"),
            (z3, "2020-03-15"),
        ):
            cls._order(partner, [(cls.p1, 1, 10)], f"{when} 10:00", created=f"{when} 09:00")
        cls.domain = [
            ("company_id", "=", cls.company.id),
            ("cohort_month", "in", ("2020-01-01", "2020-02-01")),
            ("months_since", "<", 3),
        ]

    def test_totals_are_the_retention_of_the_customers_covered(self):
        Cohort = self.env["sales.cohort.report"].with_user(self.manager)
        by_month = dict(Cohort._read_group(self.domain, ["months_since"], ["retention:avg"]))
        # Month 1: 2 of the 3 customers; month 2: none of them (a month without orders is 0).
        self.assertEqual({k: round(v, 4) for k, v in by_month.items()}, {0: 1.0, 1: 0.6667, 2: 0.0})
        by_cohort = dict(Cohort._read_group(self.domain, ["cohort_month:month"], ["retention:avg"]))
        january = {value for key, value in by_cohort.items() if (key.year, key.month) == (2020, 1)}
        self.assertEqual({round(v, 4) for v in january}, {0.5}, "the cohort's 3 months: 3 of 6 customer-months")
        [[total]] = Cohort._read_group(self.domain, [], ["retention:avg"])
        self.assertAlmostEqual(total, 5 / 9)
        cell = Cohort.search([*self.domain, ("cohort_month", "=", "2020-02-01"), ("months_since", "=", 1)])
        self.assertEqual((cell.customers, cell.cohort_size, cell.retention), (1, 1, 1.0))

    def test_retention_shown_as_percentage(self):
        arch = self.env["sales.cohort.report"].get_view(view_type="pivot")["arch"]
        [measure] = etree.fromstring(arch).xpath("//field[@name='retention']")
        self.assertEqual(measure.get("widget"), "percentage")


@tagged("post_install", "-at_install")
class TestTrendForecast(AnalyticsCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.loose = cls.env["product.product"].create(
            {"name": "Loose", "type": "consu", "categ_id": False, "taxes_id": [Command.clear()]}
        )
        cls._order(cls.x, [(cls.loose, 1, 40)], "2026-11-25 10:00")

    @freeze_time("2026-11-30 12:00:00")
    def test_forecast_per_group_and_one_line(self):
        wizard = self.env["sales.trend.wizard"].with_user(self.manager).create({"months": 24, "forecast_months": 3})
        action = wizard.action_compute()
        self.assertEqual(action["context"]["graph_groupbys"], ["month:month", "kind"])
        lines = wizard.line_ids.filtered(lambda line: line.categ_id == self.p1.categ_id)
        future = lines.filtered("is_forecast")
        # Two months of history (October 100, November 750): their average, not the zero of a year before.
        self.assertEqual(future.mapped("forecast"), [425.0] * 3)
        self.assertEqual(future.mapped("revenue_or_forecast"), [425.0] * 3)
        past = lines - future
        self.assertEqual(past.mapped("revenue_or_forecast"), past.mapped("revenue"))
        loose = wizard.line_ids.filtered(lambda line: not line.categ_id)
        self.assertEqual(set(loose.mapped("group_name")), {"No category"})
        self.assertEqual(loose.filtered("is_forecast").mapped("forecast"), [40.0] * 3)
        arch = self.env["sales.trend.line"].get_view(view_type="graph")["arch"]
        self.assertEqual(etree.fromstring(arch).xpath("//field[@type='measure']/@name"), ["revenue_or_forecast"])


@tagged("post_install", "-at_install")
class TestPhoneCardsAndEmptyGroups(AnalyticsCommon):
    def test_basket_card_figures(self):
        arch = etree.fromstring(self.env["sales.basket.pair"].get_view(view_type="kanban")["arch"])
        [lift] = arch.xpath("//t[@t-name='card']//field[@name='lift']")
        self.assertIn("[16, 2]", lift.get("options", ""))
        for name in ("lift", "confidence", "together"):
            [field] = arch.xpath(f"//t[@t-name='card']//field[@name='{name}']")
            self.assertIn("text-nowrap", field.getparent().get("class", ""), name)

    def test_kpi_screen_leaves_out_empty_groups(self):
        # A complaint without an order: no salesperson, no order, nothing to show on its own line.
        complaint = self.env["sales.complaint"].create({"partner_id": self.y.id, "name": "Rude"})
        self.env.flush_all()
        self.env.cr.execute("UPDATE sales_complaint SET create_date = '2026-11-22 10:00' WHERE id = %s", [complaint.id])
        self.env.invalidate_all()
        wizard = (
            self.env["sales.kpi.wizard"]
            .with_user(self.manager)
            .create({"date_from": NOV_FROM, "date_to": NOV_TO, "group_by": "user"})
        )
        lines = wizard.line_ids.sorted("sequence")
        self.assertEqual(lines.mapped("name"), ["Sam", "Sue", "Total"])
        total = lines[-1]
        self.assertEqual((total.orders, total.revenue), (4, 750))
        self.assertAlmostEqual(total.complaint_rate, 0.5, msg="the totals still count the unattributed complaint")
        self.assertNotIn("No salesperson", wizard.chart_html)
