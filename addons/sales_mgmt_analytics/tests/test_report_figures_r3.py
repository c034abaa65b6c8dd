from freezegun import freeze_time
from lxml import etree

from odoo.tests import tagged

from .common import NOV_FROM, NOV_TO, AnalyticsCommon


@tagged("post_install", "-at_install")
class TestKpiTargetsByGroup(AnalyticsCommon):
    """Target attainment of a group: its own targets' actual / target, in the group of the revenue
    they measure; a group without targets has none; by channel, targets are in the totals only."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.team = cls.o1.team_id
        # A channel order without salesperson nor team: the "No sales team" group has revenue.
        cls.loose = cls._order(cls.y, [(cls.p2, 1, 50)], "2026-11-22 00:00", channel=cls.channel_b)
        cls.loose.write({"user_id": False, "team_id": False})
        cls.env.flush_all()
        assert not cls.loose.team_id

    def _by_name(self, user, group_by):
        return {row["name"]: row for row in self.env["sales.kpi"].with_user(user).get_kpis(NOV_FROM, NOV_TO, group_by)}

    def test_target_in_the_team_of_its_salesperson_orders(self):
        """Sam belongs to no team and his target has none: it counts where Odoo puts his orders."""
        target = self.env["sales.target"].search([("user_id", "=", self.sam.id), ("date_from", "=", NOV_FROM)])
        self.assertFalse(target.team_id or self.sam.sale_team_id)
        self.assertTrue(self.team)
        rows = self._by_name(self.manager, "team")
        team_row = rows[self.team.display_name]
        self.assertEqual((team_row["target_revenue"], team_row["target_attainment"]), (900.0, 50.0))
        no_team = rows["No sales team"]
        self.assertEqual(no_team["revenue"], 50.0)
        self.assertEqual(no_team["target_revenue"], 0.0)
        self.assertIs(no_team["target_attainment"], False, "a group without targets has no attainment")

    def test_target_in_the_salesperson_team(self):
        other = self.env["crm.team"].create({"name": "Key accounts"})
        self.env["crm.team.member"].create({"crm_team_id": other.id, "user_id": self.sue.id})
        target = self.env["sales.target"].create({"user_id": self.sue.id, "date_from": NOV_FROM, "target_revenue": 600})
        self.env.flush_all()
        target.team_id = False  # created before she joined: the salesperson's team then
        self.assertEqual(self.sue.sale_team_id, other)
        rows = self._by_name(self.manager, "team")
        self.assertEqual((rows["Key accounts"]["target_revenue"], rows["Key accounts"]["target_attainment"]), (600, 50))
        # The target's own team comes first.
        target.team_id = self.team
        rows = self._by_name(self.manager, "team")
        self.assertNotIn("Key accounts", rows)
        self.assertEqual(rows[self.team.display_name]["target_revenue"], 1500.0)
        self.assertEqual(rows[self.team.display_name]["target_attainment"], 50.0, "(450 + 300) / (900 + 600)")

    def test_by_channel_targets_only_in_the_totals(self):
        rows = self._by_name(self.manager, "channel")
        for name, row in rows.items():
            self.assertEqual(row["target_revenue"], 0.0, name)
            self.assertIs(row["target_attainment"], False, name)
        [total] = self.env["sales.kpi"].with_user(self.manager).get_kpis(NOV_FROM, NOV_TO, "none")
        self.assertEqual((total["target_revenue"], total["target_attainment"]), (900.0, 50.0))

    def test_salesperson_sees_his_target_in_his_team_row(self):
        rows = self._by_name(self.sam, "team")
        self.assertEqual(rows[self.team.display_name]["target_attainment"], 50.0)
        self.assertFalse(rows.get("No sales team", {}).get("target_attainment"))


@tagged("post_install", "-at_install")
class TestTrendForecastDistinct(AnalyticsCommon):
    @freeze_time("2026-11-30 12:00:00")
    def test_forecast_is_a_series_of_its_own(self):
        wizard = self.env["sales.trend.wizard"].with_user(self.sam).create({"months": 3, "forecast_months": 2})
        action = wizard.action_compute()
        self.assertEqual(action["context"]["graph_groupbys"], ["month:month", "kind"])
        lines = wizard.line_ids
        self.assertEqual(set(lines.filtered("is_forecast").mapped("kind")), {"forecast"})
        self.assertEqual(set((lines - lines.filtered("is_forecast")).mapped("kind")), {"actual"})
        # Two stacked series on the chart, their sum a line that continues into the forecast.
        Line = self.env["sales.trend.line"].with_user(self.sam)
        graph = etree.fromstring(Line.get_view(view_type="graph")["arch"])
        self.assertEqual(graph.get("type"), "bar")
        self.assertIn(graph.get("stacked"), ("1", "True", "true"))
        self.assertEqual(graph.xpath("//field[not(@type)]/@name"), ["month", "kind"])
        self.assertEqual(graph.xpath("//field[@type='measure']/@name"), ["revenue_or_forecast"])
        by_kind = dict(Line._read_group([("wizard_id", "=", wizard.id)], ["kind"], ["revenue_or_forecast:sum"]))
        self.assertEqual(by_kind["actual"], 550.0, "Sam's October and November orders")
        self.assertGreater(by_kind["forecast"], 0, "no drop to 0 in the months to come")
        labels = dict(Line._fields["kind"]._description_selection(Line.env))
        self.assertEqual(labels, {"actual": "Actual", "forecast": "Forecast"})

    def test_list_and_cards_say_which_rows_are_forecast(self):
        Line = self.env["sales.trend.line"].with_user(self.sam)
        for view_type in ("list", "kanban"):
            arch = etree.fromstring(Line.get_view(view_type=view_type)["arch"])
            [kind] = arch.xpath("//field[@name='kind']")
            self.assertEqual(kind.get("widget"), "badge", view_type)
            self.assertIn("forecast", kind.get("decoration-info", ""), view_type)
            self.assertIsNone(kind.get("column_invisible"), view_type)
            self.assertIsNone(kind.get("optional"), view_type)
        self.assertEqual(etree.fromstring(Line.get_view(view_type="list")["arch"]).get("create"), "0")


@tagged("post_install", "-at_install")
class TestCohortPercentageDigits(AnalyticsCommon):
    def test_retention_one_decimal_at_most(self):
        """Odoo's formatPercentage formats value x 100 with the view's ``digits`` (else the field's,
        4 here: "71.4286%") and keeps trailing zeros unless ``hide_trailing_zeros``: "71.4%", "100%"."""
        arch = etree.fromstring(
            self.env["sales.cohort.report"].with_user(self.manager).get_view(view_type="pivot")["arch"]
        )
        [measure] = arch.xpath("//field[@name='retention']")
        self.assertEqual(measure.get("widget"), "percentage")
        self.assertEqual(measure.get("digits").replace(" ", ""), "[16,1]")
        self.assertIn("'hide_trailing_zeros': True", measure.get("options").replace("true", "True"))
