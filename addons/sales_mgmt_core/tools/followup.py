"""Follow-up discipline: idle time in business days, in the salesperson's time zone."""

from datetime import timedelta, timezone
from zoneinfo import ZoneInfo

WEEKEND = frozenset({5, 6})  # Saturday, Sunday


def local_date(moment, tz_name):
    """Calendar date of a naive-UTC datetime in the time zone ``tz_name`` (UTC when unknown)."""
    try:
        tz = ZoneInfo(tz_name or "UTC")
    except (KeyError, ValueError):
        tz = timezone.utc
    return moment.replace(tzinfo=timezone.utc).astimezone(tz).date()


def business_days_between(start, end, tz_name=None, holidays=frozenset(), weekend=WEEKEND):
    """Business days d with local(start) < d <= local(end); naive-UTC datetimes in.

    Last touched on Friday, Monday counts 1 and Tuesday 2; weekends and ``holidays`` (dates)
    never count. A start after the end gives 0.
    """
    first, last = local_date(start, tz_name), local_date(end, tz_name)
    if last <= first:
        return 0
    days = (last - first).days
    full_weeks, rest = divmod(days, 7)
    count = full_weeks * (7 - len(weekend))
    day = first + timedelta(days=full_weeks * 7)
    for _i in range(rest):
        day += timedelta(days=1)
        if day.weekday() not in weekend:
            count += 1
    count -= sum(1 for h in holidays if first < h <= last and h.weekday() not in weekend)
    return count


def followup_step(idle_days, state, max_idle, escalate_after):
    """Next follow-up action for a lead idle ``idle_days`` business days.

    ``state`` is the lead's current follow-up state ('none', 'reminded', 'escalated').
    Returns 'remind', 'escalate' or None. Escalation needs a reminder first, so a lead found
    very idle the first time is reminded, and escalated on a later run.
    """
    if not max_idle or idle_days < max_idle:
        return None
    if state == "none":
        return "remind"
    if state == "reminded" and escalate_after and idle_days >= max_idle + escalate_after:
        return "escalate"
    return None
