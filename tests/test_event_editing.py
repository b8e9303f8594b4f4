"""Coordinators edit the events calendar in the chat (/newevent, /editevent, /cancelevent), and
partners see the result in /events and /next — in their language and their time zone, and only
where the event's landscapes say so."""

from __future__ import annotations

import html
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from babel import Locale

from bot.callbacks import CallbackCodec, codec_key
from bot.i18n import Translator
from storage.models import Event, Role, utcnow
from tests.support.bot import TOKEN, BotHarness
from tests.support.chat import ChatUser
from tests.support.people import add_event, add_partner

COORDINATOR, FRENCH, ARABIC, ENGLISH, OUTSIDER, ADMIN = 7100, 7101, 7102, 7103, 7104, 9000
PHNOM_PENH = ZoneInfo("Asia/Phnom_Penh")


async def _people(bot: BotHarness) -> ChatUser:
    """A coordinator in Cambodia and partners in and around FLRM; returns the coordinator."""
    await add_partner(bot.db, COORDINATOR, name="Cora", role=Role.COORDINATOR)
    # In Cambodia's landscape but living by Paris time: the time must follow the partner.
    await add_partner(bot.db, FRENCH, name="Claire", language="fr", timezone="Europe/Paris")
    lebanon = ("flrm-lebanon",)
    await add_partner(
        bot.db, ARABIC, name="Rami", language="ar", timezone="Asia/Beirut", landscapes=lebanon
    )
    await add_partner(bot.db, ENGLISH, name="Emma")
    # LPA has no landscapes yet, so its partners belong to no FLRM landscape.
    await add_partner(bot.db, OUTSIDER, name="Lin", landscapes=())
    return bot.user(COORDINATOR, "Cora", language_code="en")


def _local_time(days: int, hour: int, minute: int = 0) -> tuple[str, datetime]:
    """A time `days` from now in Cambodia, as typed ("YYYY-MM-DD HH:MM") and as a UTC moment."""
    local = (utcnow() + timedelta(days=days)).astimezone(PHNOM_PENH)
    local = local.replace(hour=hour, minute=minute, second=0, microsecond=0)
    return f"{local:%Y-%m-%d %H:%M}", local.astimezone(UTC)


def _t(bot: BotHarness, language: str, zone: str = "Asia/Phnom_Penh") -> Translator:
    return bot.catalogs.translator(language, zone)


def _text(t: Translator, message: str, **values: object) -> str:
    """A message as the chat shows it: HTML entities read, tags gone."""
    return html.unescape(t.gettext(message, **values)).replace("<b>", "").replace("</b>", "")


async def _to_title(coordinator: ChatUser) -> None:
    """/newevent for the Cambodia landscape (one programme, so no programme question)."""
    await coordinator.send("/newevent")
    await coordinator.expect("Which landscapes is it for?")
    await coordinator.press("FLRM Cambodia")
    await coordinator.expect_button("✓ FLRM Cambodia")
    await coordinator.press("Done")
    await coordinator.expect("What is the title of the event?")


async def _finish(coordinator: ChatUser, title: str, start: str) -> None:
    await coordinator.send(title)
    await coordinator.expect("When does it start?")
    await coordinator.send(start)
    await coordinator.expect("How long does it last?")
    await coordinator.press("2 hours")
    await coordinator.expect("Send the link of the online meeting")
    await coordinator.send("FAO office, Phnom Penh")
    await coordinator.expect("Send a short description")
    await coordinator.press("Skip")
    await coordinator.expect("This is how partners will see it:")
    await coordinator.press("Save")
    await coordinator.expect("Saved. Partners of FLRM Cambodia will see it in /events.")


async def _events(bot: BotHarness) -> list[Event]:
    async with bot.db.unit_of_work() as uow:
        return list(await uow.events.all())


async def _event(bot: BotHarness, event_id: int) -> Event:
    async with bot.db.unit_of_work() as uow:
        event = await uow.events.get(event_id)
    assert event is not None
    return event


async def _step(bot: BotHarness, telegram_id: int) -> tuple[str, str, dict[str, object]] | None:
    async with bot.db.unit_of_work() as uow:
        conversation = await uow.conversations.get(telegram_id)
    if conversation is None:
        return None
    return conversation.flow, conversation.step, dict(conversation.data)


async def _audit(bot: BotHarness, action: str) -> list[dict[str, object]]:
    async with bot.db.unit_of_work() as uow:
        return [dict(entry.detail) for entry in await uow.audit.recent(action)]


