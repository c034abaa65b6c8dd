"""Property-based tests of the plain-Python approval ledgers (tools/approval.py).

Random batches, including NaN, infinities, huge and negative amounts and empty batches; run
by Odoo's test runner (BaseCase) and by pytest.
"""

import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from odoo.tests import BaseCase, tagged

from ..tools.approval import ROUNDING, CreditAccount, CreditLedger, StockLedger, credit_failures

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
any_float = st.floats(allow_nan=True, allow_infinity=True)
money = st.floats(min_value=0, max_value=1e12, allow_nan=False, allow_infinity=False)
quantity = st.floats(min_value=0, max_value=1e9, allow_nan=False, allow_infinity=False)


def greedy_credit(account, amounts):
    """Reference: accept each order whose exposure stays within the limit, in sequence."""
    ledger = CreditLedger({"k": account})
    accepted = []
    for amount in amounts:
        if not ledger.evaluate(["k"], amount):
            ledger.accept(["k"], amount)
            accepted.append(amount)
    return accepted


@tagged("post_install", "-at_install")
class TestApprovalProperties(BaseCase):
    @SETTINGS
    @given(limit=money.filter(lambda x: x > 0), receivable=money, amounts=st.lists(money, max_size=30))
    def test_a_batch_never_exceeds_the_limit(self, limit, receivable, amounts):
        account = CreditAccount(limit=limit, receivable=receivable)
        accepted = greedy_credit(account, amounts)
        if accepted:
            self.assertLessEqual(receivable + sum(accepted) - limit, ROUNDING * (1 + 1e-9) + limit * 1e-12)

    @SETTINGS
    @given(limit=money.filter(lambda x: x > 0), amounts=st.lists(money, max_size=30))
    def test_each_order_alone_decides_like_the_batch_when_nothing_precedes(self, limit, amounts):
        """The first order of a batch is judged exactly as if it were alone."""
        if not amounts:
            self.assertEqual(greedy_credit(CreditAccount(limit=limit), amounts), [])
            return
        alone = not credit_failures(CreditAccount(limit=limit), amounts[0])
        batch = greedy_credit(CreditAccount(limit=limit), amounts)
        self.assertEqual(alone, bool(batch) and batch[0] == amounts[0] and amounts[0] - limit <= ROUNDING)

    @SETTINGS
    @given(amount=any_float, limit=any_float, receivable=any_float, overdue=any_float)
    def test_non_finite_figures_never_pass_silently(self, amount, limit, receivable, overdue):
        account = CreditAccount(limit=limit, receivable=receivable, overdue=overdue)
        failures = {check for check, _values in credit_failures(account, amount)}
        if not math.isfinite(overdue) or overdue > ROUNDING:
            self.assertIn("overdue", failures)
        if limit > 0 and not all(math.isfinite(x) for x in (amount, limit, receivable)):
            self.assertIn("credit_limit", failures)
        if not (limit > 0):  # no limit (0, negative or NaN): the limit check never fires
            self.assertNotIn("credit_limit", failures)

    @SETTINGS
    @given(blocked=st.booleans(), amount=money)
    def test_blocked_always_holds(self, blocked, amount):
        failures = {check for check, _values in credit_failures(CreditAccount(blocked=blocked), amount)}
        self.assertEqual("blocked" in failures, blocked)

    @SETTINGS
    @given(
        free=quantity,
        forecast=st.floats(min_value=-1e9, max_value=1e9, allow_nan=False),
        needs=st.lists(quantity, max_size=30),
    )
    def test_stock_batch_never_takes_more_than_available(self, free, forecast, needs):
        ledger = StockLedger(free={"p": free}, forecast={"p": forecast})
        taken = 0.0
        for qty in needs:
            if not ledger.evaluate({"p": qty}):
                ledger.accept({"p": qty})
                taken += qty
        self.assertLessEqual(taken, max(free, forecast, 0.0) + 1e-6 * (1 + len(needs)))
        self.assertAlmostEqual(ledger.taken.get("p", 0.0), taken)

    @SETTINGS
    @given(qty=any_float, free=quantity)
    def test_stock_non_finite_need_is_a_shortage(self, qty, free):
        shortages = StockLedger(free={"p": free}).evaluate({"p": qty})
        if not math.isfinite(qty):
            self.assertTrue(shortages)
        elif qty <= free:
            self.assertFalse(shortages)

    def test_empty_batch(self):
        self.assertEqual(CreditLedger().evaluate([], 100.0), [])
        self.assertEqual(StockLedger().evaluate({}), [])
