"""Order confirmation checks, on plain figures (the ORM layer gathers them)."""

from dataclasses import dataclass


@dataclass
class CreditFigures:
    """Company-currency figures of one commercial partner at confirmation time."""

    limit: float  # 0 = no limit
    receivable: float  # posted, unreconciled receivable residuals (credit notes count negative)
    to_invoice: float  # confirmed orders not yet invoiced, other than this one
    order_amount: float  # this order
    overdue: float  # receivable residuals past their due date + allowed days
    blocked: bool = False

    @property
    def exposure(self):
        return self.receivable + self.to_invoice + self.order_amount


def credit_failures(figures, rounding=0.005):
    """List of (check, figures dict) that fail; empty when the credit policy is met."""
    failures = []
    if figures.blocked:
        failures.append(("blocked", {}))
    if figures.limit > 0 and figures.exposure - figures.limit > rounding:
        failures.append(("credit_limit", {"credit_limit": figures.limit, "exposure": figures.exposure}))
    if figures.overdue > rounding:
        failures.append(("overdue", {"overdue_amount": figures.overdue}))
    return failures


def stock_shortages(needs, free, forecast, rounding=1e-6):
    """Products whose ordered quantity exceeds what is free now and forecast by the commitment date.

    :param needs: {product_id: quantity in the product's unit}
    :param free: {product_id: on hand - reserved in the warehouse}
    :param forecast: {product_id: forecast quantity at the commitment date}
    :returns: [(product_id, ordered, available, missing)]
    """
    shortages = []
    for product_id, qty in needs.items():
        available = max(free.get(product_id, 0.0), forecast.get(product_id, 0.0))
        if qty - available > rounding:
            shortages.append((product_id, qty, available, qty - available))
    return shortages
