"""Property-based tests (Hypothesis) of the plain-Python arithmetic in ``tools/``.

Contracts enforced (and documented in the helpers):

* ``kpi.ratio``: ``None`` when there is nothing to divide by (denominator ``None`` or zero);
  ``ValueError`` for a NaN or infinite input or a result beyond the float range; otherwise a
  finite float rounded to 2 decimals (never ``-0.0``). ``KpiRow`` / ``combine`` reject
  non-finite figures with ``ValueError``; an empty set of figures gives no rows, a row without
  figures has zero figures and ``None`` ratios.
* ``basket.pair_metrics``: counts are non-negative integers with together ≤ each product's
  count ≤ baskets, else ``ValueError``; an empty population gives zeros; otherwise
  0 ≤ support ≤ confidence ≤ 1, lift ≥ 0, finite, and the same both ways.
* ``trend``: finite values only (``ValueError`` otherwise), window ≥ 1, season ≥ 1,
  periods ≥ 0; moving averages are finite and within the window's range, forecasts finite
  and ≥ 0 (``ValueError`` when a forecast would not fit in a float).

Runs under Odoo's test runner and under pytest (no database needed).
"""

import math
import sys
from fractions import Fraction

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from odoo.tests import BaseCase, tagged

from ..tools import basket, kpi, trend

SETTINGS = settings(max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])

FINITE = st.floats(allow_nan=False, allow_infinity=False)
NON_FINITE = st.sampled_from([math.nan, math.inf, -math.inf])
EDGES = st.sampled_from([0, 0.0, -0.0, 1e308, -1e308, 1.7976931348623157e308, 5e-324, -5e-324, 1, -1])
# Anything a figure may be: None, integers, floats including NaN, ±infinity and extremes.
ANY_NUMBER = st.one_of(st.none(), st.integers(-(10**6), 10**6), st.floats(), EDGES)
FINITE_NUMBER = st.one_of(st.none(), st.integers(-(10**6), 10**6), FINITE, EDGES)
FACTOR = st.one_of(st.sampled_from([1.0, 100.0]), st.floats())
KEYS = st.one_of(st.none(), st.integers(1, 5))
COUNT = st.integers(0, 10**6)


def _is_finite_float(value):
    return isinstance(value, float) and math.isfinite(value)


@tagged("post_install", "-at_install")
class TestKpiRatioProperties(BaseCase):
    @SETTINGS
    @given(ANY_NUMBER, ANY_NUMBER, FACTOR)
    def test_ratio_never_leaks(self, numerator, denominator, factor):
        try:
            result = kpi.ratio(numerator, denominator, factor)
        except ValueError:
            inputs = (numerator, denominator, factor)
            finite = all(v is None or math.isfinite(v) for v in inputs)
            if finite and denominator:
                # The only finite-input rejection: a quotient beyond the float range.
                self.assertGreater(abs(numerator or 0) / abs(denominator) * abs(factor), 1e300)
            else:
                self.assertFalse(finite, "finite inputs without denominator give None, not an error")
            return
        self.assertTrue(result is None or _is_finite_float(result), result)
        if result is not None:
            self.assertFalse(result == 0 and math.copysign(1, result) < 0, "no -0.0")

    @SETTINGS
    @given(FINITE_NUMBER, FINITE, st.sampled_from([None, 0, 0.0, -0.0]))
    def test_zero_or_missing_denominator_is_none(self, numerator, factor, denominator):
        self.assertIsNone(kpi.ratio(numerator, denominator, factor))

    @SETTINGS
    @given(st.lists(st.one_of(FINITE_NUMBER, NON_FINITE), min_size=3, max_size=3), st.integers(0, 2), NON_FINITE)
    def test_non_finite_input_rejected(self, inputs, position, bad):
        inputs[position] = bad  # at least one NaN or infinite input, wherever it is
        numerator, denominator, factor = inputs
        with self.assertRaises(ValueError):
            kpi.ratio(numerator, denominator, factor if factor is not None else 1.0)

    @SETTINGS
    @given(
        st.floats(-1e12, 1e12), st.floats(-1e12, 1e12).filter(lambda d: abs(d) > 1e-6), st.sampled_from([1.0, 100.0])
    )
    def test_ratio_value(self, numerator, denominator, factor):
        result = kpi.ratio(numerator, denominator, factor)
        self.assertAlmostEqual(result, factor * numerator / denominator, delta=0.005 + abs(result) * 1e-12)
        if result:
            self.assertEqual(result > 0, (numerator > 0) == (denominator > 0))

    @SETTINGS
    @given(st.lists(st.tuples(st.sampled_from(kpi.FIGURES), KEYS, st.integers(0, 10**9)), max_size=30))
    def test_combine_adds_up(self, triples):
        by_figure = {}
        for figure, key, value in triples:
            by_figure.setdefault(figure, []).append((key, value))
        rows = kpi.combine(by_figure)
        self.assertEqual(set(rows), {key for _f, key, _v in triples})
        if None in rows:
            self.assertIsNone(list(rows)[-1], "no group last")
        for key, row in rows.items():
            figures = row.kpis()
            for figure in kpi.FIGURES:
                expected = sum(v for f, k, v in triples if f == figure and k == key)
                self.assertEqual(figures[figure], expected)
            # A group's ratio is the ratio of its sums, never an average of ratios.
            for name, numerator, denominator, factor in kpi.RATIOS:
                self.assertEqual(figures[name], kpi.ratio(figures[numerator], figures[denominator], factor))
                self.assertTrue(figures[name] is None or _is_finite_float(figures[name]))

    def test_empty(self):
        self.assertEqual(kpi.combine({}), {})
        self.assertEqual(kpi.combine({"orders": []}), {})
        values = kpi.KpiRow(None).kpis()
        self.assertTrue(all(values[name] == 0 for name in kpi.FIGURES))
        self.assertTrue(all(values[name] is None for name, *_rest in kpi.RATIOS))

    @SETTINGS
    @given(st.sampled_from(kpi.FIGURES), KEYS, NON_FINITE)
    def test_combine_rejects_non_finite(self, figure, key, value):
        with self.assertRaises(ValueError):
            kpi.combine({figure: [(key, 1.0), (key, value)]})


