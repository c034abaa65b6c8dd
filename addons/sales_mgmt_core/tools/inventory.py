"""Safety-stock arithmetic on plain figures (the ORM layer reads quants and moves in bulk)."""

import math
import statistics

from odoo.tools.float_utils import float_round

SERVICE_LEVEL_MIN, SERVICE_LEVEL_MAX = 0.5, 0.9999


def daily_series(quantities_by_day, window_days):
    """Daily demand over the window, days without demand counted as 0."""
    series = [0.0] * window_days
    for day_index, qty in quantities_by_day.items():
        if 0 <= day_index < window_days:
            series[day_index] += qty
    return series


def suggested_safety_stock(series, service_level, lead_time_days):
    """z x sigma(daily demand) x sqrt(lead time): the classic safety stock for a service level.

    Returns (suggestion, average daily demand, standard deviation); (0, 0, 0) without history.
    """
    if not series or not any(series):
        return 0.0, 0.0, 0.0
    if not SERVICE_LEVEL_MIN <= service_level <= SERVICE_LEVEL_MAX:
        raise ValueError(f"service level {service_level} outside [{SERVICE_LEVEL_MIN}, {SERVICE_LEVEL_MAX}]")
    mean = statistics.fmean(series)
    sigma = statistics.pstdev(series)
    z = statistics.NormalDist().inv_cdf(service_level)
    return round(z * sigma * math.sqrt(max(lead_time_days, 0.0)), 4), mean, sigma


def round_up(qty, step):
    """The smallest multiple of ``step`` not below ``qty``: a threshold is never rounded down
    (3.46 Units with step 1 -> 4; 1.231 kg with step 0.01 -> 1.24). Without a step, unchanged."""
    if not step or step <= 0:
        return qty
    return float_round(qty, precision_rounding=step, rounding_method="UP")


def days_of_cover(free_qty, average_daily_demand):
    """Days the free quantity lasts at the average demand (None without demand)."""
    if average_daily_demand <= 0:
        return None
    return max(free_qty, 0.0) / average_daily_demand


def severity(free_qty, forecast_qty, threshold):
    """critical: nothing free; high: below half the threshold; low: below the threshold."""
    lowest = min(free_qty, forecast_qty)
    if free_qty <= 0:
        return "critical"
    if lowest < threshold / 2:
        return "high"
    return "low"


def breaches(rows):
    """Rows (product, warehouse, free, forecast, threshold) below their threshold."""
    return [r for r in rows if r[4] > 0 and (r[2] < r[4] or r[3] < r[4])]
