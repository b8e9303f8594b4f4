"""Planning an event's reminders as rows, whom they reach, and how they read — called directly
on both engines with a real unit of work (the delivery itself, through the running bot, is in
tests/test_reminder_delivery.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.app import build_services
from bot.content import apply_content, read_content, read_content_file
from bot.delivery.kinds import ExpandContext, Message, RenderContext, Skip
from bot.reminders import on_cancel, plan_reminders, replan_after_move
from bot.services import Services
from bot.settings import ReminderSettings, Settings
from handlers.events.reminders import KINDS
from storage.models import (
    Batch,
    Delivery,
    DeliveryStatus,
    Event,
    PartnerStatus,
    Role,
    RsvpAnswer,
    StakeholderType,
    utcnow,
)
from storage.uow import UnitOfWork
from tests.support.bot import EXAMPLE_CONTENT, TOKEN
from tests.support.people import add_event, add_partner

DEFAULTS = ReminderSettings()  # 7 days, 1 day and 1 hour before; 30 minutes' grace
KIND = {kind.name: kind for kind in KINDS}


@pytest.fixture
async def services(database_url: str) -> AsyncIterator[Services]:
    services = build_services(Settings(telegram={"token": TOKEN}, database={"url": database_url}))
    async with services.db.unit_of_work() as uow:
        await apply_content(uow, read_content_file(EXAMPLE_CONTENT))
    yield services
    await services.db.dispose()


async def _event(services: Services, now: datetime, starts_in: timedelta, **fields: object) -> int:
    event_id = await add_event(services.db, "Progress meeting", starts_in=starts_in, now=now)
    async with services.db.unit_of_work() as uow:
        event = await uow.events.get(event_id)
        assert event is not None
        for name, value in fields.items():
            setattr(event, name, value)
    return event_id


async def _batches(uow: UnitOfWork, event_id: int) -> list[Batch]:
    query = select(Batch).where(Batch.source.startswith(f"event:{event_id}:")).order_by(Batch.id)
    return list(await uow.session.scalars(query))


async def _plan(services: Services, event_id: int, now: datetime) -> list[Batch]:
    async with services.db.unit_of_work() as uow:
        event = await uow.events.get(event_id)
        assert event is not None
        return await plan_reminders(uow, event, DEFAULTS, now)


async def test_one_batch_per_offset_due_before_the_start_and_never_after_it(
    services: Services,
) -> None:
    now = utcnow()
    event_id = await _event(services, now, timedelta(days=10))
    planned = await _plan(services, event_id, now)
    async with services.db.unit_of_work() as uow:
        event = await uow.events.get(event_id)
        assert event is not None
        batches = await _batches(uow, event_id)
    starts = event.starts_at
    assert [b.source for b in batches] == [
        f"event:{event_id}:0:10080",
        f"event:{event_id}:0:1440",
        f"event:{event_id}:0:60",
    ]
    assert [starts - b.due_at for b in batches] == [
        timedelta(days=7),
        timedelta(days=1),
        timedelta(hours=1),
    ]
    # Sent late by at most the grace window (30 minutes).
    assert [b.expires_at for b in batches] == [b.due_at + timedelta(minutes=30) for b in batches]
    assert batches[0].payload == {"event": event_id, "minutes": 10080}
    # Planning again (a second save, a re-import) changes nothing.
    assert [b.id for b in await _plan(services, event_id, now)] == [b.id for b in planned]
    async with services.db.unit_of_work() as uow:
        assert len(await _batches(uow, event_id)) == 3


async def test_only_offsets_still_to_come_or_inside_the_grace_window_are_planned(
    services: Services,
) -> None:
    now = utcnow()
    # Starts in 45 minutes: the day-before reminder is long gone; the hour-before one is 15
    # minutes late, inside the 30-minute grace window, so it goes out at once.
    soon = await _event(services, now, timedelta(minutes=45))
    # Starts in 20 minutes: the hour-before reminder is 40 minutes late — past the window.
    sooner = await _event(services, now, timedelta(minutes=20))
    # Its own offsets: 10 minutes before, and the configured default is ignored.
    own = await _event(services, now, timedelta(hours=3), reminder_minutes=[10, 0])
    started = await _event(services, now, timedelta(minutes=-5))
    late = await _plan(services, soon, now)
    assert [(b.source, b.due_at < now) for b in late] == [(f"event:{soon}:0:60", True)]
    assert late[0].expires_at == late[0].due_at + timedelta(minutes=30)
    assert await _plan(services, sooner, now) == []
    ten_before = await _plan(services, own, now)
    assert [b.source for b in ten_before] == [f"event:{own}:0:10"]
    # Ten minutes before, with 30 minutes' grace: late, but never after the start.
    assert ten_before[0].expires_at == ten_before[0].due_at + timedelta(minutes=10)
    assert await _plan(services, started, now) == []


async def test_a_reminder_reaches_the_events_audience_except_who_cannot_attend(
    services: Services,
) -> None:
    db = services.db
    cambodia = await add_partner(db, 8001, name="Sok")
    lebanon = await add_partner(db, 8002, name="Rami", landscapes=("flrm-lebanon",))
    funder = await add_partner(db, 8003, name="Kim", kind=StakeholderType.FUNDER)
    coordinator = await add_partner(db, 8004, name="Cora", role=Role.COORDINATOR)
    declined = await add_partner(db, 8005, name="Dara")
    blocked = await add_partner(db, 8006, name="Bora")
    await add_partner(db, 8007, name="Lin", landscapes=())  # in no FLRM landscape
    now = utcnow()
    in_cambodia = await _event(services, now, timedelta(days=2))
    async with db.unit_of_work() as uow:
        event = await uow.events.get(in_cambodia)
        landscape = await uow.places.landscape_by_slug("flrm-cambodia")
        assert event is not None
        assert landscape is not None
        await uow.events.set_landscapes(event, [landscape])
        await uow.rsvps.answer(in_cambodia, declined, RsvpAnswer.NO, now)
        partner = await uow.partners.get(blocked)
        assert partner is not None
        partner.status = PartnerStatus.BLOCKED
    whole_programme = await _event(services, now, timedelta(days=2))
    for_funders = await _event(services, now, timedelta(days=2), audience=["funder"])
    for_staff = await _event(services, now, timedelta(days=2), audience_roles=["coordinator"])

    async def reached(event_id: int) -> set[int]:
        batch = (await _plan(services, event_id, now))[0]
        async with db.unit_of_work() as uow:
            return await _expand(services, uow, batch, now)

    assert await reached(in_cambodia) == {cambodia, funder, coordinator}
    assert await reached(whole_programme) == {cambodia, lebanon, funder, coordinator, declined}
    assert await reached(for_funders) == {funder}
    assert await reached(for_staff) == {coordinator}


async def _expand(services: Services, uow: UnitOfWork, batch: Batch, now: datetime) -> set[int]:
    expand = KIND["reminder"].expand
    assert expand is not None
    return {r.partner_id for r in await expand(ExpandContext(services, uow, batch, now))}


async def _render(
    services: Services,
    kind: str,
    source: str,
    partner_id: int,
    payload: Mapping[str, object],
    now: datetime,
    language: str = "fr",
    zone: str = "Asia/Phnom_Penh",
) -> Message | Skip:
    t = services.catalogs.translator(language, zone)
    delivery = Delivery(kind=kind, source=source, partner_id=partner_id, payload=dict(payload))
    async with services.db.unit_of_work() as uow:
        partner = await uow.partners.get(partner_id)
        assert partner is not None
        rendered = await KIND[kind].render(RenderContext(services, uow, delivery, partner, t, now))
    assert isinstance(rendered, (Message, Skip))  # reminders are never postponed
    return rendered


async def test_a_reminder_reads_in_the_partners_language_and_time_zone(
    services: Services,
) -> None:
    partner = await add_partner(services.db, 8011, language="fr")
    now = utcnow()
    event_id = await _event(
        services, now, timedelta(hours=1), online_url="https://meet.example.org/flrm"
    )
    async with services.db.unit_of_work() as uow:
        event = await uow.events.get(event_id)
        assert event is not None
    source, payload = f"event:{event_id}:0:60", {"event": event_id, "minutes": 60}
    rendered = await _render(services, "reminder", source, partner, payload, now)
    assert isinstance(rendered, Message)
    fr = services.catalogs.translator("fr", "Asia/Phnom_Penh")
    assert fr.when(event.starts_at) in rendered.text  # 7 hours ahead of UTC, French wording
    assert fr.relative(event.starts_at, now) in rendered.text  # "dans 1 heure"
    assert fr.gettext("Will you attend?") in rendered.text
    assert rendered.keyboard is not None
    labels = [button.text for row in rendered.keyboard for button in row]
    assert labels[:3] == [
        fr.gettext("✅ Attend"),
        fr.gettext("🤔 Maybe"),
        fr.gettext("❌ Can't attend"),
    ]
    join = [b for row in rendered.keyboard for b in row if b.url]
    assert [b.url for b in join] == ["https://meet.example.org/flrm"]
    decoded = services.codec.decode(str(rendered.keyboard[0][2].callback_data))
    assert (decoded.action, decoded.args) == ("rsvp", (str(event_id), "n", "r"))


async def test_a_reminder_is_skipped_once_it_makes_no_sense(services: Services) -> None:
    partner = await add_partner(services.db, 8012)
    now = utcnow()
    event_id = await _event(services, now, timedelta(hours=1))
    source, payload = f"event:{event_id}:0:60", {"event": event_id, "minutes": 60}

    async def reason(at: datetime, source: str = source) -> str | None:
        rendered = await _render(services, "reminder", source, partner, payload, at)
        return rendered.reason if isinstance(rendered, Skip) else None

    assert await reason(now) is None
    assert await reason(now + timedelta(hours=1)) == "event started"
    assert await reason(now, f"event:{event_id}:1:60") == "event moved"  # an older sequence
    async with services.db.unit_of_work() as uow:
        await uow.rsvps.answer(event_id, partner, RsvpAnswer.NO, now)
    assert await reason(now) == "can't attend"
    async with services.db.unit_of_work() as uow:
        event = await uow.events.get(event_id)
        assert event is not None
        event.cancelled_at = now
    assert await reason(now) == "event cancelled"


async def test_moving_an_event_replans_and_tells_who_said_yes_or_maybe(
    services: Services,
) -> None:
    db = services.db
    yes, maybe, no, silent = [await add_partner(db, 8020 + n) for n in range(4)]
    now = utcnow()
    event_id = await _event(services, now, timedelta(days=3))
    await _plan(services, event_id, now)
    async with db.unit_of_work() as uow:
        for partner, answer in ((yes, "yes"), (maybe, "maybe"), (no, "no")):
            await uow.rsvps.answer(event_id, partner, RsvpAnswer(answer), now)
        event = await uow.events.get(event_id)
        assert event is not None
        was = event.starts_at
        event.starts_at += timedelta(days=7)  # ten days away: all three reminders to come
        event.ends_at += timedelta(days=7)
        event.sequence += 1
        await replan_after_move(uow, event, 0, DEFAULTS, now, old_starts_at=was)
        batches = await _batches(uow, event_id)
        told = await uow.session.scalars(select(Delivery).where(Delivery.kind == "event_moved"))
        moved = list(told)
    assert [b.source for b in batches] == [f"event:{event_id}:1:{m}" for m in (10080, 1440, 60)]
    assert {d.partner_id for d in moved} == {yes, maybe}
    assert {d.source for d in moved} == {f"event:{event_id}:1"}
    rendered = await _render(services, "event_moved", moved[0].source, yes, moved[0].payload, now)
    assert isinstance(rendered, Message)
    fr = services.catalogs.translator("fr", "Asia/Phnom_Penh")
    assert fr.when(was) in rendered.text
    assert fr.when(event.starts_at) in rendered.text
    assert silent not in {d.partner_id for d in moved}


async def test_cancelling_tells_who_was_reminded_and_who_said_yes_and_nobody_else(
    services: Services,
) -> None:
    db = services.db
    reminded, coming, other = [await add_partner(db, 8030 + n) for n in range(3)]
    now = utcnow()
    # Ids that share a prefix: withdrawing event 500's reminders must leave 5000's alone.
    first, second = 500, 5000
    async with db.unit_of_work() as uow:
        first_event, second_event = [
            await uow.events.add(
                Event(
                    id=event_id,
                    title={"en": "Progress meeting"},
                    starts_at=now + timedelta(days=3),
                    ends_at=now + timedelta(days=3, hours=2),
                    timezone="Asia/Phnom_Penh",
                ),
                [],
            )
            for event_id in (first, second)
        ]
        await plan_reminders(uow, second_event, DEFAULTS, now)
        # Planned a week ago, when the event was ten days away: the first reminder went out.
        await plan_reminders(uow, first_event, DEFAULTS, now - timedelta(days=7))
        uow.session.add(
            Delivery(
                kind="reminder",
                source=f"event:{first}:0:10080",
                partner_id=reminded,
                priority=0,
                due_at=now - timedelta(days=4),
                payload={"event": first},
                status=DeliveryStatus.SENT,
                attempts=1,
            )
        )
        await uow.rsvps.answer(first, coming, RsvpAnswer.YES, now)
        await uow.rsvps.answer(first, other, RsvpAnswer.NO, now)
        first_event.cancelled_at = now
        await on_cancel(uow, first_event, now)
        told = list(
            await uow.session.scalars(select(Delivery).where(Delivery.kind == "event_cancel"))
        )
        assert await _batches(uow, first) == []
        assert len(await _batches(uow, second)) == 2  # a day and an hour before
    assert {(d.source, d.partner_id) for d in told} == {
        (f"event:{first}", reminded),
        (f"event:{first}", coming),
    }
    rendered = await _render(
        services, "event_cancel", told[0].source, reminded, told[0].payload, now
    )
    assert isinstance(rendered, Message)
    fr = services.catalogs.translator("fr", "Asia/Phnom_Penh")
    assert "Progress meeting" in rendered.text
    assert fr.when(first_event.starts_at) in rendered.text


async def test_importing_content_plans_and_moves_reminders(services: Services) -> None:
    starts = (utcnow() + timedelta(days=10)).replace(microsecond=0)

    def local(at: datetime) -> str:
        return at.astimezone(ZoneInfo("Asia/Phnom_Penh")).replace(tzinfo=None).isoformat()

    def content(at: datetime) -> bytes:
        return f"""
[[events]]
slug = "imported"
programme = "flrm"
title = {{ en = "Imported meeting" }}
starts = {local(at)}
ends = {local(at + timedelta(hours=2))}
timezone = "Asia/Phnom_Penh"
""".encode()

    async with services.db.unit_of_work() as uow:
        await apply_content(uow, read_content(content(starts), "file"), reminders=DEFAULTS)
        event = await uow.events.by_slug("imported")
        assert event is not None
        assert len(await _batches(uow, event.id)) == 3
    async with services.db.unit_of_work() as uow:
        moved = read_content(content(starts + timedelta(days=1)), "file")
        await apply_content(uow, moved, reminders=DEFAULTS)
        sources = [b.source for b in await _batches(uow, event.id)]
    assert sources == [f"event:{event.id}:1:{m}" for m in (10080, 1440, 60)]
