"""Order confirmation checks on plain figures (the ORM layer gathers them).

A batch of orders is checked in sequence: each order is evaluated against what is already
committed outside the batch *plus* what the batch's earlier accepted orders take (credit
exposure, free stock). An order that fails takes nothing, so it cannot push a later order
over a limit. The ledgers below hold those running figures; the ORM layer loads them with
one query per figure for the whole batch.
"""

import math
from dataclasses import dataclass, field

ROUNDING = 0.005


@dataclass
class CreditAccount:
    """Company-currency figures of one commercial partner in one company."""

    limit: float = 0.0  # 0 = no limit
    receivable: float = 0.0  # posted, unreconciled receivable residuals (credit notes count negative)
    to_invoice: float = 0.0  # confirmed orders: ordered and not yet invoiced (tax included)
    overdue: float = 0.0  # receivable residuals past their due date + allowed days
    blocked: bool = False
    accepted: float = 0.0  # orders of the current batch accepted so far

    def exposure(self, amount=0.0):
        return self.receivable + self.to_invoice + self.accepted + amount


def _finite(value):
    return isinstance(value, int | float) and math.isfinite(value)


def credit_failures(account, amount, rounding=ROUNDING):
    """[(check, values)] that fail for an order of ``amount`` on ``account``.

    A figure that is not a finite number never passes: it fails the credit limit check (when
    there is a limit) rather than slipping through a comparison with NaN.
    """
    failures = []
    if account.blocked:
        failures.append(("blocked", {}))
    exposure = account.exposure(amount)
    if account.limit and account.limit > 0:
        if not (_finite(exposure) and _finite(account.limit)) or exposure - account.limit > rounding:
            failures.append(("credit_limit", {"credit_limit": account.limit, "exposure": exposure}))
    overdue = account.overdue
    if not _finite(overdue) or overdue > rounding:
        failures.append(("overdue", {"overdue_amount": overdue}))
    return failures


@dataclass
class CreditLedger:
    """Credit accounts keyed by (partner id, company id), with the batch's running exposure."""

    accounts: dict = field(default_factory=dict)

    def evaluate(self, keys, amount):
        """[(key, check, values)] failing for an order of ``amount`` charged to every key."""
        return [(key, check, values) for key in keys for check, values in credit_failures(self.accounts[key], amount)]

    def accept(self, keys, amount):
        for key in keys:
            self.accounts[key].accepted += amount


@dataclass
class StockLedger:
    """Free and forecast quantities keyed by (warehouse id, product id), in product units."""

    free: dict = field(default_factory=dict)
    forecast: dict = field(default_factory=dict)
    taken: dict = field(default_factory=dict)
    rounding: float = 1e-6

    def available(self, key):
        taken = self.taken.get(key, 0.0)
        return max(self.free.get(key, 0.0) - taken, self.forecast.get(key, 0.0) - taken)

    def evaluate(self, needs):
        """[(key, ordered, available, missing)] of the keys whose need exceeds what is left."""
        shortages = []
        for key, qty in needs.items():
            available = self.available(key)
            if not _finite(qty) or qty - available > self.rounding:
                shortages.append((key, qty, available, qty - available))
        return shortages

    def accept(self, needs):
        for key, qty in needs.items():
            self.taken[key] = self.taken.get(key, 0.0) + qty
