"""Customer segmentation algorithms, free of the ORM so they can be unit-tested alone.

Everything here works on plain values: the ORM layer (``models/res_partner.py`` and
``models/customer_segmentation.py``) aggregates order history with one SQL query,
feeds these functions and writes the results back in bulk. The purchase rhythm (expected
interval, lifecycle, prediction, propensity) is in ``purchase_rhythm.py``.
"""

import bisect
import collections
import math
from dataclasses import dataclass, field
from datetime import date

from .purchase_rhythm import (  # noqa: F401 - the rhythm functions are part of this module's API
    AT_RISK_FACTOR,
    DEFAULT_INTERVAL_DAYS,
    JUST_ORDERED_DAYS,
    LAPSED_FACTOR,
    LIFECYCLE_STAGES,
    MIN_INTERVAL_DAYS,
    TRUSTED_ORDER_DAYS,
    _finite,
    base_interval,
    expected_interval,
    lifecycle_stage,
    order_intervals,
    own_interval,
    population_intervals,
    predicted_next_order,
    purchase_propensity,
    segment_intervals,
    trusted_interval,
)

# Named RFM segments, from the usual R x F/M grid.
SEGMENTS = [
    ("champions", "Champions"),
    ("loyal", "Loyal"),
    ("potential", "Potential"),
    ("new", "First-time buyers"),
    # Key kept for stored values and filters; not "At risk", the lifecycle stage's label: this
    # is a relative score (valuable customers ordering less recently than most), not a lapse.
    ("at_risk", "Needs attention"),
    ("hibernating", "Hibernating"),
    ("lost", "Lost"),
]


def quintile_breaks(values):
    """Cut points scoring ``values`` 1-5 by quintile of their mid-rank.

    Each distinct value gets ``ceil(5 * (values below + half its ties) / n)``: ties share a
    score, a lone customer scores 3, the smallest and largest of a small population score
    1 and 5. The result is the smallest value reaching each score 2..5 (``inf`` when a score
    is not reached), so that :func:`quintile_score` can score values later, outside the
    population (incremental updates).

    Values must be finite numbers (``ValueError`` otherwise): NaN has no rank, and an
    infinite value could not be told from the ``inf`` of a score not reached.
    """
    counts = collections.Counter(values)
    bad = next((v for v in counts if not _finite(v)), None)
    if bad is not None:
        raise ValueError(f"quintile_breaks: values must be finite numbers, got {bad!r}")
    n = sum(counts.values())
    if not n:
        return []
    first_value_with_score = {}
    below = 0
    for value in sorted(counts):
        count = counts[value]
        score = max(1, math.ceil(5 * (below + count / 2) / n))
        first_value_with_score.setdefault(score, value)
        below += count
    breaks, floor = [], math.inf
    for score in range(5, 1, -1):  # a score not reached takes the next reached one's cut
        floor = first_value_with_score.get(score, floor)
        breaks.append(floor)
    return sorted(breaks)


def quintile_score(value, breaks):
    """Score 1-5 of ``value`` against :func:`quintile_breaks` (higher values score higher).

    ``ValueError`` for NaN, which no break can place.
    """
    if isinstance(value, float) and math.isnan(value):
        raise ValueError(f"quintile_score: cannot score {value!r}")
    if not breaks:
        return 3
    return bisect.bisect_right(breaks, value) + 1


def recency_breaks(days_since_last):
    """Cut points for recency: fewer days since the last order score higher."""
    return quintile_breaks([-d for d in days_since_last])


def recency_score(days_since_last, breaks):
    return quintile_score(-days_since_last, breaks)


def rfm_segment(r, f, m):  # noqa: PLR0911 - a decision table reads best as returns
    """Name the segment of an R, F, M score triple (each 1-5)."""
    fm = (f + m) / 2
    if r >= 4 and fm >= 4:
        return "champions"
    if r >= 4 and f <= 1:
        return "new"
    if r >= 3 and fm >= 3:
        return "loyal"
    if r >= 3:
        return "potential"
    if r == 2 and fm >= 3:
        return "at_risk"
    if r == 2:
        return "hibernating"
    if fm >= 4:
        return "at_risk"
    return "lost"


def frequency_band(f_score):
    return "high" if f_score >= 4 else "mid" if f_score >= 2 else "low"


def spend_band(m_score):
    return "big" if m_score >= 4 else "mid" if m_score >= 2 else "small"


