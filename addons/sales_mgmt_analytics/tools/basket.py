"""Basket analysis: support, confidence and lift of product pairs.

Over a population of N orders (baskets), for products A and B:

* support (A, B) = orders holding both / N
* confidence (A → B) = orders holding both / orders holding A (P(B | A))
* lift (A → B) = confidence / (orders holding B / N) = both x N / (A's orders x B's orders):
  1 when A and B are bought together as often as by chance, above 1 more often. Support and
  lift are the same both ways, confidence is not.

Counts are non-negative integers (integral floats are accepted) with both ≤ each product's
count ≤ N; anything else (negative, fractional, NaN, infinite, None) is refused with
``ValueError``. An empty population (or a product in no order) gives zeros.
"""

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Pair:
    product_a: int
    product_b: int
    together: int  # baskets holding both
    support: float  # together / baskets
    confidence: float  # together / baskets holding A (P(B|A))
    lift: float  # confidence / P(B)


def _count(value, name):
    """``value`` as a non-negative int; ``ValueError`` when it is not one."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{name} is not a count: {value!r}")
    if isinstance(value, float) and not (math.isfinite(value) and value.is_integer()):
        raise ValueError(f"{name} is not a count: {value!r}")
    if value < 0:
        raise ValueError(f"{name} is negative: {value!r}")
    return int(value)


def pair_metrics(baskets, together, count_a, count_b):
    """Support, confidence (A → B) and lift of a pair from basket counts (see the module)."""
    baskets = _count(baskets, "baskets")
    together = _count(together, "together")
    count_a = _count(count_a, "count_a")
    count_b = _count(count_b, "count_b")
    if together > min(count_a, count_b) or max(count_a, count_b) > baskets:
        raise ValueError(f"inconsistent counts: {together} together, {count_a} and {count_b} orders, {baskets} baskets")
    if not baskets or not count_a or not count_b:
        return 0.0, 0.0, 0.0
    support = together / baskets
    confidence = together / count_a
    # Exact integer products, one correctly rounded division: the same both ways, never
    # overflowing (lift ≤ baskets).
    lift = together * baskets / (count_a * count_b)
    return round(support, 6), round(confidence, 6), round(lift, 4)


def pairs_from_counts(baskets, pair_counts, product_counts, min_support=0.0):
    """Both directions (A → B and B → A) of each counted pair reaching ``min_support``.

    ``min_support``: a share between 0 and 1 (``ValueError`` otherwise); ``product_counts``
    must count every product of ``pair_counts``.
    """
    if not (isinstance(min_support, int | float) and math.isfinite(min_support) and 0 <= min_support <= 1):
        raise ValueError(f"the minimum support is a share between 0 and 1, not {min_support!r}")
    result = []
    for (a, b), together in pair_counts.items():
        if a not in product_counts or b not in product_counts:
            raise ValueError(f"no order count for product {a if a not in product_counts else b}")
        for x, y in ((a, b), (b, a)):
            support, confidence, lift = pair_metrics(baskets, together, product_counts[x], product_counts[y])
            if support >= min_support:
                result.append(Pair(x, y, together, support, confidence, lift))
    result.sort(key=lambda p: (-p.lift, -p.support, p.product_a, p.product_b))
    return result
