"""The customer's purchase rhythm: expected interval, lifecycle stage, prediction, propensity.

Plain functions free of the ORM (see ``segmentation.py``, which scores a population with them).
The rules keep the labels a seller reads together from contradicting each other:

* no expected interval is shorter than ``MIN_INTERVAL_DAYS``, the "Just ordered" window (7
  days after an order, when the screens show "Just ordered" instead of a propensity): the
  predicted next order never falls inside it and a customer is never "at risk" within it;
* one order has no interval of its own, and one interval (two order days) is no rhythm: both
  take the population's interval (median rhythm of the segment, then of everyone), the
  latter when it is longer than its own gap.
"""

import math
import statistics
from datetime import date, timedelta
from itertools import pairwise

LIFECYCLE_STAGES = [
    ("prospect", "Prospect"),
    ("new", "New customer"),
    ("active", "Active customer"),  # not "Active": that msgid is the archive flag's (有效)
    ("at_risk", "At risk"),
    ("lapsed", "Lapsed"),
]

# A customer is "at risk" once the time since the last order exceeds this many
# expected intervals, and "lapsed" past the second factor.
AT_RISK_FACTOR = 1.5
LAPSED_FACTOR = 3.0
# Expected interval used when nothing better is known (no customer with a rhythm at all).
DEFAULT_INTERVAL_DAYS = 90.0
# For this many days after an order the screens read "Just ordered" instead of a propensity.
JUST_ORDERED_DAYS = 7
# No expected interval is shorter than the "Just ordered" window: a prediction never falls
# inside it, and "at risk" (1.5 intervals) never comes before 10.5 days without an order.
MIN_INTERVAL_DAYS = float(JUST_ORDERED_DAYS)
# Distinct order days from which a customer's own intervals are a rhythm (two intervals).
TRUSTED_ORDER_DAYS = 3


def _finite(value):
    """Whether ``value`` is a finite number (integers of any size are)."""
    return isinstance(value, int) or math.isfinite(value)


def _as_float(value):
    """``value`` as a float; NaN when it does not fit in one."""
    try:
        return float(value)
    except OverflowError:
        return math.nan


def _as_number(value):
    """``value`` as a float, integers too large for one as an infinity of their sign."""
    try:
        return float(value)
    except OverflowError:
        return math.inf if value > 0 else -math.inf


def _shown(value):
    """``value`` for an error message (``repr`` refuses integers of 4,300+ digits)."""
    try:
        return repr(value)[:40]
    except ValueError:
        return "a huge integer"


def order_intervals(order_dates):
    """Days between consecutive distinct order days."""
    days = sorted(set(order_dates))
    return [(b - a).days for a, b in pairwise(days)]


def own_interval(order_dates):
    """The customer's own inter-purchase interval: median with 3+ orders, mean with 2, else None."""
    intervals = order_intervals(order_dates)
    if not intervals:
        return None
    if len(intervals) >= 2:
        return float(statistics.median(intervals))
    return float(intervals[0])


def trusted_interval(order_dates):
    """:func:`own_interval` when it is a rhythm (``TRUSTED_ORDER_DAYS`` distinct order days), else None."""
    if len(set(order_dates)) < TRUSTED_ORDER_DAYS:
        return None
    return own_interval(order_dates)


def expected_interval(order_dates, population_days):
    """Days expected between two orders of a customer, at least ``MIN_INTERVAL_DAYS``.

    * 3+ distinct order days: the customer's own median interval (a rhythm);
    * 2 order days: the single interval, but not shorter than ``population_days`` (one gap is
      no rhythm: two orders a day apart are more likely one purchase in two parts);
    * 1 order day: ``population_days`` (one order has no interval of its own).

    ``population_days`` is the population's interval (:func:`base_interval`: the median rhythm of
    the customer's segment, then of everyone); ``DEFAULT_INTERVAL_DAYS`` when it is
    missing, not a number, infinite or not positive. The floor of ``MIN_INTERVAL_DAYS`` (the
    "Just ordered" window) keeps the prediction and "at risk" out of that window.
    """
    base = _as_number(population_days) if population_days is not None else math.nan
    if not (math.isfinite(base) and base > 0):
        base = DEFAULT_INTERVAL_DAYS
    own = own_interval(order_dates)
    if own is None:
        interval = base
    elif len(set(order_dates)) < TRUSTED_ORDER_DAYS:
        interval = max(own, base)
    else:
        interval = own
    return max(interval, MIN_INTERVAL_DAYS)


