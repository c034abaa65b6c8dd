"""Property-based tests (Hypothesis) of the customer segmentation functions (tools/segmentation.py).

What the functions promise, on random inputs including NaN, infinities, 1e308, negative
numbers, empty populations and dates from year 1 to 9999:

* ``quintile_breaks`` / ``quintile_score``: scores 1-5, ties share a score, higher values never
  score lower, a population member scores the quintile of its mid-rank (so incremental
  scoring against saved breaks agrees with a full run), the order of the population does not
  matter; ``ValueError`` for NaN or infinite values.
* ``rfm_segment``: the grid of the README for every R, F, M in 1-5.
* ``own_interval``: ``None`` below two distinct order days, else at least one day, between the
  shortest and longest interval, whatever the order or repetition of the days.
* ``purchase_propensity``: an integer 0-100, rising up to the expected day and falling after,
  never lower with more orders; ``ValueError`` for non-finite figures.
* ``score_customers``: never fails on valid stats; every score in range, predicted date on
  or after the last order, same scores when a customer is re-scored alone with the saved breaks.

Runs under Odoo's test runner (BaseCase) and under pytest; no database needed.
"""

import math
from datetime import date, timedelta
from fractions import Fraction

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from odoo.tests import BaseCase, tagged

from ..tools import segmentation as seg

SETTINGS = settings(max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])

EDGES = st.sampled_from([0, 0.0, -0.0, 1e308, -1e308, 1.7976931348623157e308, 5e-324, -5e-324, 1, -1, 10**30])
FINITE = st.one_of(st.integers(-(10**6), 10**6), st.floats(allow_nan=False, allow_infinity=False), EDGES)
NON_FINITE = st.sampled_from([math.nan, math.inf, -math.inf])
DAYS = st.one_of(st.integers(-(10**6), 10**6), st.floats(-1e308, 1e308), EDGES)
SEGMENT_KEYS = {key for key, _label in seg.SEGMENTS}
STAGE_KEYS = {key for key, _label in seg.LIFECYCLE_STAGES}


def mid_rank_score(values, value):
    """The documented score, computed exactly: ceil(5 * (values below + half its ties) / n)."""
    below = sum(1 for v in values if v < value)
    ties = sum(1 for v in values if v == value)
    return max(1, math.ceil(Fraction(5) * (below + Fraction(ties, 2)) / len(values)))


def readme_segment(r, f, m):  # noqa: PLR0911 - the README's table, row by row
    """Champions (R≥4, F+M≥8), New (R≥4, F=1), Loyal (R≥3, F+M≥6), Potential (R≥3), At risk
    (R=2 and F+M≥6, or R=1 and F+M≥8), Hibernating (R=2), Lost."""
    if r >= 4 and f + m >= 8:
        return "champions"
    if r >= 4 and f == 1:
        return "new"
    if r >= 3 and f + m >= 6:
        return "loyal"
    if r >= 3:
        return "potential"
    if (r == 2 and f + m >= 6) or (r == 1 and f + m >= 8):
        return "at_risk"
    if r == 2:
        return "hibernating"
    return "lost"


@st.composite
def customer_stats(draw, partner_id):
    days = draw(st.lists(st.dates(), min_size=1, max_size=6))
    in_window = draw(st.integers(0, len(days)))
    revenue = draw(st.one_of(st.floats(0, 1e308), st.sampled_from([0.0, 100.0, 1e308])))
    return seg.CustomerStats(
        partner_id=partner_id,
        order_count=in_window,
        revenue=revenue if in_window else 0.0,
        revenue_12m=draw(st.floats(0, 1e308)),
        order_count_12m=draw(st.integers(0, len(days))),
        lifetime_value=revenue,
        first_order=min(days),
        last_order=max(days),
        order_dates=days,
        total_count=draw(st.integers(0, 10**6)),
    )


@st.composite
def populations(draw):
    size = draw(st.integers(0, 12))
    return [draw(customer_stats(partner_id)) for partner_id in range(1, size + 1)]


