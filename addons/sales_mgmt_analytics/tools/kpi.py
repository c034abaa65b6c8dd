"""KPI definitions: ratios from the counts and sums the SQL aggregates return.

Every KPI is a ratio of two additive figures, so a group's KPI is computed from the group's
sums, never by averaging ratios. Definitions are in the README.

Figures are finite numbers: a NaN or infinite figure is refused with ``ValueError`` (it can only
come from corrupt data, and would otherwise spread to every ratio built on it).
"""

import math
from dataclasses import dataclass, field

# (kpi, numerator figure, denominator figure, factor)
RATIOS = (
    ("lead_conversion", "leads_won", "leads_closed", 100.0),
    ("quotation_conversion", "quotations_confirmed", "quotations", 100.0),
    ("deal_cycle_days", "deal_cycle_days_sum", "leads_won", 1.0),
    ("quote_cycle_days", "quote_cycle_days_sum", "orders", 1.0),
    ("average_order_value", "revenue", "orders", 1.0),
    ("repeat_purchase_rate", "customers_repeat", "customers", 100.0),
    ("target_attainment", "target_actual", "target_revenue", 100.0),
    ("complaint_rate", "complaints", "orders", 100.0),
)

FIGURES = (
    "leads_won",
    "leads_closed",
    "deal_cycle_days_sum",
    "quotations",
    "quotations_confirmed",
    "orders",
    "quote_cycle_days_sum",
    "revenue",
    "customers",
    "customers_new",
    "customers_returning",
    "customers_repeat",
    "target_revenue",
    "target_actual",
    "complaints",
)


def check_finite(value, name="value"):
    """``value`` (None counts as 0) as a number; ``ValueError`` when it is NaN or infinite."""
    if value is None:
        return 0
    try:
        finite = math.isfinite(value)
    except OverflowError:  # an integer beyond the float range
        finite = False
    if not finite:
        raise ValueError(f"{name} is not a finite number: {value!r}")
    return value


def ratio(numerator, denominator, factor=1.0):
    """numerator / denominator x factor, rounded to 2 decimals.

    None when there is nothing to divide by (denominator None or zero); a missing numerator
    counts as 0. ``ValueError`` when an input is NaN or infinite, or when the ratio does not
    fit in a float. Never returns NaN, infinity or -0.0.
    """
    numerator = check_finite(numerator, "numerator")
    denominator = check_finite(denominator, "denominator")
    factor = check_finite(factor, "factor")
    if not denominator:
        return None
    try:
        # Divide first: factor x numerator may overflow where the ratio does not.
        value = factor * (numerator / denominator)
    except OverflowError as error:  # integers too large for a float
        raise ValueError(f"ratio {numerator!r} / {denominator!r} is out of range") from error
    if not math.isfinite(value):
        raise ValueError(f"ratio {numerator!r} / {denominator!r} x {factor!r} is out of range")
    return round(value, 2) + 0.0  # + 0.0: no -0.0


@dataclass
class KpiRow:
    key: object  # the group's value (channel id, team id, user id or None)
    figures: dict = field(default_factory=dict)

    def add(self, figure, value):
        """Add ``value`` (None counts as 0) to ``figure``; ``ValueError`` for NaN, infinity or a sum
        beyond the float range."""
        total = self.figures.get(figure, 0) + check_finite(value, figure)
        self.figures[figure] = check_finite(total, figure)

    def kpis(self):
        result = {name: self.figures.get(name, 0) for name in FIGURES}
        for name, numerator, denominator, factor in RATIOS:
            result[name] = ratio(self.figures.get(numerator), self.figures.get(denominator), factor)
        return result


def combine(rows_by_figure):
    """{figure: [(key, value), ...]} → {key: KpiRow}, keys sorted with None (no group) last."""
    rows = {}
    for figure, pairs in rows_by_figure.items():
        for key, value in pairs:
            rows.setdefault(key, KpiRow(key)).add(figure, value)
    return dict(sorted(rows.items(), key=lambda item: (item[0] is None, str(item[0]))))
