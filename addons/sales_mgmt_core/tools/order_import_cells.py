"""The cells of an order sheet: numbers and dates as typed, or an error naming the column.

Pure Python, part of :mod:`.order_import` (which re-exports these names). Nothing received is
silently changed: a value is used as written, or refused with a message (an Odoo lazy
translation: English in ``str(error)``, the reader's language with ``error.render(env)``)
naming the column, what was expected and what the cell holds.
"""

import datetime
import math
import re
from decimal import Decimal

from odoo.tools.translate import LazyTranslate

from .messages import TranslatableError

_lt = LazyTranslate(__name__, default_lang="en_US")

DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y", "%Y/%m/%d", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S")
# Numbers from this magnitude on are refused: floats no longer hold their cents, and Odoo's
# rounding of quantities and amounts overflows long before 1e308.
MAX_NUMBER = 1e15
# Dates outside these years are typing errors; near year 1 or 9999 Odoo's time zone
# conversions and date arithmetic (delivery lead times) overflow.
MIN_DATE = datetime.datetime(1900, 1, 1)
MAX_DATE = datetime.datetime(2999, 12, 31, 23, 59, 59)
NUMBER_RE = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
GROUPED_RE = {sep: re.compile(rf"[+-]?[0-9]{{1,3}}(?:\{sep}[0-9]{{3}})+") for sep in ",."}
THOUSANDS_OR_DECIMALS_RE = re.compile(r"[+-]?[1-9][0-9]{0,2},[0-9]{3}")
NOT_FINITE = {"nan", "snan", "qnan", "inf", "infinity"}


class CellError(TranslatableError, ValueError):
    """One cell cannot be used: the message names its column, what was expected and what came."""


def _shown(value):
    """The cell as the user typed it, short enough for a message."""
    if isinstance(value, int) and abs(value) >= 10**30:  # longer than shown; str() refuses 4,300+ digits
        return f"~{'-' if value < 0 else ''}1e{int(abs(value).bit_length() * math.log10(2))}"
    return str(value).strip()[:30]


def _decimals(number):
    """Significant decimals of a finite Decimal (trailing zeros do not count)."""
    _sign, digits, exponent = number.as_tuple()
    zeros = len(digits) - len("".join(map(str, digits)).rstrip("0"))
    return max(0, -(exponent + zeros)) if any(digits) else 0


def _number_text(text, label):
    """The text of a number cell in Python's notation; a comma or a dot may separate the
    decimals, either may group thousands when the other one separates the decimals."""
    compact = re.sub(r"[ \u00a0\u202f]", "", text)
    if compact.lower().lstrip("+-") in NOT_FINITE:
        raise CellError(_not_finite(label, text))
    if "," in compact and "." in compact:
        decimal_sep = "," if compact.rfind(",") > compact.rfind(".") else "."
        group_sep = "." if decimal_sep == "," else ","
        integer, _sep, fraction = compact.rpartition(decimal_sep)
        if GROUPED_RE[group_sep].fullmatch(integer):
            compact = integer.replace(group_sep, "") + "." + fraction
    elif compact.count(",") > 1 or compact.count(".") > 1:
        group_sep = "," if "," in compact else "."
        if GROUPED_RE[group_sep].fullmatch(compact):
            compact = compact.replace(group_sep, "")
    elif "," in compact:
        if THOUSANDS_OR_DECIMALS_RE.fullmatch(compact):
            integer, _sep, fraction = compact.partition(",")
            raise CellError(
                _lt(
                    "%(label)s: '%(value)s' is ambiguous (the comma may separate thousands or decimals: "
                    "write %(thousands)s or %(decimals)s).",
                    label=label,
                    value=_shown(text),
                    thousands=f"{integer}{fraction}",
                    decimals=f"{integer}.{fraction}",
                )
            )
        compact = compact.replace(",", ".")
    if not NUMBER_RE.fullmatch(compact):
        raise CellError(_not_a_number(label, text))
    return compact


def _not_a_number(label, value):
    return _lt(
        "%(label)s: '%(value)s' is not a number (expected digits such as 12 or 12.5).", label=label, value=_shown(value)
    )


def _not_finite(label, value):
    return _lt(
        "%(label)s: '%(value)s' is not a finite number (expected digits such as 12 or 12.5).",
        label=label,
        value=_shown(value),
    )