@st.composite
def consistent_counts(draw, high=10**6):
    baskets = draw(st.integers(0, high))
    count_a = draw(st.integers(0, baskets))
    count_b = draw(st.integers(0, baskets))
    together = draw(st.integers(max(0, count_a + count_b - baskets), min(count_a, count_b)))
    return baskets, together, count_a, count_b


@tagged("post_install", "-at_install")
class TestBasketProperties(BaseCase):
    @SETTINGS
    @given(st.one_of(consistent_counts(), consistent_counts(10)))
    def test_metrics_bounds_and_symmetry(self, counts):
        baskets, together, count_a, count_b = counts
        support, confidence, lift = basket.pair_metrics(baskets, together, count_a, count_b)
        for value in (support, confidence, lift):
            self.assertTrue(_is_finite_float(value), value)
        self.assertTrue(0 <= support <= confidence <= 1, (support, confidence))
        self.assertGreaterEqual(lift, 0)
        back = basket.pair_metrics(baskets, together, count_b, count_a)
        self.assertEqual(back[0], support, "support is symmetric")
        self.assertEqual(back[2], lift, "lift is symmetric")
        if baskets and count_a and count_b:
            self.assertAlmostEqual(lift, together * baskets / (count_a * count_b), delta=5e-5 + lift * 1e-12)
            self.assertAlmostEqual(support, together / baskets, delta=5e-7)
        else:
            self.assertEqual((support, confidence, lift), (0.0, 0.0, 0.0))

    @SETTINGS
    @given(st.sampled_from([1e308, 1.7976931348623157e308, 10**300]), st.integers(0, 3))
    def test_huge_counts(self, baskets, case):
        counts = [
            (baskets, 1, 1, 1),
            (baskets, baskets, baskets, baskets),
            (baskets, 0, baskets, 1),
            (baskets, 1, 2, 2),
        ]
        support, confidence, lift = basket.pair_metrics(*counts[case])
        self.assertTrue(all(_is_finite_float(v) for v in (support, confidence, lift)))

    @SETTINGS
    @given(st.lists(st.one_of(ANY_NUMBER, NON_FINITE, st.floats(0, 100)), min_size=4, max_size=4))
    def test_bad_counts_rejected(self, counts):
        def valid(value):
            return isinstance(value, int | float) and math.isfinite(value) and value >= 0 and value == int(value)

        baskets, together, count_a, count_b = counts
        consistent = all(valid(v) for v in counts) and together <= min(count_a, count_b)
        consistent = consistent and max(count_a, count_b) <= baskets
        if consistent:
            result = basket.pair_metrics(*counts)
            self.assertTrue(all(_is_finite_float(v) for v in result))
        else:
            with self.assertRaises(ValueError):
                basket.pair_metrics(*counts)

    @SETTINGS
    @given(
        st.dictionaries(st.tuples(st.integers(1, 6), st.integers(1, 6)), st.integers(0, 5), max_size=10),
        st.one_of(st.floats(0, 1), NON_FINITE, st.sampled_from([-0.1, 1.5])),
    )
    def test_pairs_from_counts(self, raw_pairs, min_support):
        # Build a consistent population: each pair's products counted at least as often as together.
        pair_counts = {(a, b): n for (a, b), n in raw_pairs.items() if a < b and n}
        product_counts = {}
        for (a, b), n in pair_counts.items():
            product_counts[a] = product_counts.get(a, 0) + n
            product_counts[b] = product_counts.get(b, 0) + n
        baskets = sum(pair_counts.values())
        if not (math.isfinite(min_support) and 0 <= min_support <= 1):
            with self.assertRaises(ValueError):
                basket.pairs_from_counts(baskets, pair_counts, product_counts, min_support)
            return
        pairs = basket.pairs_from_counts(baskets, pair_counts, product_counts, min_support)
        self.assertTrue(all(p.support >= min_support for p in pairs))
        directions = {(p.product_a, p.product_b) for p in pairs}
        self.assertEqual(directions, {(b, a) for a, b in directions}, "both directions or none")
        self.assertEqual(pairs, sorted(pairs, key=lambda p: (-p.lift, -p.support, p.product_a, p.product_b)))

    def test_empty_population(self):
        self.assertEqual(basket.pairs_from_counts(0, {}, {}), [])
        self.assertEqual(basket.pair_metrics(0, 0, 0, 0), (0.0, 0.0, 0.0))


