"""KPI definitions: ratios from the counts and sums the SQL aggregates return.

Every KPI is a ratio of two additive figures, so a group's KPI is computed from the group's
sums, never by averaging ratios. Definitions are in the README.
"""

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


def ratio(numerator, denominator, factor=1.0):
    """numerator / denominator x factor, rounded to 2 decimals; None when nothing to divide by."""
    if not denominator:
        return None
    return round(factor * (numerator or 0.0) / denominator, 2)


@dataclass
class KpiRow:
    key: object  # the group's value (channel id, team id, user id or None)
    figures: dict = field(default_factory=dict)

    def add(self, figure, value):
        self.figures[figure] = self.figures.get(figure, 0) + (value or 0)

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
