"""Check-in prompts and nudges: planned once per programme and period, each partner prompted
at the template's hour in their own zone, never in quiet hours, skipped once they reported or
went away; through the bot, the prompt's button starts the check-in."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.app import build_services
from bot.checkins.cadence import period_containing
from bot.checkins.prompts import NUDGE, PROMPT, after_quiet, before_quiet, plan_prompts, quiet
from bot.content import apply_content, read_content_file
from bot.delivery.kinds import ExpandContext, Message, Postpone, RenderContext, Skip
from bot.services import Services
from bot.settings import CheckinSettings, Settings
from handlers.checkins.prompts import expand_nudge, expand_prompt, render_prompt
from storage.models import (
    Batch,
    Cadence,
    Checkin,
    Delivery,
    Partner,
    StakeholderType,
    utcnow,
)
from tests.support.bot import EXAMPLE_CONTENT, TOKEN, BotHarness
from tests.support.people import add_partner

QUIET = CheckinSettings()
PHNOM_PENH = "Asia/Phnom_Penh"


def local(day: date, hour: int, minute: int, zone: str) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZoneInfo(zone))


def test_quiet_hours_span_midnight_in_the_partners_zone() -> None:
    day = date(2026, 11, 23)
    assert quiet(local(day, 22, 0, PHNOM_PENH), PHNOM_PENH, QUIET)
    assert quiet(local(day, 6, 59, PHNOM_PENH), PHNOM_PENH, QUIET)
    assert not quiet(local(day, 7, 0, PHNOM_PENH), PHNOM_PENH, QUIET)
    assert not quiet(local(day, 20, 59, PHNOM_PENH), PHNOM_PENH, QUIET)
    # 22:00 in Phnom Penh is 16:00 in Paris: quiet for one, not the other.
    assert not quiet(local(day, 22, 0, PHNOM_PENH), "Europe/Paris", QUIET)


def test_moments_in_quiet_hours_move_out_of_them() -> None:
    day = date(2026, 11, 23)
    late = local(day, 22, 13, PHNOM_PENH)
    assert after_quiet(late, PHNOM_PENH, QUIET) == local(day + timedelta(days=1), 7, 0, PHNOM_PENH)
    assert before_quiet(late, PHNOM_PENH, QUIET) == local(day, 20, 43, PHNOM_PENH)
    daytime = local(day, 9, 0, PHNOM_PENH)
    assert (
        after_quiet(daytime, PHNOM_PENH, QUIET)
        == daytime
        == before_quiet(daytime, PHNOM_PENH, QUIET)
    )
    daytime_only = CheckinSettings(quiet_start="12:00", quiet_end="14:00")
    assert quiet(local(day, 13, 0, "UTC"), "UTC", daytime_only)
    assert not quiet(local(day, 15, 0, "UTC"), "UTC", daytime_only)


async def services_with_content(database_url: str) -> Services:
    services = build_services(Settings(telegram={"token": TOKEN}, database={"url": database_url}))
    async with services.db.unit_of_work() as uow:
        await apply_content(uow, read_content_file(EXAMPLE_CONTENT))
    return services


async def test_prompts_are_planned_once_per_programme_and_period(database_url: str) -> None:
    services = await services_with_content(database_url)
    now = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
    async with services.db.unit_of_work() as uow:
        assert await plan_prompts(uow, QUIET, now) > 0
    async with services.db.unit_of_work() as uow:
        await plan_prompts(uow, QUIET, now)  # every replica, every few minutes: no new rows
        batches = list(await uow.session.scalars(select(Batch).order_by(Batch.kind)))
    flrm = await _programme_id(services, "flrm")
    kinds = {(b.kind, b.source) for b in batches}
    assert (PROMPT, f"programme:{flrm}:2026-12-01") in kinds
    assert (NUDGE, f"programme:{flrm}:2026-12-01") in kinds
    assert len(batches) == len(kinds)
    await services.db.dispose()


async def test_each_reporter_is_prompted_at_the_local_hour(database_url: str) -> None:
    services = await services_with_content(database_url)
    db = services.db
    cambodia = await add_partner(db, 301, timezone=PHNOM_PENH, landscapes=["flrm-cambodia"])
    paris = await add_partner(db, 302, timezone="Europe/Paris", landscapes=["flrm-cambodia"])
    await add_partner(db, 303, kind=StakeholderType.FUNDER, landscapes=["flrm-cambodia"])
    away = await add_partner(db, 304, landscapes=["flrm-cambodia"])
    async with db.unit_of_work() as uow:
        partner = await uow.session.get(Partner, away)
        assert partner is not None
        partner.away_until = date(2026, 12, 31)
        template = await uow.checkins.template_for(await _programme_id(services, "flrm"))
        assert template is not None
        template.cadence, template.weekday, template.hour = Cadence.MONTHLY, 0, 9
        await plan_prompts(uow, QUIET, datetime(2026, 12, 3, tzinfo=UTC))
        batch = await uow.session.scalar(select(Batch).where(Batch.kind == PROMPT))
        assert batch is not None
        now = datetime(2026, 12, 7, tzinfo=UTC)
        recipients = await expand_prompt(ExpandContext(services, uow, batch, now))
        nudges = await expand_nudge(ExpandContext(services, uow, batch, now))
    due = {r.partner_id: r.due_at for r in recipients}
    # The first Monday of December 2026 is the 7th; 09:00 where each partner is.
    assert due == {
        cambodia: local(date(2026, 12, 7), 9, 0, PHNOM_PENH),
        paris: local(date(2026, 12, 7), 9, 0, "Europe/Paris"),
    }
    closes = {r.partner_id: r.expires_at for r in recipients}
    assert closes[cambodia] == local(date(2026, 12, 7 + template.window_days), 9, 0, PHNOM_PENH)
    nudge_due = {r.partner_id: r.due_at for r in nudges}
    assert nudge_due[paris] == closes[paris] - timedelta(hours=QUIET.nudge_hours_before_close)
    await db.dispose()


async def test_a_prompt_is_skipped_after_reporting_and_waits_out_quiet_hours(
    database_url: str,
) -> None:
    services = await services_with_content(database_url)
    db = services.db
    partner_id = await add_partner(db, 305, timezone=PHNOM_PENH, language="fr")
    flrm = await _programme_id(services, "flrm")
    async with db.unit_of_work() as uow:
        await plan_prompts(uow, QUIET, datetime(2026, 12, 3, tzinfo=UTC))
        template = await uow.checkins.template_for(flrm)
        assert template is not None
        period = period_containing(template, date(2026, 12, 3))
        row = Delivery(
            kind=PROMPT, source="x", partner_id=partner_id, due_at=utcnow(),
            payload={"programme": flrm, "period": period.start.isoformat()},
        )  # fmt: skip
        partner = await uow.session.get(Partner, partner_id)
        assert partner is not None
        t = services.catalogs.translator("fr", PHNOM_PENH)

        async def render(at: datetime) -> Message | Skip | Postpone:
            return await render_prompt(RenderContext(services, uow, row, partner, t, at))

        noon = local(date(2026, 12, 7), 12, 0, PHNOM_PENH)
        message = await render(noon)
        assert isinstance(message, Message)
        assert "Start check-in" not in message.text
        assert message.keyboard is not None
        night = local(date(2026, 12, 7), 23, 0, PHNOM_PENH)
        assert await render(night) == Postpone(local(date(2026, 12, 8), 7, 0, PHNOM_PENH))
        partner.away_until = date(2026, 12, 10)
        assert await render(noon) == Skip("away")
        partner.away_until = None
        uow.session.add(
            Checkin(partner_id=partner_id, programme_id=flrm, period_start=period.start)
        )
        await uow.session.flush()
        assert await render(noon) == Skip("already reported")
    await db.dispose()


async def test_a_due_prompt_reaches_the_partner_and_starts_the_check_in(
    bot: BotHarness,
) -> None:
    """Through the bot: the template's hour is now where the partner lives."""
    now = utcnow()
    offset = 12 - now.hour  # a zone where it is about noon, so never quiet
    zone = f"Etc/GMT{-offset:+d}" if offset else "UTC"
    local_now = now.astimezone(ZoneInfo(zone))
    await add_partner(bot.db, 306, timezone=zone, language="fr", landscapes=["flrm-cambodia"])
    flrm = await _programme_id(bot.services, "flrm")
    async with bot.db.unit_of_work() as uow:
        template = await uow.checkins.template_for(flrm)
        assert template is not None
        template.cadence, template.weekday = Cadence.WEEKLY, local_now.weekday()
        template.hour = local_now.hour
        await plan_prompts(uow, bot.services.settings.checkins, now)
    bot.services.doorbell.ring()
    partner = bot.user(306, "Sophal", language_code="fr")
    start = bot.catalogs.translator("fr").gettext("Start check-in")
    await partner.expect_button(start, within=10)
    async with bot.db.unit_of_work() as uow:
        # Only this week is prompted: last week's prompts ended when this week's began.
        planned = set(
            await uow.session.scalars(
                select(Batch.source).where(
                    Batch.kind == PROMPT, Batch.source.startswith(f"programme:{flrm}:")
                )
            )
        )
    assert planned == {f"programme:{flrm}:{local_now.date().isoformat()}"}
    await bot.api.wait_for_answer(await partner.press(start))
    async with bot.db.unit_of_work() as uow:
        conversation = await uow.conversations.get(306)
        assert conversation is not None
        assert conversation.flow == "checkin"


async def _programme_id(services: Services, slug: str) -> int:
    async with services.db.unit_of_work() as uow:
        programme = await uow.programmes.by_slug(slug)
        assert programme is not None
        return programme.id
