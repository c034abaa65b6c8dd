"""Property-based tests (Hypothesis) of the order sheet parsing (tools/order_import.py).

What the parsers promise, on any cell a CSV or XLSX file can hold (text of any kind, NaN,
±infinity, 1e308, integers of thousands of digits, negative numbers, empty cells, dates
from year 1 to 9999):

* ``parse_number`` returns a finite float below ``MAX_NUMBER`` that respects ``minimum`` and
  ``digits``, or raises ``CellError`` whose message starts with the field's label; numbers
  written with a decimal comma or dot, with or without thousands separators, come back as
  written (nothing is silently changed).
* ``parse_date`` returns a naive datetime between ``MIN_DATE`` and ``MAX_DATE``, or raises
  ``CellError`` naming the field; each accepted format reads back the date written.
* ``check_rows`` never raises: every problem is a row error naming its column, and the values
  it keeps are usable as they are.
* ``read_sheet`` gives rows or ``SheetError`` for any bytes.

Runs under Odoo's test runner (BaseCase) and under pytest; no database needed.
"""

import datetime
import math
from decimal import Decimal

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from odoo.tests import BaseCase, tagged

from ..tools import order_import as oi
from ..tools.messages import render

SETTINGS = settings(max_examples=200, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])

NUMBER_TEXT = st.one_of(
    st.from_regex(r"[+-]?[ ]?[0-9 .,\u00a0]{0,14}([eE][+-]?[0-9]{1,4})?", fullmatch=True),
    st.sampled_from(
        ["nan", "NaN", "-nan", "inf", "-inf", "Infinity", "1e308", "1e309", "-1e400", "1,000", "1.000,5", "0,125"]
    ),
)
ANY_CELL = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.sampled_from([10**15, 10**15 - 1]),
    st.builds(lambda: 10**400),  # builds: repr() of a 4,300+ digit integer fails
    st.builds(lambda: -(10**5000)),
    st.floats(),
    st.text(max_size=40),
    NUMBER_TEXT,
    st.dates(),
    st.datetimes(),
    st.datetimes(timezones=st.sampled_from([datetime.timezone(datetime.timedelta(hours=h)) for h in (-12, 0, 14)])),
)
LABELS = tuple(oi.COLUMNS.values())
NBSP = "\u00a0"
IN_RANGE = st.decimals(
    min_value=Decimal("-999999999999.99"), max_value=Decimal("999999999999.99"), places=2, allow_nan=False
)


def grouped(integer, sep):
    text = f"{abs(integer):,}".replace(",", sep)
    return ("-" if integer < 0 else "") + text


def renderings(value):
    """How a spreadsheet user may write ``value`` (a Decimal with 2 decimals)."""
    integer = int(value)
    sign = "-" if value < 0 and integer == 0 else ""
    cents = f"{abs(value) % 1:.2f}"[2:]
    return [
        f"{value}",
        f"{value}".replace(".", ","),
        f"{sign}{grouped(integer, ',')}.{cents}",
        f"{sign}{grouped(integer, '.')},{cents}",
        f"{sign}{grouped(integer, ' ')},{cents}",
        f" {sign}{grouped(integer, NBSP)}.{cents} ",
    ]


@tagged("post_install", "-at_install")
class TestOrderImportProperties(BaseCase):
    def assertNamesField(self, error, label):
        self.assertTrue(str(error).startswith(label), f"{error!s} does not start with {label!r}")

    @SETTINGS
    @given(value=ANY_CELL, label=st.sampled_from(LABELS), digits=st.one_of(st.none(), st.integers(0, 6)))
    @example(value="1e308", label="Quantity", digits=None)
    @example(value=float("nan"), label="Quantity", digits=2)
    def test_parse_number_returns_a_finite_number_or_names_the_field(self, value, label, digits):
        try:
            number = oi.parse_number(value, label, digits=digits)
        except oi.CellError as error:
            self.assertNamesField(error, label)
            return
        self.assertIsInstance(number, float)
        self.assertTrue(math.isfinite(number))
        self.assertLess(abs(number), oi.MAX_NUMBER)
        if digits is not None:
            self.assertLessEqual(abs(number - round(number, digits)), abs(number) * 1e-12)

    @SETTINGS
    @given(value=ANY_CELL, strict=st.booleans())
    def test_minimum_is_respected(self, value, strict):
        try:
            number = oi.parse_number(value, "Quantity", minimum=0, strict=strict)
        except oi.CellError as error:
            self.assertNamesField(error, "Quantity")
            return
        if strict:
            self.assertGreater(number, 0)
        else:
            self.assertGreaterEqual(number, 0)
        self.assertEqual(math.copysign(1, number), 1.0, "never -0.0")

    @SETTINGS
    @given(value=IN_RANGE)
    def test_numbers_read_as_written(self, value):
        for text in renderings(value):
            self.assertEqual(oi.parse_number(text, "Unit Price", digits=2), float(value), text)

    @SETTINGS
    @given(moment=st.datetimes(min_value=oi.MIN_DATE, max_value=oi.MAX_DATE), fmt=st.sampled_from(oi.DATE_FORMATS))
    def test_dates_read_as_written(self, moment, fmt):
        text = moment.strftime(fmt)
        self.assertEqual(oi.parse_date(text, "Order Date"), datetime.datetime.strptime(text, fmt))

    @SETTINGS
    @given(value=ANY_CELL, label=st.sampled_from(("Order Date", "Delivery Date")))
    @example(value="0001-01-01", label="Order Date")
    @example(value=datetime.datetime.max, label="Delivery Date")
    def test_parse_date_returns_a_date_in_range_or_names_the_field(self, value, label):
        try:
            moment = oi.parse_date(value, label)
        except oi.CellError as error:
            self.assertNamesField(error, label)
            return
        self.assertIsInstance(moment, datetime.datetime)
        self.assertIsNone(moment.tzinfo)
        self.assertTrue(oi.MIN_DATE <= moment <= oi.MAX_DATE)

    @SETTINGS
    @given(rows=st.lists(st.lists(ANY_CELL, max_size=9), max_size=8), digits=st.integers(0, 4))
    def test_check_rows_never_raises_and_keeps_only_usable_values(self, rows, digits):
        header = [*oi.COLUMNS, "unknown"]
        checked = oi.check_rows(header, rows, digits={"quantity": digits, "price_unit": digits})
        self.assertEqual([row.number for row in checked], list(range(2, len(rows) + 2)))
        for row in checked:
            for error in map(render, row.errors):  # lazy translations: their English text
                self.assertTrue(error.startswith((*LABELS, "Order ")), error)
            for column in ("quantity", "price_unit"):
                if column in row.values:
                    number = row.values[column]
                    self.assertTrue(isinstance(number, float) and math.isfinite(number), number)
                    self.assertTrue(0 < number < oi.MAX_NUMBER if column == "quantity" else 0 <= number)
            for column in ("date_order", "commitment_date"):
                if column in row.values:
                    self.assertTrue(oi.MIN_DATE <= row.values[column] <= oi.MAX_DATE)

    @SETTINGS
    @given(content=st.one_of(st.binary(max_size=300), st.binary(max_size=300).map(lambda b: b"PK" + b)))
    def test_read_sheet_gives_rows_or_a_sheet_error(self, content):
        try:
            header, rows = oi.read_sheet(content, "orders.csv")
        except oi.SheetError as error:
            self.assertTrue(str(error))
            return
        self.assertTrue(set(oi.REQUIRED) <= set(header))
        self.assertTrue(rows)