@tagged("post_install", "-at_install")
class TestQuintileProperties(BaseCase):
    @SETTINGS
    @given(values=st.lists(FINITE, max_size=40), probes=st.lists(st.one_of(FINITE, NON_FINITE.filter(math.isinf))))
    def test_scores_are_1_to_5_and_never_lower_for_higher_values(self, values, probes):
        breaks = seg.quintile_breaks(values)
        self.assertEqual(breaks, sorted(breaks))
        self.assertEqual(len(breaks), 4 if values else 0)
        ordered = sorted(values + probes)
        scores = [seg.quintile_score(v, breaks) for v in ordered]
        self.assertTrue(all(1 <= s <= 5 for s in scores), scores)
        self.assertEqual(scores, sorted(scores))

    @SETTINGS
    @given(values=st.lists(st.one_of(FINITE, st.sampled_from([3, 3.0, 7])), min_size=1, max_size=40))
    def test_population_member_scores_its_mid_rank_quintile(self, values):
        """Ties share a score, and scoring against the breaks (incremental updates) gives the
        same score as the full run's mid-rank."""
        breaks = seg.quintile_breaks(values)
        for value in values:
            self.assertEqual(seg.quintile_score(value, breaks), mid_rank_score(values, value), value)

    @SETTINGS
    @given(st.lists(FINITE, max_size=30).flatmap(lambda v: st.tuples(st.just(v), st.permutations(v))))
    def test_order_of_the_population_does_not_matter(self, pair):
        values, shuffled = pair
        self.assertEqual(seg.quintile_breaks(values), seg.quintile_breaks(shuffled))

    @SETTINGS
    @given(values=st.lists(FINITE, unique=True, min_size=3, max_size=30))
    def test_smallest_scores_1_and_largest_5(self, values):
        breaks = seg.quintile_breaks(values)
        self.assertEqual(seg.quintile_score(min(values), breaks), 1)
        self.assertEqual(seg.quintile_score(max(values), breaks), 5)

    @SETTINGS
    @given(values=st.lists(FINITE, max_size=20), bad=NON_FINITE, position=st.integers(0, 20))
    def test_non_finite_values_are_refused(self, values, bad, position):
        values.insert(min(position, len(values)), bad)
        with self.assertRaisesRegex(ValueError, "must be finite numbers"):
            seg.quintile_breaks(values)
        with self.assertRaisesRegex(ValueError, "cannot score nan"):
            seg.quintile_score(math.nan, seg.quintile_breaks([v for v in values if v is not bad]))

    @SETTINGS
    @given(days=st.lists(st.integers(-(10**6), 10**6), max_size=40), probes=st.lists(st.integers(-(10**7), 10**7)))
    def test_fewer_days_since_the_last_order_never_score_lower(self, days, probes):
        breaks = seg.recency_breaks(days)
        ordered = sorted(days + probes)
        scores = [seg.recency_score(d, breaks) for d in ordered]
        self.assertTrue(all(1 <= s <= 5 for s in scores))
        self.assertEqual(scores, sorted(scores, reverse=True))

    def test_empty_and_single_populations(self):
        self.assertEqual(seg.quintile_breaks([]), [])
        self.assertEqual(seg.quintile_score(1e308, []), 3)
        self.assertEqual(seg.quintile_score(-math.inf, seg.quintile_breaks([5])), 1)
        self.assertEqual(seg.quintile_score(5, seg.quintile_breaks([5])), 3)

    def test_segment_grid_is_the_readme_table(self):
        for r in range(1, 6):
            for f in range(1, 6):
                for m in range(1, 6):
                    self.assertEqual(seg.rfm_segment(r, f, m), readme_segment(r, f, m), (r, f, m))


