"""Trends: moving average and a simple seasonal forecast of a monthly series."""


def moving_average(values, window=3):
    """Trailing mean of up to ``window`` values ending at each position."""
    result = []
    for i in range(len(values)):
        chunk = values[max(0, i - window + 1) : i + 1]
        result.append(round(sum(chunk) / len(chunk), 2))
    return result


def seasonal_forecast(values, periods=3, season=12):
    """Next ``periods`` values: the value one season earlier x the trailing year-over-year growth.

    With less than two seasons of history, the last 3-month moving average is repeated.
    Growth = sum(last season) / sum(season before); values are non-negative.
    """
    if not values:
        return [0.0] * periods
    if len(values) < 2 * season:
        flat = moving_average(values, 3)[-1]
        return [flat] * periods
    last, before = sum(values[-season:]), sum(values[-2 * season : -season])
    growth = last / before if before else 1.0
    history = list(values)
    forecast = []
    for _i in range(periods):
        value = round(max(0.0, history[-season] * growth), 2)
        forecast.append(value)
        history.append(value)
    return forecast
