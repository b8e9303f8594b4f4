"""Reminders sent by the running bot: in each partner's language and time zone, exactly once
across a restart, late only inside the grace window and never after the start; moving or
cancelling an event tells the right people, and "Can't attend" stops further reminders.

The dispatcher's timers run on real time, so each event here has its reminder fall due within
seconds; moving `bot.clock` stands in for time passing while the bot was down.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import select

from bot.reminders import CANCELLED, REMINDER, on_cancel, plan_reminders
from storage.database import Database
from storage.deliveries import NewDelivery
from storage.models import Batch, Delivery, DeliveryStatus, Event, Role, RsvpAnswer, utcnow
from tests.support.bot import BotHarness
from tests.support.people import add_event, add_partner

FRENCH, ARABIC, OUTSIDER, COORDINATOR = 8201, 8202, 8203, 8204
TITLE = "Progress meeting"
WAIT = 10.0  # seconds to wait for a reminder (due within ~3 s; the safety poll is 2 s)


async def _event(
    bot: BotHarness,
    *,
    starts: datetime,
    minutes: Sequence[int],
    landscapes: Sequence[str] = (),
    now: datetime | None = None,
) -> int:
    """An FLRM event with its own reminder offsets, its reminders planned as /newevent does."""
    async with bot.db.unit_of_work() as uow:
        flrm = await uow.programmes.by_slug("flrm")
        places = [await uow.places.landscape_by_slug(slug) for slug in landscapes]
        event = await uow.events.add(
            Event(
                title={"en": TITLE},
                programme_id=flrm.id if flrm else None,
                starts_at=starts,
                ends_at=starts + timedelta(hours=2),
                timezone="Asia/Phnom_Penh",
                reminder_minutes=list(minutes),
            ),
            [place for place in places if place is not None],
        )
        await plan_reminders(uow, event, bot.settings.reminders, now or utcnow())
        event_id = event.id
    assert bot.services is not None
    bot.services.doorbell.ring()  # as the pipeline does after a turn that planned something
    return event_id


def _due_in(seconds: float, minutes: int = 60) -> datetime:
    """A start time whose reminder `minutes` before falls due `seconds` from now."""
    return utcnow() + timedelta(minutes=minutes, seconds=seconds)


async def _deliveries(bot: BotHarness, kind: str, prefix: str) -> list[Delivery]:
    async with bot.db.unit_of_work() as uow:
        query = select(Delivery).where(Delivery.kind == kind, Delivery.source.startswith(prefix))
        return list(await uow.session.scalars(query.order_by(Delivery.id)))


def _received(bot: BotHarness, chat_id: int, text: str) -> int:
    return sum(1 for m in bot.api.messages(chat_id) if text in m.text)


async def test_a_reminder_arrives_in_each_partners_language_and_time(bot: BotHarness) -> None:
    await add_partner(bot.db, FRENCH, language="fr", timezone="Europe/Paris")
    lebanon = ("flrm-lebanon",)
    await add_partner(bot.db, ARABIC, language="ar", timezone="Asia/Beirut", landscapes=lebanon)
    await add_partner(bot.db, OUTSIDER, landscapes=())  # in no FLRM landscape
    starts = _due_in(2)
    await _event(bot, starts=starts, minutes=[60])
    claire = bot.user(FRENCH, "Claire", language_code="fr")
    rami = bot.user(ARABIC, "Rami", language_code="ar")
    outsider = bot.user(OUTSIDER, "Lin", language_code="en")
    for user, language, zone in ((claire, "fr", "Europe/Paris"), (rami, "ar", "Asia/Beirut")):
        t = bot.catalogs.translator(language, zone)
        message = await user.expect(t.when(starts), within=WAIT)
        assert TITLE in message.text
        assert t.gettext("Will you attend?") in message.text
        assert t.gettext("❌ Can't attend") in user.buttons()
    await outsider.expect_nothing(within=1)


async def test_a_restart_before_the_due_time_still_delivers_exactly_once(
    bot: BotHarness,
) -> None:
    await add_partner(bot.db, FRENCH, language="fr", timezone="Europe/Paris")
    due = utcnow() + timedelta(seconds=5)
    event_id = await _event(bot, starts=due + timedelta(minutes=60), minutes=[60])
    await bot.restart()
    assert utcnow() < due  # the new process, not the old one, must find it
    claire = bot.user(FRENCH, "Claire", language_code="fr")
    await claire.expect(TITLE, within=WAIT)
    await bot.restart()  # and a second restart after sending does not send it again
    await claire.expect_nothing(within=3)
    assert _received(bot, FRENCH, TITLE) == 1
    rows = await _deliveries(bot, "reminder", f"event:{event_id}:")
    assert [row.status for row in rows] == [DeliveryStatus.SENT]


async def test_a_reminder_missed_while_down_goes_out_late_only_inside_the_grace_window(
    bot: BotHarness,
) -> None:
    await add_partner(bot.db, FRENCH, language="fr", timezone="Europe/Paris")
    await add_partner(bot.db, ARABIC, language="ar", landscapes=("flrm-lebanon",))
    now = utcnow()
    starts = now + timedelta(hours=2)
    # Due in 30 and in 5 minutes; the bot comes back 40 minutes from now (grace: 30 minutes).
    slightly_late = await _event(bot, starts=starts, minutes=[90], landscapes=("flrm-cambodia",))
    too_late = await _event(bot, starts=starts, minutes=[115], landscapes=("flrm-lebanon",))
    await bot.stop()
    bot.clock = lambda: utcnow() + timedelta(minutes=40)
    await bot.start()
    claire = bot.user(FRENCH, "Claire", language_code="fr")
    await claire.expect(TITLE, within=WAIT)
    rami = bot.user(ARABIC, "Rami", language_code="ar")
    await rami.expect_nothing(within=2)
    [sent] = await _deliveries(bot, "reminder", f"event:{slightly_late}:")
    [skipped] = await _deliveries(bot, "reminder", f"event:{too_late}:")
    assert sent.status == DeliveryStatus.SENT
    assert (skipped.status, skipped.error) == (DeliveryStatus.SKIPPED, "too late: past its window")


async def test_a_reminder_is_never_sent_after_the_event_started(bot: BotHarness) -> None:
    await add_partner(bot.db, FRENCH, language="fr", timezone="Europe/Paris")
    now = utcnow()
    # Ten minutes before the start, with 30 minutes' grace: the start still comes first.
    event_id = await _event(bot, starts=now + timedelta(hours=2), minutes=[10])
    await bot.stop()
    bot.clock = lambda: utcnow() + timedelta(hours=2, minutes=5)
    await bot.start()
    claire = bot.user(FRENCH, "Claire", language_code="fr")
    await claire.expect_nothing(within=3)
    [row] = await _deliveries(bot, "reminder", f"event:{event_id}:")
    assert row.status == DeliveryStatus.SKIPPED


async def test_cant_attend_stops_further_reminders_for_that_event(bot: BotHarness) -> None:
    await add_partner(bot.db, FRENCH, language="fr", timezone="Europe/Paris")
    await add_partner(bot.db, ARABIC, language="ar", timezone="Asia/Beirut")
    # Reminders ten and nine minutes before: the first due in two seconds.
    event_id = await _event(bot, starts=_due_in(2, minutes=10), minutes=[10, 9])
    claire = bot.user(FRENCH, "Claire", language_code="fr")
    rami = bot.user(ARABIC, "Rami", language_code="ar")
    fr = bot.catalogs.translator("fr", "Europe/Paris")
    await claire.expect(TITLE, within=WAIT)
    await rami.expect(TITLE, within=WAIT)
    await claire.press(fr.gettext("❌ Can't attend"))
    await claire.expect(fr.gettext("Your answer: {answer}", answer=fr.gettext("❌ Can't attend")))
    async with bot.db.unit_of_work() as uow:
        partner = await uow.partners.by_telegram_id(FRENCH)
        assert partner is not None
        rsvp = await uow.rsvps.get(event_id, partner.id)
    assert rsvp is not None
    assert rsvp.answer == RsvpAnswer.NO
    bot.clock = lambda: utcnow() + timedelta(seconds=70)  # the nine-minute reminder is due
    await rami.expect(TITLE, within=WAIT)
    await claire.expect_nothing(within=1)
    second = await _deliveries(bot, "reminder", f"event:{event_id}:0:9")
    assert [row.partner_id for row in second] != []
    assert partner.id not in [row.partner_id for row in second]


async def test_moving_an_event_in_the_chat_replans_and_tells_who_said_yes_or_maybe(
    bot: BotHarness,
) -> None:
    await add_partner(bot.db, COORDINATOR, name="Cora", role=Role.COORDINATOR)
    answers = {8211: RsvpAnswer.YES, 8212: RsvpAnswer.MAYBE, 8213: RsvpAnswer.NO, 8214: None}
    ids = {
        tid: await add_partner(bot.db, tid, language="fr", timezone="Europe/Paris")
        for tid in answers
    }
    event_id = await add_event(
        bot.db, TITLE, starts_in=timedelta(days=4), landscapes=("flrm-cambodia",)
    )
    async with bot.db.unit_of_work() as uow:
        event = await uow.events.get(event_id)
        assert event is not None
        await plan_reminders(uow, event, bot.settings.reminders, utcnow())
        for telegram_id, answer in answers.items():
            if answer is not None:
                await uow.rsvps.answer(event_id, ids[telegram_id], answer, utcnow())
    coordinator = bot.user(COORDINATOR, "Cora", language_code="en")
    await coordinator.send(f"/editevent {event_id}")
    await coordinator.press("Time")
    await coordinator.expect("When does it start?")
    local = (utcnow() + timedelta(days=9)).astimezone(
        bot.catalogs.translator("en", "Asia/Phnom_Penh").zone
    )
    await coordinator.send(f"{local:%Y-%m-%d} 09:30")
    await coordinator.press("2 hours")
    await coordinator.expect("Saved.")
    async with bot.db.unit_of_work() as uow:
        event = await uow.events.get(event_id)
        assert event is not None
        sources = [b.source for b in await uow.session.scalars(select(Batch).order_by(Batch.id))]
    fr = bot.catalogs.translator("fr", "Europe/Paris")
    for telegram_id, answer in answers.items():
        user = bot.user(telegram_id, "P", language_code="fr")
        if answer in (RsvpAnswer.YES, RsvpAnswer.MAYBE):
            notice = await user.expect(fr.when(event.starts_at), within=WAIT)
            assert (
                fr.gettext("🔁 <b>New time</b>").replace("<b>", "").replace("</b>", "")
                in notice.text
            )
        else:
            await user.expect_nothing(within=0.5)
    assert [s for s in sources if s.startswith(f"event:{event_id}:")] == [
        f"event:{event_id}:1:{minutes}" for minutes in (10080, 1440, 60)
    ]


async def test_cancelling_in_the_chat_tells_who_was_reminded(bot: BotHarness) -> None:
    await add_partner(bot.db, COORDINATOR, name="Cora", role=Role.COORDINATOR)
    await add_partner(bot.db, FRENCH, language="fr", timezone="Europe/Paris")
    await add_partner(bot.db, ARABIC, language="ar", landscapes=("flrm-lebanon",))
    starts = _due_in(2)
    event_id = await _event(bot, starts=starts, minutes=[60], landscapes=("flrm-cambodia",))
    claire = bot.user(FRENCH, "Claire", language_code="fr")
    await claire.expect(TITLE, within=WAIT)
    coordinator = bot.user(COORDINATOR, "Cora", language_code="en")
    await coordinator.send(f"/cancelevent {event_id}")
    await coordinator.press("Yes, cancel it")
    await coordinator.expect("Cancelled.")
    fr = bot.catalogs.translator("fr", "Europe/Paris")
    notice = await claire.expect(fr.when(starts), within=WAIT)
    assert TITLE in notice.text
    assert notice.buttons == []
    rami = bot.user(ARABIC, "Rami", language_code="ar")  # never reminded, never answered
    await rami.expect_nothing(within=1)
    assert await _deliveries(bot, "event_cancel", f"event:{event_id}") != []


async def test_an_event_saved_in_the_chat_has_its_reminders_planned(bot: BotHarness) -> None:
    await add_partner(bot.db, COORDINATOR, name="Cora", role=Role.COORDINATOR)
    coordinator = bot.user(COORDINATOR, "Cora", language_code="en")
    await coordinator.send("/newevent")
    await coordinator.press("Whole programme")
    await coordinator.expect("What is the title of the event?")
    await coordinator.send(TITLE)
    await coordinator.expect("When does it start?")
    zone = bot.catalogs.translator("en", "Asia/Phnom_Penh").zone
    await coordinator.send(f"{(utcnow() + timedelta(days=3)).astimezone(zone):%Y-%m-%d} 09:00")
    await coordinator.press("2 hours")
    await coordinator.expect("Send the link of the online meeting")
    await coordinator.send("https://meet.example.org/flrm")
    await coordinator.press("Skip")
    await coordinator.press("Save")
    await coordinator.expect("Saved.")
    async with bot.db.unit_of_work() as uow:
        [event] = [e for e in await uow.events.all() if e.title.get("en") == TITLE]
        batches = list(await uow.session.scalars(select(Batch).order_by(Batch.id)))
    # Three days away: the week-before reminder has passed; a day and an hour before remain.
    assert [(b.source, event.starts_at - b.due_at) for b in batches] == [
        (f"event:{event.id}:0:1440", timedelta(days=1)),
        (f"event:{event.id}:0:60", timedelta(hours=1)),
    ]


async def test_a_reminder_on_its_way_when_the_event_is_cancelled_counts_as_sent(
    database: Database,
) -> None:
    """The sender records an outcome a moment after the send: cancelling in between must still
    tell that partner (the race a full run once caught)."""
    partner_id = await add_partner(database, FRENCH, language="fr")
    event_id = await add_event(database, TITLE, starts_in=timedelta(hours=2), programme=None)
    now = utcnow()
    async with database.unit_of_work() as uow:
        event = await uow.events.get(event_id)
        assert event is not None
        await uow.deliveries.enqueue(
            REMINDER, f"event:{event_id}:0:60", [NewDelivery(partner_id, now)]
        )
        [reminder] = await uow.deliveries.claim(now, 10, "sender")  # sent, not yet recorded
        assert reminder.status == DeliveryStatus.SENDING
        event.cancelled_at = now
        await on_cancel(uow, event, now)
        told = await uow.deliveries.recipients(
            CANCELLED, f"event:{event_id}", [DeliveryStatus.PENDING]
        )
    assert told == [partner_id]