@tagged("post_install", "-at_install")
class TestIntervalAndPropensityProperties(BaseCase):
    @SETTINGS
    @given(st.lists(st.dates(), max_size=12).flatmap(lambda d: st.tuples(st.just(d), st.permutations(d + d[:2]))))
    def test_own_interval(self, pair):
        dates, reordered = pair
        interval = seg.own_interval(dates)
        self.assertEqual(interval, seg.own_interval(reordered), "order and repeated days do not matter")
        gaps = seg.order_intervals(dates)
        if len(set(dates)) < 2:
            self.assertIsNone(interval)
            return
        self.assertIsInstance(interval, float)
        self.assertGreaterEqual(interval, 1.0)
        self.assertTrue(min(gaps) <= interval <= max(gaps))
        if len(gaps) == 1:
            self.assertEqual(interval, float(gaps[0]))

    @SETTINGS
    @given(count=st.one_of(st.integers(-5, 10**6), st.just(10**400)), days=DAYS, interval=DAYS)
    def test_propensity_is_0_to_100(self, count, days, interval):
        propensity = seg.purchase_propensity(count, days, interval)
        self.assertIsInstance(propensity, int)
        self.assertTrue(0 <= propensity <= 100)
        if count <= 0 or interval <= 0 or days <= 0:
            self.assertEqual(propensity, 0)

    @SETTINGS
    @given(
        count=st.integers(1, 1000),
        interval=st.floats(1e-3, 1e6),
        days=st.lists(st.floats(-1e6, 1e7), min_size=2, max_size=6),
    )
    def test_propensity_rises_to_the_expected_day_then_falls(self, count, interval, days):
        before = sorted(d for d in days if d <= interval)
        after = sorted(d for d in days if d >= interval)
        rising = [seg.purchase_propensity(count, d, interval) for d in before]
        falling = [seg.purchase_propensity(count, d, interval) for d in after]
        self.assertEqual(rising, sorted(rising))
        self.assertEqual(falling, sorted(falling, reverse=True))

    @SETTINGS
    @given(counts=st.lists(st.integers(1, 10**6), min_size=2, max_size=5), days=DAYS, interval=st.floats(1e-3, 1e6))
    def test_propensity_never_lower_with_more_orders(self, counts, days, interval):
        scores = [seg.purchase_propensity(c, days, interval) for c in sorted(counts)]
        self.assertEqual(scores, sorted(scores))

    @SETTINGS
    @given(count=st.integers(0, 100), days=st.one_of(DAYS, NON_FINITE), interval=st.one_of(DAYS, NON_FINITE))
    def test_non_finite_figures_are_refused(self, count, days, interval):
        if math.isfinite(days) and math.isfinite(interval):
            seg.purchase_propensity(count, days, interval)
        else:
            with self.assertRaisesRegex(ValueError, "must be finite numbers"):
                seg.purchase_propensity(count, days, interval)


@tagged("post_install", "-at_install")
class TestScoreCustomersProperties(BaseCase):
    @SETTINGS
    @given(stats=populations(), today=st.dates())
    def test_every_score_in_range_and_incremental_agrees(self, stats, today):
        scores, breaks, fallback = seg.score_customers(stats, today)
        self.assertEqual(len(scores), len(stats))
        by_id = {s.partner_id: s for s in stats}
        for score in scores:
            st_ = by_id[score.partner_id]
            self.assertTrue({score.recency, score.frequency, score.monetary} <= {1, 2, 3, 4, 5}, score)
            self.assertIn(score.segment, SEGMENT_KEYS)
            self.assertIn(score.lifecycle, STAGE_KEYS)
            self.assertTrue(0 <= score.propensity <= 100)
            self.assertGreaterEqual(score.interval_days, 1.0)
            if st_.last_order < date.max:
                self.assertGreater(score.predicted_next, st_.last_order)
            if not st_.order_count:
                self.assertEqual((score.recency, score.frequency, score.monetary, score.segment), (1, 1, 1, "lost"))
            alone, _b, _f = seg.score_customers([st_], today, breaks=breaks, segment_fallback=fallback)
            self.assertEqual(alone, [score], "re-scoring one customer with the saved breaks")
        active = [(s, sc) for s, sc in zip(stats, scores, strict=True) if s.order_count]
        for s1, sc1 in active:
            for s2, sc2 in active:
                if s1.revenue == s2.revenue:
                    self.assertEqual(sc1.monetary, sc2.monetary, "equal revenue, equal M")
                if s1.order_count == s2.order_count:
                    self.assertEqual(sc1.frequency, sc2.frequency, "equal order count, equal F")

    def test_prediction_beyond_the_calendar(self):
        last = date.max - timedelta(days=3)
        self.assertEqual(seg.predicted_next_order(last, 10.0), date.max)
        self.assertEqual(seg.predicted_next_order(date(2026, 1, 1), 1e12), date.max)
        self.assertEqual(seg.predicted_next_order(date(2026, 1, 1), 9.6), date(2026, 1, 11))