SERIES_VALUE = st.one_of(st.floats(-1e6, 1e9), st.sampled_from([0.0, 1e308, -1e308, 1.7976931348623157e308]))


@tagged("post_install", "-at_install")
class TestTrendProperties(BaseCase):
    @SETTINGS
    @given(st.lists(SERIES_VALUE, max_size=30), st.integers(1, 30))
    def test_moving_average_within_window(self, values, window):
        averages = trend.moving_average(values, window)
        self.assertEqual(len(averages), len(values))
        for i, average in enumerate(averages):
            chunk = values[max(0, i - window + 1) : i + 1]
            self.assertTrue(_is_finite_float(average), average)
            tolerance = 0.005 + max(abs(v) for v in chunk) * 1e-15
            self.assertGreaterEqual(average, min(chunk) - tolerance)
            self.assertLessEqual(average, max(chunk) + tolerance)

    @SETTINGS
    @given(st.lists(SERIES_VALUE, max_size=30), st.integers(-3, 30), st.integers(0, 30), NON_FINITE)
    def test_moving_average_rejects_bad_input(self, values, window, position, bad):
        if window >= 1:  # a good window: spoil the series instead
            values.insert(min(position, len(values)), bad)
        with self.assertRaises(ValueError):
            trend.moving_average(values, window)

    @SETTINGS
    @given(st.lists(SERIES_VALUE, max_size=40), st.integers(0, 24), st.integers(1, 12))
    def test_forecast_finite_non_negative(self, values, periods, season):
        try:
            forecast = trend.seasonal_forecast(values, periods, season)
        except ValueError:
            # Only when a forecast does not fit in a float: the largest value x growth ^ seasons ahead.
            last = sum(map(Fraction, values[-season:]))
            before = sum(map(Fraction, values[-2 * season : -season]))
            self.assertGreater(before, 0)
            seasons_ahead = math.ceil(periods / season)
            self.assertGreater(Fraction(max(values)) * (last / before) ** seasons_ahead, Fraction(sys.float_info.max))
            return
        self.assertEqual(len(forecast), periods)
        for value in forecast:
            self.assertTrue(_is_finite_float(value) and value >= 0, value)

    @SETTINGS
    @given(
        st.lists(SERIES_VALUE, max_size=30),
        st.integers(-3, 24),
        st.integers(-3, 12),
        st.integers(0, 30),
        NON_FINITE,
    )
    def test_forecast_rejects_bad_input(self, values, periods, season, position, bad):
        if periods >= 0 and season >= 1:  # good sizes: spoil the series instead
            values.insert(min(position, len(values)), bad)
        with self.assertRaises(ValueError):
            trend.seasonal_forecast(values, periods, season)

    def test_forecast_examples(self):
        self.assertEqual(trend.seasonal_forecast([], 2), [0.0, 0.0])
        self.assertEqual(trend.seasonal_forecast([10.0, 20.0, 30.0], 1), [20.0])
        # Two seasons of 2: growth (30 + 30) / (10 + 20) = 2: 30 x 2, 30 x 2, then the first forecast x 2.
        self.assertEqual(trend.seasonal_forecast([10.0, 20.0, 30.0, 30.0], 3, season=2), [60.0, 60.0, 120.0])
        self.assertEqual(trend.moving_average([1.0, 2.0, 3.0, 4.0], 2), [1.0, 1.5, 2.5, 3.5])
