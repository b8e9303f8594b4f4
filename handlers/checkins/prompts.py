"""Check-in prompts and nudges as scheduled messages: who receives them (the programme's
reporters, each at the template's hour in their own zone, outside quiet hours) and how they
read. Both are re-checked when sent: a partner who has reported or gone away is skipped."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import timedelta

from bot.checkins.cadence import Period, prompt_at, window_closes
from bot.checkins.prompts import (
    NUDGE,
    PROMPT,
    after_quiet,
    before_quiet,
    period_of,
    plan_prompts,
    quiet,
)
from bot.delivery.kinds import (
    ExpandContext,
    Kind,
    Message,
    Postpone,
    Recipient,
    RenderContext,
    Skip,
)
from bot.i18n import Translator
from bot.localized import show
from bot.ptb import Context, Job
from bot.services import Services
from storage.models import Cadence, CheckinTemplate

log = logging.getLogger(__name__)

PLAN_EVERY = 600  # seconds; plans are idempotent, this only needs to beat the next period


async def expand_prompt(context: ExpandContext) -> Sequence[Recipient]:
    return await _reporters(context, nudge=False)


async def expand_nudge(context: ExpandContext) -> Sequence[Recipient]:
    return await _reporters(context, nudge=True)


async def _reporters(context: ExpandContext, *, nudge: bool) -> Sequence[Recipient]:
    payload = context.batch.payload
    template = await context.uow.checkins.template_for(int(payload["programme"]))
    if template is None:
        return ()
    period = period_of(payload, template)
    settings = context.services.settings
    partners = await context.uow.partners.reporters(
        template.programme_id, period.start, after=context.after, limit=context.limit
    )
    recipients = []
    for partner in partners:
        zone = partner.timezone or settings.locale.default_timezone
        closes = window_closes(template, period, zone)
        if nudge:
            due = closes - timedelta(hours=settings.checkins.nudge_hours_before_close)
            due = before_quiet(max(due, prompt_at(template, period, zone)), zone, settings.checkins)
        else:
            due = after_quiet(prompt_at(template, period, zone), zone, settings.checkins)
        recipients.append(Recipient(partner.id, due_at=due, expires_at=closes))
    return recipients


async def render_prompt(context: RenderContext) -> Message | Skip | Postpone:
    return await _render(context, nudge=False)


async def render_nudge(context: RenderContext) -> Message | Skip | Postpone:
    return await _render(context, nudge=True)


async def _render(context: RenderContext, *, nudge: bool) -> Message | Skip | Postpone:
    payload, partner, t = context.delivery.payload, context.partner, context.t
    template = await context.uow.checkins.template_for(int(payload["programme"]))
    if template is None:
        return Skip("no check-in template any more")
    period = period_of(payload, template)
    if await context.uow.checkins.has_checkin(partner.id, template.programme_id, period.start):
        return Skip("already reported")
    local_today = context.now.astimezone(t.zone).date()
    if partner.away_until is not None and partner.away_until >= local_today:
        return Skip("away")
    settings = context.services.settings.checkins
    if quiet(context.now, t.timezone, settings):
        return Postpone(after_quiet(context.now, t.timezone, settings))
    programme = await context.uow.programmes.get(template.programme_id)
    if programme is None:
        return Skip("programme removed")
    name = show(t, programme.name, programme.default_language)
    closes = t.when(window_closes(template, period, t.timezone))
    label = _period_label(t, template, period)
    if nudge:
        text = t.gettext(
            "Reminder: your {period} check-in for {programme} is still open, until {closes}. "
            "It takes about a minute.",
            period=label,
            programme=name,
            closes=closes,
        )
    else:
        text = t.gettext(
            "Time for your {period} progress check-in for {programme}. It takes about a "
            "minute; answers are due by {closes}.",
            period=label,
            programme=name,
            closes=closes,
        )
    start = context.button(t.gettext("Start check-in"), "ci.start", template.programme_id)
    return Message(text, [[start]])


def _period_label(t: Translator, template: CheckinTemplate, period: Period) -> str:
    if template.cadence == Cadence.MONTHLY:
        return t.date(period.start, "LLLL y")
    return t.gettext("week of {day}", day=t.date(period.start, "d MMMM"))


def prompt_planner(services: Services) -> Job:
    """The JobQueue job that plans each period's prompts (at start, then every few minutes)."""

    async def plan(_context: Context) -> None:
        async with services.db.unit_of_work() as uow:
            await plan_prompts(uow, services.settings.checkins, services.clock())
            planned = uow.deliveries.planned
        if planned:
            services.doorbell.ring()

    return plan


KINDS = (
    Kind(PROMPT, render=render_prompt, expand=expand_prompt, priority=0),
    Kind(NUDGE, render=render_nudge, expand=expand_nudge, priority=0),
)
