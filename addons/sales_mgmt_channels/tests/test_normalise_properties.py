"""Property-based tests (Hypothesis) of the normalised order format (tools/normalise.py).

What the normaliser promises for any payload a channel may send (NaN, ±infinity, 1e308,
integers of thousands of digits, negative amounts, empty strings, odd dates and offsets,
deeply nested JSON, HTML):

* ``parse_decimal`` never raises: it returns the exact Decimal, finite, below ``MAX_AMOUNT``
  and not below ``minimum``, or appends an error starting with the field's label.
* ``parse_datetime`` never raises: a naive UTC datetime for the same instant, or ``None``
  with an error naming the field.
* ``loads`` gives a dict or ``PayloadError``; ``clean_text`` never raises, keeps the text as
  received (tags included, surrounding whitespace trimmed) or names the field in an error for
  control characters and more than ``limit`` characters.
* ``parse_order`` gives a ``NormalisedOrder`` whose total matches its lines to the cent, or
  ``PayloadError``: never another exception.

Runs under Odoo's test runner (BaseCase) and under pytest; no database needed.
"""

import time
from datetime import datetime, timedelta, timezone
from decimal import Decimal, localcontext

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from odoo.tests import BaseCase, tagged

from odoo.addons.sales_mgmt_core.tools.messages import render

from ..tools import normalise
from ..tools.normalise import CONTROL_RE, MAX_AMOUNT, NormalisedOrder, PayloadError
from .test_normalise_unit import order

SETTINGS = settings(max_examples=200, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])

NUMBER_TEXT = st.one_of(
    st.from_regex(r"[ +-]?[0-9]{0,20}(\.[0-9]{0,6})?([eE][+-]?[0-9]{1,7})? ?", fullmatch=True),
    st.sampled_from(["nan", "-NaN", "sNaN", "inf", "-Infinity", "1e308", "1e999999", "1e-999999", "1_000", "1,5"]),
)
ANY_VALUE = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.sampled_from([10**15, 10**15 - 1]),
    st.builds(lambda: 10**400),  # builds: repr() of a 4,300+ digit integer fails
    st.builds(lambda: -(10**5000)),
    st.floats(),
    st.text(max_size=30),
    NUMBER_TEXT,
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)
CLEAN_AMOUNT = st.one_of(
    st.decimals(min_value=Decimal("0.01"), max_value=Decimal("1e9"), places=2, allow_nan=False).map(str),
    st.integers(1, 10**6),
    st.floats(0.01, 1e6).map(lambda f: round(f, 2)),
    st.sampled_from(["999999999.99", "1e8", 1e8]),
)
AMOUNT = st.one_of(CLEAN_AMOUNT, st.sampled_from([0, "0", "-0.01", -1]), ANY_VALUE)
OFFSETS = st.sampled_from([timezone(timedelta(hours=h, minutes=m)) for h, m in ((-12, 0), (0, 0), (5, 30), (14, 0))])


def exact_total(lines, shipping, tax):
    """The total the lines give, or None when an amount is not a plain number."""
    try:
        with localcontext() as context:
            context.prec = 100
            amounts = [(Decimal(str(l["quantity"])), Decimal(str(l["unit_price"]))) for l in lines]  # noqa: E741
            total = sum((q * p for q, p in amounts), Decimal(0)) + Decimal(str(shipping)) + Decimal(str(tax))
            return str(total.quantize(Decimal("0.01"))) if total.is_finite() else None
    except (ArithmeticError, ValueError):  # not a number, or an integer too long for str()
        return None


@st.composite
def payloads(draw):
    """Orders with clean amounts and their exact total (to be accepted), or with any values."""
    clean = draw(st.booleans())
    amount = CLEAN_AMOUNT if clean else AMOUNT
    line = st.fixed_dictionaries(
        {"id": st.text(min_size=1, max_size=4), "sku": st.sampled_from(["A", "B"]), "quantity": amount},
        optional={"unit_price": amount},
    ).map(lambda line: {**line, "unit_price": line.get("unit_price", "1")})
    lines = draw(st.lists(line, min_size=1, max_size=4, unique_by=lambda line: line["id"]))
    shipping, tax = draw(amount), draw(amount)
    total = exact_total(lines, shipping, tax) if clean else draw(st.one_of(st.none(), AMOUNT))
    updated = st.datetimes(timezones=OFFSETS).map(datetime.isoformat)
    updated = draw(updated if clean else st.one_of(updated, ANY_VALUE))
    return order(lines=lines, shipping=shipping, tax=tax, total=total, updated_at=updated)


