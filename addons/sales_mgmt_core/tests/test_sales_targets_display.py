"""What the target screens show for metrics without a target, periods without a previous target
and scores over 100 % (issue 17, round 2 trial: "attainment 0.00", "trend 0.00", grey bar)."""

from datetime import date

from lxml import etree

from odoo.tests import tagged

from .common import SalesMgmtCommon

METRICS = ("revenue", "new_customers", "won", "activities")


@tagged("post_install", "-at_install")
class TestSalesTargetsDisplay(SalesMgmtCommon):
    def _arch(self, view_type):
        views = self.env["sales.target"].with_user(self.user_manager).get_views([(False, view_type)])
        return etree.fromstring(views["views"][view_type]["arch"])

    def test_previous_score_and_trend_only_with_a_previous_target(self):
        Target = self.env["sales.target"]
        february = Target.create({"user_id": self.user_salesman.id, "date_from": date(2031, 2, 1), "target_won": 2})
        self.assertFalse(february.has_previous_score)
        january = Target.create({"user_id": self.user_salesman.id, "date_from": date(2031, 1, 1), "target_won": 1})
        self.assertFalse(january.has_previous_score)
        february.action_refresh_actuals()
        self.assertTrue(february.has_previous_score)
        self.assertEqual(february.score_previous, january.score)
        # shown only when there is one
        for view_type in ("form", "list"):
            arch = self._arch(view_type)
            for name in ("score_previous", "score_trend") if view_type == "form" else ("score_trend",):
                with self.subTest(view=view_type, field=name):
                    (node,) = arch.xpath(f"//field[@name='{name}']")
                    self.assertEqual(node.get("invisible"), "not has_previous_score")

    def test_metrics_without_target_show_no_attainment(self):
        arch = self._arch("form")
        for metric in METRICS:
            with self.subTest(metric=metric):
                (node,) = arch.xpath(f"//field[@name='attainment_{metric}']")
                self.assertEqual(node.get("invisible"), f"not target_{metric}")
                (label,) = node.getparent().xpath("div")
                self.assertEqual(label.text, "Not targeted")
                self.assertEqual(label.get("invisible"), f"target_{metric}")
        (node,) = self._arch("list").xpath("//field[@name='attainment_revenue']")
        self.assertEqual(node.get("invisible"), "not target_revenue")

    def test_score_over_100_percent_is_a_full_bar(self):
        for view_type in ("list", "kanban"):
            with self.subTest(view=view_type):
                (node,) = self._arch(view_type).xpath("//field[@name='score']")
                self.assertEqual(node.get("widget"), "progressbar")
                self.assertIn("'overflow_class': 'bg-success'", node.get("options") or "")