def lifecycle_stage(order_count, days_since_first, days_since_last, interval_days):
    """Stage from the order history and the expected interval.

    Prospect without orders; lapsed past ``LAPSED_FACTOR`` intervals since the last order,
    at risk past ``AT_RISK_FACTOR``; else new (one order, or a first order less than one
    interval ago) or active. The interval is taken as at least ``MIN_INTERVAL_DAYS`` (a
    missing one as ``DEFAULT_INTERVAL_DAYS``), so a customer is never at risk within the
    "Just ordered" window; an infinite interval never comes due. ``ValueError`` when the
    days or the interval are not numbers (NaN).
    """
    if not order_count or order_count <= 0:
        return "prospect"
    interval = _as_number(interval_days or DEFAULT_INTERVAL_DAYS)
    since_last, since_first = _as_number(days_since_last), _as_number(days_since_first)
    if math.isnan(interval) or math.isnan(since_last) or math.isnan(since_first):
        raise ValueError(
            "lifecycle_stage: days since the first and last order and the interval must be numbers, "
            f"got {_shown(days_since_first)}, {_shown(days_since_last)} and {_shown(interval_days)}"
        )
    interval = max(interval, MIN_INTERVAL_DAYS)
    if since_last > interval * LAPSED_FACTOR:
        return "lapsed"
    if since_last > interval * AT_RISK_FACTOR:
        return "at_risk"
    if order_count == 1 or since_first <= interval:
        return "new"
    return "active"


def purchase_propensity(order_count, days_since_last, interval_days):
    """0-100 likelihood of an order soon.

    Rises as the expected next order approaches (days since last / interval -> 1), decays
    exponentially once the customer is overdue, and is damped for customers with few
    orders (less evidence of a rhythm). 0 without orders, without a positive interval or
    before the last order; ``ValueError`` when a figure is not a finite number.
    """
    days, interval = _as_float(days_since_last), _as_float(interval_days or 0)
    if not (_finite(order_count or 0) and math.isfinite(days) and math.isfinite(interval)):
        raise ValueError(
            "purchase_propensity: order count, days since the last order and interval must be finite "
            f"numbers, got {_shown(order_count)}, {_shown(days_since_last)} and {_shown(interval_days)}"
        )
    if not order_count or order_count <= 0 or interval <= 0:
        return 0
    ratio = days / interval  # may overflow to inf: then long overdue, 0
    timing = max(0.0, ratio) if ratio <= 1 else math.exp(-(ratio - 1))
    confidence = 1.0 if order_count >= 5 else 0.5 + 0.1 * order_count
    return max(0, min(100, round(100 * timing * confidence)))


def predicted_next_order(last_order, interval_days):
    """The day after ``last_order`` by the interval (rounded to days); ``date.max`` when that
    is beyond the calendar."""
    try:
        return last_order + timedelta(days=round(interval_days))
    except OverflowError:
        return date.max


def segment_intervals(stats_by_segment):
    """Median interval of each segment's customers with a rhythm (the fallback); ``None``
    entries (customers without a trusted rhythm) are left out."""
    result = {}
    for segment, intervals in stats_by_segment.items():
        known = [i for i in intervals if i is not None]
        if known:
            result[segment] = float(statistics.median(known))
    return result


def population_intervals(rows):
    """Fallback intervals of a population, from ``(segment, order_dates)`` pairs.

    Per segment: the median rhythm (:func:`trusted_interval`) of its customers; ``"*"``: the
    median rhythm of everyone, else the median of everyone's own intervals (a shop whose
    customers have two order days at most), else ``DEFAULT_INTERVAL_DAYS``. A segment such as
    First-time buyers is mostly customers without a rhythm: their one-day gaps are no base for
    the others' predictions.
    """
    by_segment, trusted, own = {}, [], []
    for segment, order_dates in rows:
        interval = trusted_interval(order_dates)
        by_segment.setdefault(segment, []).append(interval)
        if interval is not None:
            trusted.append(interval)
        single = own_interval(order_dates)
        if single is not None:
            own.append(single)
    result = segment_intervals(by_segment)
    known = trusted or own
    result["*"] = float(statistics.median(known)) if known else DEFAULT_INTERVAL_DAYS
    return result


def base_interval(segment_fallback, segment):
    """The fallback interval of ``segment`` (then ``"*"``, then ``DEFAULT_INTERVAL_DAYS``)."""
    fallback = segment_fallback or {}
    return fallback.get(segment, fallback.get("*", DEFAULT_INTERVAL_DAYS))
