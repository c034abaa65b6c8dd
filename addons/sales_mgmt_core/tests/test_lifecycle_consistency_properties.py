"""Property-based tests (Hypothesis): the customer labels never contradict each other.

For any order history (clustered days one day apart, one order, years apart, dates from year 1
to 9999, inconsistent counts) and any "today":

* the expected interval is at least ``MIN_INTERVAL_DAYS`` (the "Just ordered" window, 7 days);
* within that window (propensity reads "Just ordered") the lifecycle is new or active, never
  at risk or lapsed, and the predicted next order is not in the past;
* at risk or lapsed means the predicted order is overdue, with a propensity below 61 % (at
  risk) or 14 % (lapsed);
* a customer with one order day has no interval of its own (the population's), one with two
  order days none shorter than the population's;
* the RFM segment and lifecycle labels are distinct words.

``lifecycle_stage`` and ``expected_interval`` take NaN, infinities, huge integers, None, 0 and
negative numbers: a stage or an interval of at least 7 days, or ``ValueError`` for NaN days.

Runs under Odoo's test runner (BaseCase) and under pytest; no database needed.
"""

import math
from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from odoo.tests import BaseCase, tagged

from ..tools import segmentation as seg

SETTINGS = settings(max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])

JUST_ORDERED = seg.JUST_ORDERED_DAYS
STAGE_KEYS = {key for key, _label in seg.LIFECYCLE_STAGES}
HUGE = st.sampled_from([1e308, -1e308, 10**400, -(10**400), 5e-324, 0, -0.0, 10**30])
NUMBERS = st.one_of(st.integers(-(10**6), 10**6), st.floats(allow_nan=False), HUGE)
BASES = st.one_of(st.none(), NUMBERS, st.sampled_from([math.nan, math.inf, -math.inf]))


def _shift(day, days):
    try:
        return day + timedelta(days=days)
    except OverflowError:
        return date.max if days > 0 else date.min


@st.composite
def histories(draw):
    """Order days: clustered (a few days apart, as a split purchase), spread or anywhere in the calendar."""
    start = draw(st.dates(date(1, 1, 1), date(9999, 12, 31)))
    gaps = st.one_of(st.integers(0, 3), st.integers(0, 60), st.integers(0, 4000))
    offsets = draw(st.lists(gaps, min_size=0, max_size=7))
    days, day = [start], start
    for offset in offsets:
        day = _shift(day, offset)
        days.append(day)
    return draw(st.permutations(days))


@st.composite
def customer(draw, partner_id):
    days = draw(histories())
    distinct = len(set(days))
    in_window = draw(st.integers(0, len(days)))
    revenue = draw(st.one_of(st.floats(0, 1e308), st.sampled_from([0.0, 100.0, 1e308])))
    return seg.CustomerStats(
        partner_id=partner_id,
        order_count=in_window,
        revenue=revenue if in_window else 0.0,
        revenue_12m=0.0,
        order_count_12m=0,
        lifetime_value=revenue,
        first_order=min(days),
        last_order=max(days),
        order_dates=days,
        # all-time count: usually the orders, sometimes inconsistent (0, or fewer than the days)
        total_count=draw(st.one_of(st.just(len(days)), st.integers(0, distinct), st.integers(0, 10**6))),
    )


@st.composite
def population_and_today(draw):
    size = draw(st.integers(0, 10))
    stats = [draw(customer(partner_id)) for partner_id in range(1, size + 1)]
    if stats and draw(st.booleans()):  # today a few days after someone's last order
        today = _shift(draw(st.sampled_from(stats)).last_order, draw(st.integers(-3, 400)))
    else:
        today = draw(st.dates())
    return stats, today


