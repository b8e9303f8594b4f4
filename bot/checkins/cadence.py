"""Check-in periods: which period a day belongs to, and when each partner is prompted.

Weekly periods start on the template's weekday; monthly periods are calendar months, prompted
on the month's first such weekday. Prompts go out at the template's hour in each partner's own
time zone, and answers are due `window_days` after that.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from storage.models import Cadence, CheckinTemplate


@dataclass(frozen=True, order=True)
class Period:
    start: date
    end: date  # exclusive

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day < self.end


def period_containing(template: CheckinTemplate, day: date) -> Period:
    if template.cadence == Cadence.WEEKLY:
        start = day - timedelta(days=(day.weekday() - template.weekday) % 7)
        return Period(start, start + timedelta(days=7))
    start = day.replace(day=1)
    return Period(start, _next_month(start))


def previous_period(template: CheckinTemplate, period: Period) -> Period:
    return period_containing(template, period.start - timedelta(days=1))


def next_period(template: CheckinTemplate, period: Period) -> Period:
    return period_containing(template, period.end)


def prompt_day(template: CheckinTemplate, period: Period) -> date:
    if template.cadence == Cadence.WEEKLY:
        return period.start
    return period.start + timedelta(days=(template.weekday - period.start.weekday()) % 7)


def prompt_at(template: CheckinTemplate, period: Period, zone: str) -> datetime:
    """When a partner in `zone` is prompted for `period` (UTC)."""
    local = datetime.combine(prompt_day(template, period), time(template.hour), ZoneInfo(zone))
    return local.astimezone(UTC)


def window_closes(template: CheckinTemplate, period: Period, zone: str) -> datetime:
    return prompt_at(template, period, zone) + timedelta(days=template.window_days)


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)
