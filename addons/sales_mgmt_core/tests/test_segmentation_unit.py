"""Unit tests of the pure segmentation functions (no database needed)."""

import unittest
from datetime import date, timedelta

from ..tools import segmentation as seg

TODAY = date(2026, 6, 30)


def stats(pid, days_ago_list, amount=100.0, **kw):
    days = [TODAY - timedelta(days=d) for d in days_ago_list]
    return seg.CustomerStats(
        partner_id=pid,
        order_count=len(days),
        revenue=amount * len(days),
        revenue_12m=amount * len([d for d in days_ago_list if d <= 365]),
        order_count_12m=len([d for d in days_ago_list if d <= 365]),
        lifetime_value=amount * len(days),
        first_order=min(days),
        last_order=max(days),
        order_dates=days,
        total_count=len(days),
        **kw,
    )


class TestQuintiles(unittest.TestCase):
    def test_ten_values_split_evenly(self):
        breaks = seg.quintile_breaks(range(1, 11))
        self.assertEqual(breaks, [3, 5, 7, 9])
        self.assertEqual([seg.quintile_score(v, breaks) for v in range(1, 11)], [1, 1, 2, 2, 3, 3, 4, 4, 5, 5])

    def test_ties_get_the_same_score(self):
        values = [1, 1, 1, 1, 1, 1, 2, 3, 5, 8]
        breaks = seg.quintile_breaks(values)
        scores = {v: seg.quintile_score(v, breaks) for v in values}
        self.assertEqual(scores[1], 2)  # the six one-order customers share a score
        self.assertLess(scores[1], scores[2])
        self.assertEqual(scores[8], 5)

    def test_fewer_than_five_customers(self):
        breaks = seg.quintile_breaks([10.0, 20.0, 30.0])
        self.assertEqual([seg.quintile_score(v, breaks) for v in (10.0, 20.0, 30.0)], [1, 3, 5])

    def test_single_and_empty_population(self):
        self.assertEqual(seg.quintile_breaks([]), [])
        self.assertEqual(seg.quintile_score(5, []), 3)
        breaks = seg.quintile_breaks([7])
        self.assertEqual(seg.quintile_score(7, breaks), 3)
        self.assertEqual(seg.quintile_score(1000, breaks), 3)

    def test_recency_fewer_days_scores_higher(self):
        breaks = seg.recency_breaks(range(0, 100, 10))
        self.assertEqual(seg.recency_score(0, breaks), 5)
        self.assertEqual(seg.recency_score(90, breaks), 1)
        self.assertGreater(seg.recency_score(20, breaks), seg.recency_score(60, breaks))


class TestSegmentsAndLifecycle(unittest.TestCase):
    def test_segment_grid(self):
        self.assertEqual(seg.rfm_segment(5, 5, 5), "champions")
        self.assertEqual(seg.rfm_segment(5, 1, 1), "new")
        self.assertEqual(seg.rfm_segment(3, 4, 3), "loyal")
        self.assertEqual(seg.rfm_segment(3, 1, 2), "potential")
        self.assertEqual(seg.rfm_segment(2, 4, 4), "at_risk")
        self.assertEqual(seg.rfm_segment(2, 1, 1), "hibernating")
        self.assertEqual(seg.rfm_segment(1, 5, 5), "at_risk")
        self.assertEqual(seg.rfm_segment(1, 1, 2), "lost")

    def test_own_interval_median_mean_none(self):
        d = date(2026, 1, 1)
        self.assertIsNone(seg.own_interval([d]))
        self.assertEqual(seg.own_interval([d, d + timedelta(days=10)]), 10.0)
        # 10, 20, 90 -> median 20 (the outlier does not drag it)
        dates = [d, d + timedelta(days=10), d + timedelta(days=30), d + timedelta(days=120)]
        self.assertEqual(seg.own_interval(dates), 20.0)
        # two orders on one day count as one purchase day
        self.assertIsNone(seg.own_interval([d, d]))

    def test_lifecycle(self):
        self.assertEqual(seg.lifecycle_stage(0, 0, 0, None), "prospect")
        self.assertEqual(seg.lifecycle_stage(1, 5, 5, 30), "new")
        self.assertEqual(seg.lifecycle_stage(5, 300, 10, 30), "active")
        self.assertEqual(seg.lifecycle_stage(5, 300, 50, 30), "at_risk")
        self.assertEqual(seg.lifecycle_stage(5, 300, 91, 30), "lapsed")

    def test_propensity_bounds(self):
        self.assertEqual(seg.purchase_propensity(0, 10, 30), 0)
        due = seg.purchase_propensity(10, 30, 30)
        self.assertEqual(due, 100)
        self.assertLess(seg.purchase_propensity(10, 5, 30), due)
        self.assertLess(seg.purchase_propensity(10, 90, 30), seg.purchase_propensity(10, 40, 30))
        self.assertTrue(0 <= seg.purchase_propensity(1, 1000, 1) <= 100)

    def test_match_tier_first_wins_and_region(self):
        rules = [
            seg.TierRule(id=1, min_revenue=1000, min_order_count=5),
            seg.TierRule(id=2, min_revenue=100, country_ids=frozenset({33})),
            seg.TierRule(id=3),
        ]
        self.assertEqual(seg.match_tier(rules, 5000, 10, 400, 1, None), 1)
        self.assertEqual(seg.match_tier(rules, 500, 1, 10, 33, None), 2)
        self.assertEqual(seg.match_tier(rules, 500, 1, 10, 1, None), 3)
        self.assertIsNone(seg.match_tier(rules[:2], 10, 1, 10, 1, None))


class TestScoreCustomers(unittest.TestCase):
    def test_prediction_uses_segment_fallback_for_single_order(self):
        population = [
            stats(1, [1, 11, 21, 31]),  # every 10 days
            stats(2, [2, 12, 22]),
            stats(3, [3]),  # one order: no own rhythm
        ]
        scores, breaks, fallback = seg.score_customers(population, TODAY)
        by_id = {s.partner_id: s for s in scores}
        self.assertEqual(by_id[1].interval_days, 10.0)
        self.assertEqual(by_id[1].predicted_next, TODAY - timedelta(days=1) + timedelta(days=10))
        self.assertGreater(by_id[3].interval_days, 0)
        self.assertIn("*", fallback)
        self.assertEqual(set(breaks), {"recency", "frequency", "monetary"})

    def test_incremental_scoring_reuses_breaks(self):
        population = [stats(i, [i * 3, i * 3 + 40], amount=10.0 * i) for i in range(1, 21)]
        _scores, breaks, fallback = seg.score_customers(population, TODAY)
        newcomer = stats(99, [0, 30], amount=1000.0)
        scores, breaks2, _fb = seg.score_customers([newcomer], TODAY, breaks=breaks, segment_fallback=fallback)
        self.assertEqual(breaks2, breaks)
        self.assertEqual(scores[0].monetary, 5)
        self.assertEqual(scores[0].recency, 5)

    def test_nothing_in_lookback_is_lost(self):
        old = stats(5, [800, 900])
        old.order_count = 0
        old.revenue = 0.0
        scores, _b, _f = seg.score_customers([old, stats(6, [1, 20])], TODAY)
        lost = next(s for s in scores if s.partner_id == 5)
        self.assertEqual((lost.recency, lost.frequency, lost.monetary, lost.segment), (1, 1, 1, "lost"))
        self.assertEqual(lost.lifecycle, "lapsed")