@tagged("post_install", "-at_install")
class TestLabelsNeverContradict(BaseCase):
    @SETTINGS
    @given(population_and_today())
    def test_lifecycle_propensity_and_prediction_agree(self, case):
        stats, today = case
        scores, _breaks, fallback = seg.score_customers(stats, today)
        by_id = {s.partner_id: s for s in stats}
        for score in scores:
            st_ = by_id[score.partner_id]
            since_last = (today - st_.last_order).days
            base = max(seg.base_interval(fallback, score.segment), seg.MIN_INTERVAL_DAYS)
            order_days = len(set(st_.order_dates))
            self.assertGreaterEqual(score.interval_days, seg.MIN_INTERVAL_DAYS, score)
            self.assertNotEqual(score.lifecycle, "prospect", "a customer with an order is no prospect")
            self.assertIn(score.lifecycle, STAGE_KEYS)
            if st_.last_order <= date.max - timedelta(days=JUST_ORDERED):
                self.assertGreaterEqual(score.predicted_next, st_.last_order + timedelta(days=JUST_ORDERED))
            if 0 <= since_last <= JUST_ORDERED:  # "Just ordered"
                self.assertIn(score.lifecycle, {"new", "active"}, (score, since_last))
                self.assertGreaterEqual(score.predicted_next, today, "a prediction already past")
            if score.lifecycle in {"at_risk", "lapsed"}:
                self.assertLess(score.predicted_next, today, "at risk before the expected order")
                self.assertLessEqual(score.propensity, 61 if score.lifecycle == "at_risk" else 14, score)
            if order_days == 1:
                self.assertEqual(score.interval_days, round(base, 2), "one order has no interval of its own")
            elif order_days == 2:
                self.assertGreaterEqual(score.interval_days, round(base, 2), "one gap is no rhythm")

    @SETTINGS
    @given(population_and_today())
    def test_incremental_pass_agrees_with_the_full_run(self, case):
        stats, today = case
        scores, breaks, fallback = seg.score_customers(stats, today)
        for stat, score in zip(stats, scores, strict=True):
            alone, _b, _f = seg.score_customers([stat], today, breaks=breaks, segment_fallback=fallback)
            self.assertEqual(alone, [score])

    @SETTINGS
    @given(
        count=st.one_of(st.integers(-3, 10**6), st.just(10**400)),
        since_first=NUMBERS,
        since_last=st.one_of(NUMBERS, st.sampled_from([math.inf, -math.inf])),
        interval=BASES,
    )
    def test_lifecycle_stage_of_any_numbers(self, count, since_first, since_last, interval):
        if isinstance(interval, float) and math.isnan(interval):
            with self.assertRaisesRegex(ValueError, "must be numbers"):
                seg.lifecycle_stage(max(count, 1), since_first, since_last, interval)
            return
        stage = seg.lifecycle_stage(count, since_first, since_last, interval)
        self.assertIn(stage, STAGE_KEYS)
        self.assertEqual(stage == "prospect", count <= 0)
        if since_last <= JUST_ORDERED:
            self.assertNotIn(stage, {"at_risk", "lapsed"}, "at risk within the Just ordered window")
        if interval == math.inf:
            self.assertNotIn(stage, {"at_risk", "lapsed"}, "an infinite interval never comes due")

    @SETTINGS
    @given(count=st.integers(1, 10), since_first=NUMBERS, interval=BASES)
    def test_lifecycle_stage_refuses_nan_days(self, count, since_first, interval):
        with self.assertRaisesRegex(ValueError, "must be numbers"):
            seg.lifecycle_stage(count, since_first, math.nan, interval)
        with self.assertRaisesRegex(ValueError, "must be numbers"):
            seg.lifecycle_stage(count, math.nan, 3, interval)

    @SETTINGS
    @given(days=histories(), base=BASES)
    def test_expected_interval(self, days, base):
        interval = seg.expected_interval(days, base)
        self.assertIsInstance(interval, float)
        self.assertTrue(math.isfinite(interval))
        self.assertGreaterEqual(interval, seg.MIN_INTERVAL_DAYS)
        try:
            usable = base is not None and math.isfinite(float(base)) and base > 0
        except OverflowError:
            usable = False
        base_days = float(base) if usable else seg.DEFAULT_INTERVAL_DAYS
        own, distinct = seg.own_interval(days), len(set(days))
        if distinct == 1:
            expected = base_days
        elif distinct == 2:
            expected = max(own, base_days)
        else:
            expected = own
        self.assertEqual(interval, max(expected, seg.MIN_INTERVAL_DAYS))

    def test_empty_population(self):
        scores, breaks, fallback = seg.score_customers([], date(2026, 11, 30))
        self.assertEqual(scores, [])
        self.assertEqual(fallback, {"*": seg.DEFAULT_INTERVAL_DAYS})
        self.assertEqual(breaks, {"recency": [], "frequency": [], "monetary": []})

    def test_segment_and_lifecycle_labels_are_distinct(self):
        segments = {label for _key, label in seg.SEGMENTS}
        stages = {label for _key, label in seg.LIFECYCLE_STAGES}
        self.assertFalse(segments & stages, "a segment and a lifecycle stage read the same")
        self.assertEqual(dict(seg.SEGMENTS)["at_risk"], "Needs attention")
        self.assertEqual(dict(seg.LIFECYCLE_STAGES)["at_risk"], "At risk")
        # "Active" is also the archive flag's label, which translates as 有效 ("valid")
        self.assertNotIn("Active", stages)


def _history(today, *days_ago):
    return [today - timedelta(days=d) for d in days_ago]


@tagged("post_install", "-at_install")
class TestTrialCustomers(BaseCase):
    """The customers of the trial: one order 3 days ago, two orders a day apart 3 days ago, a
    regular customer every 15 days last seen 11 days ago, among customers whose own history is
    mostly one-day gaps."""

    TODAY = date(2026, 11, 30)

    def _stats(self, pid, days_ago, amount=100.0):
        days = _history(self.TODAY, *days_ago)
        return seg.CustomerStats(
            partner_id=pid,
            order_count=len(days),
            revenue=amount * len(days),
            revenue_12m=amount * len(days),
            order_count_12m=len(days),
            lifetime_value=amount * len(days),
            first_order=min(days),
            last_order=max(days),
            order_dates=days,
            total_count=len(days),
        )

    def test_trial_customers(self):
        population = [
            self._stats(1, [3]),  # Sophie Martin
            self._stats(2, [3, 4]),
            self._stats(3, [3, 4]),
            self._stats(4, [11, 26, 41, 56, 71, 86], amount=2000.0),  # Chengdu Panda Gifts
            self._stats(5, [1]),
            self._stats(6, [5]),
            self._stats(7, [8]),
            self._stats(8, [40, 41]),
            self._stats(9, [60, 61]),
            self._stats(10, [200]),
        ]
        scores = {s.partner_id: s for s in seg.score_customers(population, self.TODAY)[0]}
        for pid in (1, 2, 3):
            score = scores[pid]
            self.assertEqual(score.lifecycle, "new", score)
            self.assertEqual(score.interval_days, 15.0, "the population's rhythm (Chengdu's), not one day")
            self.assertEqual(score.predicted_next, self.TODAY - timedelta(days=3) + timedelta(days=15))
        chengdu = scores[4]
        self.assertEqual((chengdu.segment, chengdu.lifecycle, chengdu.interval_days), ("at_risk", "active", 15.0))
        self.assertEqual(dict(seg.SEGMENTS)[chengdu.segment], "Needs attention")
