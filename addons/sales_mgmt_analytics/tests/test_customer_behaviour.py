import unittest
from datetime import date

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, tagged

from ..tools import trend
from .common import AnalyticsCommon


class TestTrendUnit(unittest.TestCase):
    def test_moving_average(self):
        self.assertEqual(trend.moving_average([3, 6, 9, 12], 3), [3, 4.5, 6, 9])

    def test_seasonal_forecast(self):
        year1 = [10.0] * 12
        year2 = [20.0] * 11 + [40.0]  # growth 260 / 120
        forecast = trend.seasonal_forecast(year1 + year2, periods=2)
        self.assertEqual(forecast, [round(20 * 260 / 120, 2)] * 2)
        self.assertEqual(trend.seasonal_forecast([5, 7, 9], periods=2), [7.0, 7.0], "short history: flat average")
        self.assertEqual(trend.seasonal_forecast([], periods=1), [0.0])


@tagged("post_install", "-at_install")
class TestCustomerBehaviour(AnalyticsCommon):
    def test_cohorts(self):
        rows = self.env["sales.cohort.report"].search([("company_id", "=", self.company.id)])
        # Months up to November 2026 (later ones, 0 customers, appear as the months go by).
        cells = {
            (r.cohort_month, r.months_since): (r.customers, r.cohort_size, r.retention)
            for r in rows
            if r.cohort_month.month + r.months_since <= 11 and r.cohort_month.year == 2026
        }
        self.assertEqual(
            cells,
            {
                (date(2026, 10, 1), 0): (1, 1, 1.0),
                (date(2026, 10, 1), 1): (1, 1, 1.0),
                (date(2026, 11, 1), 0): (1, 1, 1.0),
            },
        )

    def test_purchase_cycle(self):
        Cycle = self.env["sales.purchase.cycle.report"]
        buckets = dict(Cycle._read_group([("company_id", "=", self.company.id)], ["bucket"], ["__count"]))
        # Y: 15 Oct 10:00 → 15 Nov (30.6 days) → 20 Nov (5 days); X: 12 Nov → 18 Nov (6 days).
        self.assertEqual(buckets, {"a_week": 2, "c_quarter": 1})
        with self.assertRaises(AccessError):
            Cycle.with_user(self.sam).search([])

    def test_rfm_migration(self):
        Snapshot = self.env["sales.rfm.snapshot"]
        self.x.rfm_segment = "new"
        self.y.rfm_segment = "loyal"
        Snapshot._take(date(2026, 10, 31))
        self.x.rfm_segment = "loyal"
        Snapshot._take(date(2026, 11, 30))
        Snapshot._take(date(2026, 11, 30))  # idempotent
        migration = Snapshot.get_migration("2026-10-31", "2026-11-30")
        self.assertEqual(sorted(migration), [["loyal", "loyal", 1], ["new", "loyal", 1]])

    def test_trend_wizard(self):
        wizard = self.env["sales.trend.wizard"].with_user(self.manager).create({"months": 3, "forecast_months": 1})
        action = wizard.action_compute()
        self.assertEqual(action["res_model"], "sales.trend.line")
        real = wizard.line_ids.filtered(lambda line: not line.is_forecast)
        self.assertEqual(
            sum(real.mapped("revenue")),
            sum(self.env["sales.analysis.report"].search([("date", ">=", real[:1].month)]).mapped("price_subtotal")),
        )
        self.assertEqual(len(wizard.line_ids.filtered("is_forecast")), len(real.categ_id))
        with self.assertRaises(ValidationError):
            wizard.months = 0

    def test_competitor_prices(self):
        self.p1.product_tmpl_id.list_price = 100
        with Form(self.env["sales.competitor.price"].with_user(self.sam)) as form:
            form.product_tmpl_id = self.p1.product_tmpl_id
            form.competitor = "Rival Ltd"
            form.price = 90
            form.promotion = "-10% this week"
        self.assertEqual(form.record.difference_pct, -10.0)
        euro = self.env["sales.competitor.price"].create(
            {
                "product_tmpl_id": self.p1.product_tmpl_id.id,
                "competitor": "EU shop",
                "price": 220,
                "currency_id": self.eur.id,
            }
        )
        self.assertEqual(euro.our_price, 200.0)
        self.assertEqual(euro.difference_pct, 10.0)
        with self.assertRaises(ValidationError):
            euro.price = -1
