"""Sales targets: attainment, weighted performance score and competition ranking."""

ATTAINMENT_CAP = 2.0  # one metric at 500% cannot hide three at zero


def attainment(actual, target):
    """Actual / target (None when the metric is not targeted, i.e. target <= 0)."""
    if not target or target <= 0:
        return None
    return (actual or 0.0) / target


def score(attainments, weights, cap=ATTAINMENT_CAP):
    """Weighted mean attainment in percent over the targeted metrics with a positive weight.

    ``attainments`` and ``weights`` are dicts keyed by metric; metrics whose attainment is None
    (not targeted) or whose weight is 0 are left out and the weights renormalised.
    """
    total = weighted = 0.0
    for metric, value in attainments.items():
        weight = weights.get(metric) or 0.0
        if value is None or weight <= 0:
            continue
        total += weight
        weighted += weight * min(value, cap)
    return round(100.0 * weighted / total, 2) if total else 0.0


def competition_ranks(scores):
    """{key: rank} with ties sharing a rank ("1, 2, 2, 4"); highest score first."""
    ordered = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
    ranks, previous, rank = {}, None, 0
    for position, (key, value) in enumerate(ordered, start=1):
        if value != previous:
            rank, previous = position, value
        ranks[key] = rank
    return ranks
