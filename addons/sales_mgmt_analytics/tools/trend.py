"""Trends: moving average and a simple seasonal forecast of a monthly series.

Values are finite numbers (NaN or infinity: ``ValueError``). Sums and means are computed
exactly (fractions), so huge values neither overflow nor lose the small ones; results are
rounded to 2 decimals.
"""

import math
from fractions import Fraction


def _finite(values):
    values = list(values)
    for value in values:
        if value is None or not math.isfinite(value):
            raise ValueError(f"the series holds a value that is not a finite number: {value!r}")
    return values


def _mean(chunk):
    """Exact mean of a non-empty chunk, as the nearest float (always within the chunk's range)."""
    return float(sum(map(Fraction, chunk)) / len(chunk))


def moving_average(values, window=3):
    """Trailing mean of up to ``window`` values ending at each position (``window`` ≥ 1)."""
    if window < 1:
        raise ValueError(f"the moving average window is at least 1, not {window!r}")
    values = _finite(values)
    result = []
    for i in range(len(values)):
        result.append(round(_mean(values[max(0, i - window + 1) : i + 1]), 2))
    return result


def seasonal_forecast(values, periods=3, season=12):
    """Next ``periods`` values: the value one season earlier x the trailing year-over-year growth.

    With less than two seasons of history, the last 3-month moving average is repeated.
    Growth = sum(last season) / sum(season before), 1 when the season before sums to zero or
    less, 0 when the last season does. Forecasts are non-negative (a negative value one
    season earlier projects to 0); ``ValueError`` when
    ``periods`` < 0, ``season`` < 1, a value is not finite, or a forecast exceeds the float
    range.
    """
    if periods < 0 or season < 1:
        raise ValueError(f"periods ≥ 0 and season ≥ 1 expected, not {periods!r} and {season!r}")
    values = _finite(values)
    if not values:
        return [0.0] * periods
    if len(values) < 2 * season:
        flat = max(0.0, moving_average(values, 3)[-1]) + 0.0
        return [flat] * periods
    last = sum(map(Fraction, values[-season:]))
    before = sum(map(Fraction, values[-2 * season : -season]))
    growth = max(Fraction(0), last / before) if before > 0 else Fraction(1)
    history = list(values)
    forecast = []
    for _i in range(periods):
        try:
            value = round(float(max(Fraction(0), Fraction(history[-season])) * growth), 2)
        except OverflowError as error:
            raise ValueError("the forecast exceeds the float range") from error
        if not math.isfinite(value):
            raise ValueError("the forecast exceeds the float range")
        forecast.append(value)
        history.append(value)
    return forecast