async def test_a_coordinators_event_reaches_partners_of_its_landscape(bot: BotHarness) -> None:
    coordinator = await _people(bot)
    before = len(await _events(bot))
    typed, starts = _local_time(days=3, hour=14)
    await _to_title(coordinator)
    await _finish(coordinator, "Fire and drought workshop", typed)

    [event] = [e for e in await _events(bot) if e.title.get("en") == "Fire and drought workshop"]
    assert len(await _events(bot)) == before + 1
    assert (event.starts_at, event.ends_at) == (starts, starts + timedelta(hours=2))
    assert event.timezone == "Asia/Phnom_Penh"  # the chosen landscape's zone
    assert [landscape.slug for landscape in event.landscapes] == ["flrm-cambodia"]
    assert event.place == {"en": "FAO office, Phnom Penh"}
    assert event.slug == f"event-{event.id}"
    assert await _audit(bot, "event.created") == [
        {"event": event.id, "programme": event.programme_id, "landscapes": [event.landscapes[0].id]}
    ]

    claire = bot.user(FRENCH, "Claire", language_code="fr")
    fr = _t(bot, "fr", "Europe/Paris")
    await claire.send("/events")
    listed = await claire.expect("Fire and drought workshop")
    assert fr.when(starts) in listed.text  # Paris time, not Phnom Penh's
    assert _t(bot, "fr").when(starts) not in listed.text
    await claire.send("/next")
    card = await claire.expect("Fire and drought workshop")
    assert fr.time_span(starts, starts + timedelta(hours=2)) in card.text

    for telegram_id, language in ((ARABIC, "ar"), (OUTSIDER, "en")):
        other = bot.user(telegram_id, "Other", language_code=language)
        await other.send("/events")
        reply = await other.expect(
            _t(bot, language).gettext("There are no upcoming events for you right now.")
        )
        assert "Fire and drought" not in reply.text


async def test_a_restart_mid_flow_continues_at_the_same_question(bot: BotHarness) -> None:
    coordinator = await _people(bot)
    await _to_title(coordinator)
    await bot.restart()
    await coordinator.send("Nursery open day")
    question = await coordinator.expect("When does it start?")
    assert "Asia/Phnom Penh" in question.text  # the chosen landscape's zone
    await bot.restart()
    await coordinator.send(_local_time(days=4, hour=9)[0])
    await coordinator.expect("How long does it last?")
    await bot.restart()
    await coordinator.press("1 hour")  # a button made before the restart still works
    await coordinator.expect("Send the link of the online meeting")
    state = await _step(bot, COORDINATOR)
    assert state is not None
    assert state[:2] == ("newevent", "where")
    assert state[2]["title"] == "Nursery open day"


async def test_bad_times_are_asked_for_again_and_nothing_is_saved(bot: BotHarness) -> None:
    coordinator = await _people(bot)
    before = len(await _events(bot))
    await _to_title(coordinator)
    await coordinator.send("Tree planting")
    await coordinator.expect("When does it start?")
    next_year = utcnow().year + 1
    for typed, hint in (
        ("next Tuesday afternoon", "I couldn't read that as a date and time."),
        (f"{next_year}-02-30 14:00", "There is no such date or time."),
        (f"{next_year}-12-17 14:00 Mars/Olympus", "I don't know the time zone Mars/Olympus."),
        ("2020-03-01 10:00", "That time has already passed."),
    ):
        await coordinator.send(typed)
        await coordinator.expect(hint)
        state = await _step(bot, COORDINATOR)
        assert state is not None
        assert state[1] == "start"
        assert "starts" not in state[2]

    # Day first, with an offset: 14:00 at UTC+7 is 07:00 UTC.
    day = (utcnow() + timedelta(days=5)).date()
    await coordinator.send(f"{day:%d/%m/%Y} 14:00 UTC+7")
    await coordinator.expect("How long does it last?")
    for typed in ("13:00", "14:00", f"{day:%Y-%m-%d} 09:00"):
        await coordinator.send(typed)
        await coordinator.expect("The end must be after the start")
        state = await _step(bot, COORDINATOR)
        assert state is not None
        assert state[1] == "length"
    await coordinator.send("16:30")
    await coordinator.expect("Send the link of the online meeting")
    state = await _step(bot, COORDINATOR)
    assert state is not None
    starts = datetime(day.year, day.month, day.day, 7, 0, tzinfo=UTC)
    assert state[2]["starts"] == starts.isoformat()
    assert state[2]["ends"] == (starts + timedelta(hours=2, minutes=30)).isoformat()
    assert state[2]["zone"] == "Etc/GMT-7"
    await coordinator.send("/cancel")
    await coordinator.expect("Stopped. Nothing was changed.")
    assert len(await _events(bot)) == before