def parse_number(value, label="Value", minimum=None, strict=False, digits=None):
    """The finite float a cell holds, or :class:`CellError` naming ``label``.

    Accepts numbers and text like ``12``, ``-3.5``, ``1 234,50``, ``1.234,50``, ``1,234.50``
    or ``2e3``. Refused, never changed: text that is no number, NaN and infinities, numbers
    of :data:`MAX_NUMBER` or more, a lone comma before exactly three digits (``1,000``: one
    or a thousand?), numbers below ``minimum`` (at or below it when ``strict``) and, when
    ``digits`` is given, numbers with more decimals (Odoo would round them).
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        raise CellError(_lt("%(label)s: the cell is empty (expected a number).", label=label))
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise CellError(_not_a_number(label, value))
    if isinstance(value, str):
        exact = Decimal(_number_text(value.strip(), label))
        too_large = abs(exact) >= MAX_NUMBER
        decimals = _decimals(exact)
    elif isinstance(value, float) and not math.isfinite(value):
        raise CellError(_not_finite(label, value))
    else:
        too_large = abs(value) >= MAX_NUMBER  # an int of any size compares without overflow
        exact = Decimal(repr(value)) if not too_large else None
        decimals = 0 if too_large else _decimals(exact)
        if isinstance(value, float) and digits is not None and decimals > digits:
            # binary noise of a computed cell (0.30000000000000004) is no extra decimal
            decimals = digits if math.isclose(value, round(value, digits), rel_tol=1e-12) else decimals
    shown = _shown(value)
    if too_large:
        raise CellError(
            _lt(
                "%(label)s: '%(value)s' is too large (expected less than %(maximum)s).",
                label=label,
                value=shown,
                maximum=f"{MAX_NUMBER:,.0f}",
            )
        )
    number = float(exact) + 0.0  # + 0.0: -0 is 0
    if exact and not number:
        raise CellError(_lt("%(label)s: '%(value)s' is too small (it would be stored as 0).", label=label, value=shown))
    if minimum is not None and (number <= minimum if strict else number < minimum):
        if strict:
            message = _lt(
                "%(label)s must be greater than %(minimum)s (got '%(value)s').",
                label=label,
                minimum=f"{minimum:g}",
                value=shown,
            )
        elif minimum == 0:
            message = _lt("%(label)s cannot be negative (got '%(value)s').", label=label, value=shown)
        else:
            message = _lt(
                "%(label)s cannot be less than %(minimum)s (got '%(value)s').",
                label=label,
                minimum=f"{minimum:g}",
                value=shown,
            )
        raise CellError(message)
    if digits is not None and decimals > digits:
        raise CellError(
            _lt(
                "%(label)s: '%(value)s' has %(decimals)s decimals (expected at most %(digits)s; round it in the file).",
                label=label,
                value=shown,
                decimals=decimals,
                digits=digits,
            )
        )
    return number


def parse_date(value, label="Date"):
    """The naive datetime a cell holds (a date is taken at midnight), or :class:`CellError`
    naming ``label``: text in one of :data:`DATE_FORMATS`, between :data:`MIN_DATE` and
    :data:`MAX_DATE`."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise CellError(_lt("%(label)s: the cell is empty (expected a date).", label=label))
    if isinstance(value, datetime.datetime):
        moment = value
        if moment.tzinfo is not None:
            try:
                moment = moment.astimezone(datetime.timezone.utc).replace(tzinfo=None)
            except OverflowError:
                moment = datetime.datetime.min  # out of range: refused below
    elif isinstance(value, datetime.date):
        moment = datetime.datetime.combine(value, datetime.time())
    else:
        moment = None
        text = str(value).strip() if isinstance(value, str) else None
        for fmt in DATE_FORMATS if text else ():
            try:
                moment = datetime.datetime.strptime(text, fmt)
                break
            except ValueError:
                continue
        if moment is None:
            raise CellError(
                _lt(
                    "%(label)s: '%(value)s' is not a date (use YYYY-MM-DD, DD/MM/YYYY or DD.MM.YYYY).",
                    label=label,
                    value=_shown(value),
                )
            )
    if not MIN_DATE <= moment <= MAX_DATE:
        raise CellError(
            _lt(
                "%(label)s: '%(value)s' is out of range (expected a date from %(first)s to %(last)s).",
                label=label,
                value=_shown(value),
                first=f"{MIN_DATE:%Y-%m-%d}",
                last=f"{MAX_DATE:%Y-%m-%d}",
            )
        )
    return moment