@tagged("post_install", "-at_install")
class TestNormaliseProperties(BaseCase):
    @SETTINGS
    @given(value=ANY_VALUE, minimum=st.sampled_from([None, 0]), default=st.sampled_from([None, Decimal(0)]))
    @example(value="1e999999", minimum=0, default=None)
    @example(value=float("-inf"), minimum=0, default=None)
    def test_parse_decimal_is_a_finite_number_or_an_error_naming_the_field(self, value, minimum, default):
        errors = []
        number = normalise.parse_decimal(value, errors, "line 1 unit_price", minimum=minimum, default=default)
        self.assertIsInstance(number, Decimal)
        self.assertTrue(number.is_finite())
        self.assertLess(abs(number), MAX_AMOUNT)
        for error in map(render, errors):  # lazy translations: their English text
            self.assertTrue(error.startswith("line 1 unit_price "), error)
        if not errors and minimum is not None:
            self.assertGreaterEqual(number, minimum)

    @SETTINGS
    @given(value=st.decimals(min_value=-MAX_AMOUNT + 1, max_value=MAX_AMOUNT - 1, allow_nan=False))
    def test_amounts_are_kept_exactly(self, value):
        errors = []
        self.assertEqual(normalise.parse_decimal(str(value), errors, "total"), value)
        self.assertEqual(list(map(render, errors)), [])

    @SETTINGS
    @given(moment=st.datetimes(timezones=OFFSETS))
    @example(moment=datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=14))))
    @example(moment=datetime(9999, 12, 31, 23, 59, tzinfo=timezone(timedelta(hours=-12))))
    def test_dates_become_the_same_instant_in_naive_utc(self, moment):
        errors = []
        parsed = normalise.parse_datetime(moment.isoformat(), errors, "updated_at")
        try:
            expected = moment.astimezone(timezone.utc).replace(tzinfo=None)
        except OverflowError:
            self.assertIsNone(parsed)
            self.assertEqual(list(map(render, errors)), [f"updated_at is out of range: {moment.isoformat()[:40]!r}"])
            return
        self.assertEqual((parsed, list(map(render, errors))), (expected, []))

    @SETTINGS
    @given(value=st.one_of(ANY_VALUE, st.datetimes().map(lambda d: d.strftime("%Y/%m/%d %H:%M:%S"))))
    def test_parse_datetime_never_raises(self, value):
        errors = []
        parsed = normalise.parse_datetime(value, errors, "updated_at")
        if parsed is None:
            self.assertTrue(errors and all(render(e).startswith("updated_at ") for e in errors), errors)
        else:
            self.assertIsInstance(parsed, datetime)
            self.assertIsNone(parsed.tzinfo)

    @SETTINGS
    @given(payload=st.one_of(st.text(max_size=50), st.binary(max_size=50), ANY_VALUE))
    @example(payload="[" * 100_000)
    @example(payload=b'{"a": ' * 50_000)
    def test_loads_gives_a_dict_or_payload_error(self, payload):
        try:
            self.assertIsInstance(normalise.loads(payload), dict)
        except PayloadError as error:
            self.assertTrue(error.errors)

    @SETTINGS
    @given(
        value=st.one_of(ANY_VALUE, st.text(alphabet="<>ab/ \x00\x07\t\n\u0085", max_size=60)),
        limit=st.integers(1, 50),
        required=st.booleans(),
    )
    def test_clean_text_keeps_text_as_received_or_names_the_field(self, value, limit, required):
        errors = []
        text = normalise.clean_text(value, errors, "customer name", required=required, limit=limit)
        self.assertIsInstance(text, str)
        self.assertLessEqual(len(text), limit)
        self.assertTrue(all(render(e).startswith("customer name ") for e in errors), errors)
        if not errors and isinstance(value, str):
            self.assertEqual(text, value.strip(), "nothing the buyer typed is altered")
        if isinstance(value, str) and CONTROL_RE.search(value.strip()):
            self.assertTrue(errors, "a control character fails the field")

    def test_clean_text_is_linear(self):
        for text in ("<" * 200_000, "<a" * 100_000 + ">"):
            start = time.process_time()
            normalise.clean_text(text, [], "note", limit=10**6)
            self.assertLess(time.process_time() - start, 5, "quadratic tag stripping")
        self.assertEqual(normalise.strip_tags("<a <b>c <i>d</i> e<"), "c d e<")

    @SETTINGS
    @given(payload=payloads(), include_tax=st.booleans())
    def test_parse_order_gives_an_order_or_payload_error(self, payload, include_tax):
        try:
            parsed = normalise.parse_order(payload, prices_include_tax=include_tax)
        except PayloadError as error:
            self.assertTrue(error.errors)
            return
        self.assertIsInstance(parsed, NormalisedOrder)
        self.assertIsNone(parsed.updated_at.tzinfo)
        with localcontext() as context:
            context.prec = 100
            difference = parsed.computed_total(include_tax) - parsed.total
        self.assertLess(abs(difference), Decimal("0.01"))
        for line in parsed.lines:
            self.assertTrue(0 < line.quantity < MAX_AMOUNT)
            self.assertTrue(0 <= line.unit_price < MAX_AMOUNT)

    def test_huge_amounts_are_refused_not_crashing(self):
        for value in (10**5000, "1E1000000", 1e308, "1e15"):
            errors = []
            self.assertEqual(normalise.parse_decimal(value, errors, "total"), 0)
            self.assertRegex(
                render(errors[0]), r"^total is too large: 1\.000000E\+\d+ \(at most 999999999999999\.99\)$"
            )
        lines = [{"id": "L", "sku": "A", "quantity": "999999999999999", "unit_price": "999999999999999.99"}]
        with self.assertRaisesRegex(PayloadError, "does not match"):
            normalise.parse_order(order(lines=lines, shipping=0, total="999999999999999.99"))
        lines[0]["unit_price"] = "1e30"
        with self.assertRaisesRegex(PayloadError, r"line 1 unit_price is too large: 1\.000000E\+30"):
            normalise.parse_order(order(lines=lines, shipping=0, total="1e30"))