async def test_titles_are_bounded_and_html_in_them_is_only_text(bot: BotHarness) -> None:
    coordinator = await _people(bot)
    await _to_title(coordinator)
    await coordinator.send("x" * 201)
    await coordinator.expect("That is too long: please keep it to 200 characters.")
    state = await _step(bot, COORDINATOR)
    assert state is not None
    assert (state[1], state[2].get("title")) == ("title", None)
    await _finish(coordinator, "<b>Fire</b> & drought", _local_time(days=3, hour=10)[0])

    [event] = [e for e in await _events(bot) if e.created_by is not None]
    assert event.title == {"en": "<b>Fire</b> & drought"}  # stored verbatim
    emma = bot.user(ENGLISH, "Emma", language_code="en")
    await emma.send("/next")
    card = await emma.expect("<b>Fire</b> & drought")  # the chat shows the literal text
    assert "&lt;b&gt;Fire&lt;/b&gt; &amp; drought" in (card.html or "")


async def test_a_partner_cannot_add_events(bot: BotHarness) -> None:
    await _people(bot)
    before = len(await _events(bot))
    claire = bot.user(FRENCH, "Claire", language_code="fr")
    refusal = _t(bot, "fr").gettext("Sorry, only coordinators and admins can do that.")
    for command in ("/newevent", "/editevent 1", "/cancelevent 1"):
        await claire.send(command)
        await claire.expect(refusal)
    assert await _step(bot, FRENCH) is None
    assert len(await _events(bot)) == before
    assert len(await _audit(bot, "access.refused")) == 1  # once a minute per user


async def test_a_coordinator_only_changes_events_of_their_programmes(bot: BotHarness) -> None:
    coordinator = await _people(bot)
    lpa = await add_event(bot.db, "LPA dryland forum", starts_in=timedelta(days=2), programme="lpa")
    await coordinator.send(f"/editevent {lpa}")
    await coordinator.expect(f"I can't find event {lpa}.")
    await coordinator.send(f"/cancelevent {lpa}")
    await coordinator.expect(f"I can't find event {lpa}.")
    await coordinator.send("/editevent")
    await coordinator.expect("There are no upcoming events you can change.")
    # A correctly signed button for it (as if from an older keyboard) is refused too.
    assert bot.services is not None
    for action in ("ee.pick", "ce.pick"):
        data = bot.services.codec.encode(action, lpa)
        await coordinator.press_data(coordinator.last.message_id, data)
        await coordinator.expect_answer("expired")
    event = await _event(bot, lpa)
    assert (event.cancelled_at, event.title) == (None, {"en": "LPA dryland forum"})
    assert await _step(bot, COORDINATOR) is None
    assert not await _audit(bot, "event.edited")


async def test_stale_and_forged_buttons_are_refused_politely(bot: BotHarness) -> None:
    coordinator = await _people(bot)
    await _to_title(coordinator)
    await coordinator.send("Seed fair")
    await coordinator.expect("When does it start?")
    await coordinator.send(_local_time(days=6, hour=8)[0])
    lengths = await coordinator.expect_button("1 hour")
    one_hour = lengths.buttons[0][0].callback_data
    assert one_hour is not None
    await coordinator.press("2 hours")
    await coordinator.expect("Send the link of the online meeting")
    forged = CallbackCodec(codec_key(TOKEN + "x")).encode("ne.len", 1)
    for data in (one_hour, forged):
        await coordinator.press_data(lengths.message_id, data)
        await coordinator.expect_answer("This button has expired.")
    state = await _step(bot, COORDINATOR)
    assert state is not None
    assert state[1] == "where"
    duration = datetime.fromisoformat(str(state[2]["ends"])) - datetime.fromisoformat(
        str(state[2]["starts"])
    )
    assert duration == timedelta(hours=2)


async def test_a_french_title_is_shown_to_french_partners_only(bot: BotHarness) -> None:
    coordinator = await _people(bot)
    event_id = await add_event(bot.db, "Soil health day", starts_in=timedelta(days=5))
    await coordinator.send("/editevent")
    await coordinator.press("Soil health day")
    await coordinator.expect("What do you want to change?")
    await coordinator.press("Title")
    await coordinator.expect_button("✓ English")  # English already has a title
    assert "Français" in coordinator.buttons()
    await coordinator.press("Français")
    await coordinator.expect("Send the title in French.")  # its name in the reader's language
    await coordinator.send("Journée de la santé des sols")
    await coordinator.expect("Saved.")
    await coordinator.expect("Soil health day")  # the card, in the coordinator's English

    event = await _event(bot, event_id)
    assert event.title == {"en": "Soil health day", "fr": "Journée de la santé des sols"}
    assert await _audit(bot, "event.edited") == [
        {"event": event_id, "field": "title", "language": "fr"}
    ]
    for telegram_id, language, title in (
        (FRENCH, "fr", "Journée de la santé des sols"),
        (ENGLISH, "en", "Soil health day"),
        (ARABIC, "ar", "Soil health day"),
    ):
        partner = bot.user(telegram_id, "Partner", language_code=language)
        await partner.send("/next")
        card = await partner.expect(title)
        marker = Locale.parse("en").get_display_name(Locale.parse(language))
        assert marker
        assert (marker in card.text) == (language == "ar"), card.text