def location_band(company_state, company_country, state, country):
    """'local', 'remote' or None (unknown) for a customer of a company.

    Same state when the company has one; same country only when the company has no state.
    A customer without a state is remote when its country differs, unknown otherwise (the
    same country says nothing about the state)."""
    if company_state:
        if state:
            return "local" if state == company_state else "remote"
        if country and company_country and country != company_country:
            return "remote"
        return None
    if company_country and country:
        return "local" if country == company_country else "remote"
    return None


@dataclass
class TierRule:
    """What :func:`match_tier` needs of a tier (see ``sales.customer.tier``)."""

    id: int
    min_revenue: float = 0.0
    min_order_count: int = 0
    min_tenure_days: int = 0
    country_ids: frozenset = field(default_factory=frozenset)
    state_ids: frozenset = field(default_factory=frozenset)
    channel_ids: frozenset = field(default_factory=frozenset)  # customer bought through one of them


def match_tier(rules, revenue_12m, order_count_12m, tenure_days, country_id, state_id, channel_ids=frozenset()):
    """Id of the first tier (rules in sequence order) whose thresholds, region and channels all match."""
    for rule in rules:
        if rule.country_ids and country_id not in rule.country_ids:
            continue
        if rule.state_ids and state_id not in rule.state_ids:
            continue
        if rule.channel_ids and not rule.channel_ids & channel_ids:
            continue
        if (
            revenue_12m >= rule.min_revenue
            and order_count_12m >= rule.min_order_count
            and tenure_days >= rule.min_tenure_days
        ):
            return rule.id
    return None


@dataclass
class CustomerStats:
    """Aggregated order history of one commercial partner in one company."""

    partner_id: int
    order_count: int  # look-back window
    revenue: float  # look-back window, company currency
    revenue_12m: float
    order_count_12m: int
    lifetime_value: float
    first_order: date
    last_order: date
    order_dates: list
    country_id: int | None = None
    state_id: int | None = None
    total_count: int = 0  # all time
    channel_ids: frozenset = field(default_factory=frozenset)  # channels the customer bought through


@dataclass
class CustomerScores:
    partner_id: int
    recency: int
    frequency: int
    monetary: int
    segment: str
    lifecycle: str
    interval_days: float
    predicted_next: date
    propensity: int
    frequency_band: str
    spend_band: str
    tier_id: int | None


def compute_breaks(stats, today):
    """Quintile cut points of a population, to score it now and incremental updates later.

    Only customers with an order in the look-back window take part.
    """
    stats = [s for s in stats if s.order_count]
    return {
        "recency": recency_breaks([(today - s.last_order).days for s in stats]),
        "frequency": quintile_breaks([s.order_count for s in stats]),
        "monetary": quintile_breaks([s.revenue for s in stats]),
    }


def score_customers(stats, today, breaks=None, segment_fallback=None, tier_rules=()):
    """Score every customer of ``stats``.

    :param breaks: quintile cut points; computed from ``stats`` when not given (full run).
    :param segment_fallback: segment -> interval; computed from ``stats`` when not given.
    :returns: (list of CustomerScores, breaks, segment_fallback)
    """
    if breaks is None:
        breaks = compute_breaks(stats, today)
    rows = []
    for s in stats:
        if s.order_count:
            r = recency_score((today - s.last_order).days, breaks["recency"])
            f = quintile_score(s.order_count, breaks["frequency"])
            m = quintile_score(s.revenue, breaks["monetary"])
        else:  # nothing in the look-back window
            r = f = m = 1
        rows.append((s, r, f, m, rfm_segment(r, f, m)))
    if segment_fallback is None:
        segment_fallback = population_intervals((seg, s.order_dates) for s, _r, _f, _m, seg in rows)
    scores = []
    for s, r, f, m, seg in rows:
        interval = expected_interval(s.order_dates, base_interval(segment_fallback, seg))
        since_last = (today - s.last_order).days
        # Every order day is an order: a count below them (inconsistent stats) is not a prospect.
        order_count = max(s.total_count or 0, s.order_count or 0, len(set(s.order_dates)))
        scores.append(
            CustomerScores(
                partner_id=s.partner_id,
                recency=r,
                frequency=f,
                monetary=m,
                segment=seg,
                lifecycle=lifecycle_stage(order_count, (today - s.first_order).days, since_last, interval),
                interval_days=round(interval, 2),
                predicted_next=predicted_next_order(s.last_order, interval),
                propensity=purchase_propensity(order_count, since_last, interval),
                frequency_band=frequency_band(f),
                spend_band=spend_band(m),
                tier_id=match_tier(
                    tier_rules,
                    s.revenue_12m,
                    s.order_count_12m,
                    (today - s.first_order).days,
                    s.country_id,
                    s.state_id,
                    s.channel_ids,
                ),
            )
        )
    return scores, breaks, segment_fallback
