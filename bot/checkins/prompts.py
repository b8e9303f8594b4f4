"""Planning check-in prompts and nudges: for each programme's current period, one batch that
prompts every partner at the template's hour in their own time zone, and one that nudges those
who have not answered before the window closes. Never inside quiet hours.

Planning is idempotent (a batch per programme and period), so the planner can run on every
replica, at every start and every few minutes; the rows are the schedule.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.checkins.cadence import (
    Period,
    next_period,
    period_containing,
    prompt_at,
    window_closes,
)
from bot.settings import CheckinSettings
from storage.models import CheckinTemplate
from storage.uow import UnitOfWork

PROMPT = "ci_prompt"
NUDGE = "ci_nudge"
# The zones furthest ahead of and behind UTC: a period's prompts span them.
EARLIEST_ZONE = "Etc/GMT-14"
LATEST_ZONE = "Etc/GMT+12"
_STEP = timedelta(minutes=30)


def source(programme_id: int, period: Period) -> str:
    return f"programme:{programme_id}:{period.start.isoformat()}"


async def plan_prompts(uow: UnitOfWork, settings: CheckinSettings, now: datetime) -> int:
    """Plan the prompt and nudge batches of every programme's current and next period."""
    planned = 0
    for template in await uow.checkins.templates():
        periods = {
            period_containing(template, (now + offset).date())
            for offset in (timedelta(hours=-14), timedelta(hours=14))
        }
        for period in sorted(periods):
            planned += await _plan_period(uow, template, period, settings, now)
    return planned


async def _plan_period(
    uow: UnitOfWork,
    template: CheckinTemplate,
    period: Period,
    settings: CheckinSettings,
    now: datetime,
) -> int:
    closes = window_closes(template, period, LATEST_ZONE)
    # Once the next period's prompts have begun anywhere, this one is not prompted any more.
    if now >= closes or now >= prompt_at(template, next_period(template, period), EARLIEST_ZONE):
        return 0
    payload = {"programme": template.programme_id, "period": period.start.isoformat()}
    key = source(template.programme_id, period)
    first_prompt = prompt_at(template, period, EARLIEST_ZONE)
    first_close = window_closes(template, period, EARLIEST_ZONE)
    nudge_at = first_close - timedelta(hours=settings.nudge_hours_before_close)
    for kind, due in ((PROMPT, first_prompt), (NUDGE, max(nudge_at, first_prompt))):
        await uow.deliveries.plan(kind, key, due, expires_at=closes, payload=payload)
    return 2


def quiet(moment: datetime, zone: str, settings: CheckinSettings) -> bool:
    """Is `moment` inside the partner's quiet hours?"""
    local = moment.astimezone(ZoneInfo(zone)).time()
    start, end = _clock(settings.quiet_start), _clock(settings.quiet_end)
    if start <= end:
        return start <= local < end
    return local >= start or local < end  # the usual case: the night spans midnight


def after_quiet(moment: datetime, zone: str, settings: CheckinSettings) -> datetime:
    """`moment`, or the first half hour after it that is outside quiet hours."""
    for _ in range(48):
        if not quiet(moment, zone, settings):
            return moment
        moment = (
            moment.replace(second=0, microsecond=0) + _STEP - timedelta(minutes=moment.minute % 30)
        )
    return moment


def before_quiet(moment: datetime, zone: str, settings: CheckinSettings) -> datetime:
    """`moment`, or the last half hour before it that is outside quiet hours."""
    for _ in range(48):
        if not quiet(moment, zone, settings):
            return moment
        moment -= _STEP
    return moment


def period_of(payload: dict[str, object], template: CheckinTemplate) -> Period:
    return period_containing(template, date.fromisoformat(str(payload["period"])))


def _clock(value: str) -> time:
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))