async def test_moving_an_event_bumps_its_sequence(bot: BotHarness) -> None:
    coordinator = await _people(bot)
    event_id = await add_event(
        bot.db, "Nursery visit", starts_in=timedelta(days=4), landscapes=("flrm-cambodia",)
    )
    typed, starts = _local_time(days=6, hour=9, minute=30)
    ends = starts + timedelta(hours=3)
    await coordinator.send(f"/editevent {event_id}")
    await coordinator.press("Time")
    await coordinator.expect("When does it start?")
    await coordinator.send(typed)
    await coordinator.press("3 hours")
    await coordinator.expect("Saved.")
    await coordinator.expect(_t(bot, "en").time_span(starts, ends))

    event = await _event(bot, event_id)
    assert (event.starts_at, event.ends_at, event.sequence) == (starts, ends, 1)
    assert await _audit(bot, "event.edited") == [
        {"event": event_id, "field": "time", "language": None}
    ]
    claire = bot.user(FRENCH, "Claire", language_code="fr")
    await claire.send("/next")
    card = await claire.expect("Nursery visit")
    assert _t(bot, "fr", "Europe/Paris").time_span(starts, ends) in card.text


async def test_changing_landscapes_changes_who_sees_it(bot: BotHarness) -> None:
    coordinator = await _people(bot)
    event_id = await add_event(
        bot.db, "Cedar count", starts_in=timedelta(days=3), landscapes=("flrm-cambodia",)
    )
    await coordinator.send(f"/editevent {event_id}")
    await coordinator.press("Landscapes")
    await coordinator.expect_button("✓ FLRM Cambodia")
    await coordinator.press("FLRM Cambodia")
    await coordinator.expect("Which landscapes is it for?")  # the list, now without Cambodia
    await coordinator.press("FLRM Lebanon")
    await coordinator.expect_button("✓ FLRM Lebanon")
    await coordinator.press("Done")
    await coordinator.expect("Saved.")

    event = await _event(bot, event_id)
    assert [landscape.slug for landscape in event.landscapes] == ["flrm-lebanon"]
    rami = bot.user(ARABIC, "Rami", language_code="ar")
    await rami.send("/events")
    await rami.expect("Cedar count")
    claire = bot.user(FRENCH, "Claire", language_code="fr")
    await claire.send("/events")
    await claire.expect(_t(bot, "fr").gettext("There are no upcoming events for you right now."))


async def test_cancelling_hides_the_event_and_is_audited(bot: BotHarness) -> None:
    coordinator = await _people(bot)
    event_id = await add_event(
        bot.db, "Field day", starts_in=timedelta(days=2), landscapes=("flrm-cambodia",)
    )
    event = await _event(bot, event_id)
    await coordinator.send("/cancelevent")
    await coordinator.press("Field day")
    await coordinator.expect(
        _text(
            _t(bot, "en"),
            "Cancel {title} on {when}? Partners will no longer see it.",
            title="Field day",
            when=_t(bot, "en").when(event.starts_at),
        )
    )
    await coordinator.press("Yes, cancel it")
    await coordinator.expect("Cancelled.")

    cancelled = await _event(bot, event_id)
    assert cancelled.cancelled_at is not None
    assert await _audit(bot, "event.cancelled") == [{"event": event_id}]
    claire = bot.user(FRENCH, "Claire", language_code="fr")
    await claire.send("/events")
    await claire.expect(_t(bot, "fr").gettext("There are no upcoming events for you right now."))
    await coordinator.send(f"/cancelevent {event_id}")
    await coordinator.expect("Field day is already cancelled. Nothing was changed.")
    assert (await _event(bot, event_id)).cancelled_at == cancelled.cancelled_at
    assert len(await _audit(bot, "event.cancelled")) == 1


async def test_admins_may_add_events_for_everyone(bot: BotHarness) -> None:
    await add_partner(bot.db, ADMIN, name="Ada", role=Role.ADMIN)
    admin = bot.user(ADMIN, "Ada", language_code="en")
    await admin.send("/newevent")
    await admin.expect("Which programme is the event for?")
    assert "Landscape Partnership Asia" in admin.buttons()
    await admin.press("Everyone (all programmes)")
    await admin.expect("What is the title of the event?")  # no landscapes to choose
    state = await _step(bot, ADMIN)
    assert state is not None
    assert state[2]["programme"] is None
