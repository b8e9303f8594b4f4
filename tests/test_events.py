"""Partners read the calendar and programme status in their own language and time zone: /events,
/next, /event, /status, /programmes, the calendar file, and who sees which event."""

from __future__ import annotations

import html
from datetime import timedelta

from icalendar import Calendar

from storage.models import Role
from tests.support.bot import BotHarness
from tests.support.people import add_event, add_partner


async def test_next_meeting_in_the_partners_zone_with_a_calendar_file(bot: BotHarness) -> None:
    await add_partner(bot.db, 5101, language="fr", timezone="Asia/Phnom_Penh")
    event_id = await add_event(
        bot.db, "Progress meeting", starts_in=timedelta(days=3, hours=2),
        online_url="https://meet.example.org/flrm",
    )  # fmt: skip
    async with bot.db.unit_of_work() as uow:
        event = await uow.events.get(event_id)
    assert event is not None
    fr = bot.catalogs.translator("fr", "Asia/Phnom_Penh")
    user = bot.user(5101, "Claire", language_code="fr")
    await user.send("/next")
    card = await user.expect("Progress meeting")
    assert fr.time_span(event.starts_at, event.ends_at) in card.text
    assert "(UTC+7)" in card.text
    assert "dans 3 jours" in card.text
    assert any(b.url == "https://meet.example.org/flrm" for row in card.buttons for b in row)
    await user.press(fr.gettext("📅 Add to calendar"))
    document = await user.expect(fr.gettext("Open this file to add the event to your calendar."))
    assert document.document is not None
    assert document.document.filename is not None
    assert document.document.filename.endswith(".ics")
    calendar = Calendar.from_ical(document.document.data)
    [vevent] = calendar.walk("VEVENT")
    assert vevent.decoded("DTSTART") == event.starts_at
    assert str(vevent["URL"]) == "https://meet.example.org/flrm"


async def test_events_are_listed_soonest_first_and_paged(bot: BotHarness) -> None:
    await add_partner(bot.db, 5102, language="es", timezone="America/Lima",
                      landscapes=("flrm-peru",))  # fmt: skip
    for day in range(1, 8):
        await add_event(bot.db, f"Meeting {day}", starts_in=timedelta(days=day))
    es = bot.catalogs.translator("es")
    user = bot.user(5102, "María", language_code="es")
    await user.send("/events")
    first = await user.expect("Meeting 1")
    assert first.text.index("Meeting 1") < first.text.index("Meeting 5")
    assert "Meeting 6" not in first.text
    await user.press(es.gettext("Later »"))
    second = await user.expect("Meeting 6")
    assert "Meeting 7" in second.text
    assert "Meeting 5" not in second.text
    await user.press(es.gettext("« Earlier"))
    await user.expect("Meeting 1")


async def test_a_landscape_event_is_seen_by_that_landscapes_partners_only(
    bot: BotHarness,
) -> None:
    await add_partner(bot.db, 5103, landscapes=("flrm-cambodia",))
    await add_partner(bot.db, 5104, landscapes=("flrm-lebanon",), language="ar",
                      timezone="Asia/Beirut")  # fmt: skip
    await add_partner(bot.db, 5105, landscapes=())
    event_id = await add_event(
        bot.db, "Nursery visit", starts_in=timedelta(days=2), landscapes=("flrm-cambodia",)
    )
    await add_event(bot.db, "Partnership webinar", starts_in=timedelta(days=4), programme=None)
    cambodia = bot.user(5103, "Dara", language_code="en")
    await cambodia.send("/events")
    listing = await cambodia.expect("Nursery visit")
    assert "Partnership webinar" in listing.text
    lebanon = bot.user(5104, "Rami", language_code="ar")
    await lebanon.send("/events")
    listing = await lebanon.expect("Partnership webinar")
    assert "Nursery visit" not in listing.text
    await lebanon.send(f"/event {event_id}")
    ar = bot.catalogs.translator("ar")
    await lebanon.expect(html.unescape(ar.gettext("I can't find event {number}.", number=event_id)))
    nowhere = bot.user(5105, "Nobody", language_code="en")
    await nowhere.send("/next")
    await nowhere.expect("Partnership webinar")


async def test_a_forged_or_stale_event_button_changes_nothing(bot: BotHarness) -> None:
    await add_partner(bot.db, 5106, landscapes=("flrm-lebanon",))
    hidden = await add_event(bot.db, "Hidden", starts_in=timedelta(days=1),
                             landscapes=("flrm-cambodia",))  # fmt: skip
    assert bot.services is not None
    user = bot.user(5106, "Rami", language_code="en")
    await user.send("/events")
    message = await user.expect("no upcoming events")
    # A correctly signed button for an event this partner may not see is refused like a forgery.
    await user.press_data(message.message_id, bot.services.codec.encode("ev", hidden))
    await user.expect_answer("This button has expired")
    await user.press_data(message.message_id, "1:ev:1:forged00")
    await user.expect_answer("This button has expired")


async def test_status_in_the_partners_language_with_figures_and_a_fallback_marker(
    bot: BotHarness,
) -> None:
    await add_partner(bot.db, 5107, language="ko", timezone="Asia/Seoul")
    async with bot.db.unit_of_work() as uow:
        flrm = await uow.programmes.by_slug("flrm")
        assert flrm is not None
        flrm.summary = {"en": "Only in English."}
    ko = bot.catalogs.translator("ko")
    user = bot.user(5107, "Minji", language_code="ko")
    await user.send("/status")
    card = await user.expect("산림경관복원")
    assert len(card.text) <= 700  # one phone screen; the rest is a tap away
    await user.press(ko.gettext("About the programme"))
    card = await user.expect("Only in English.")
    marker = html.unescape(ko.gettext("<i>(in {language})</i>", language="영어"))
    assert "영어" in card.text
    assert card.html is not None
    assert "<i>" in card.html
    assert marker.replace("<i>", "").replace("</i>", "") in card.text
    await user.press(ko.gettext("« Back"))
    await user.press(ko.gettext("Key figures"))
    card = await user.expect(ko.gettext("Key figures"))
    assert "4,000만 달러 이상" in card.text  # 40 million, counted in 만 as Korean does
    await user.press(ko.gettext("« Back"))
    await user.press(ko.gettext("Landscapes"))
    await user.press("FLRM Cambodia")
    await user.expect(ko.gettext("Time zone: {zone}", zone="Asia/Phnom_Penh"))


async def test_programmes_list_and_status_by_name(bot: BotHarness) -> None:
    await add_partner(bot.db, 5108, role=Role.PARTNER)
    user = bot.user(5108, "Ana", language_code="en")
    await user.send("/programmes")
    await user.expect_button("Landscape Partnership Asia")
    await user.press("Landscape Partnership Asia")
    await user.press("About the programme")
    await user.expect("drylands")
    await user.send("/status nonsense")
    await user.expect("I don't know a programme called “nonsense”.")
    await user.send("/status lpa")
    await user.expect("Landscape Partnership Asia")


async def test_bad_event_commands_get_a_clear_answer(bot: BotHarness) -> None:
    await add_partner(bot.db, 5109)
    user = bot.user(5109, "Ana", language_code="en")
    await user.send("/event abc")
    await user.expect("Send /event followed by the event's number, e.g. /event 12.")
    await user.send("/event 99999999999999")
    await user.expect("Send /event followed by the event's number")
    await user.send("/event 4242")
    await user.expect("I can't find event 4242.")
