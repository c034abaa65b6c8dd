"""Basket analysis: support, confidence and lift of product pairs."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Pair:
    product_a: int
    product_b: int
    together: int  # baskets holding both
    support: float  # together / baskets
    confidence: float  # together / baskets holding A (P(B|A))
    lift: float  # confidence / P(B)


def pair_metrics(baskets, together, count_a, count_b):
    """Support, confidence (A → B) and lift of a pair from basket counts."""
    if not baskets or not count_a or not count_b:
        return 0.0, 0.0, 0.0
    support = together / baskets
    confidence = together / count_a
    lift = confidence / (count_b / baskets)
    return round(support, 6), round(confidence, 6), round(lift, 4)


def pairs_from_counts(baskets, pair_counts, product_counts, min_support=0.0):
    """Both directions (A → B and B → A) of each counted pair reaching ``min_support``."""
    result = []
    for (a, b), together in pair_counts.items():
        for x, y in ((a, b), (b, a)):
            support, confidence, lift = pair_metrics(baskets, together, product_counts[x], product_counts[y])
            if support >= min_support:
                result.append(Pair(x, y, together, support, confidence, lift))
    result.sort(key=lambda p: (-p.lift, -p.support, p.product_a, p.product_b))
    return result
