"""/newevent read the way coordinators type: "tomorrow 10:00" in each shipped language, a day
button then a time, and a preview showing the start in the partners' own time zones."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from storage.models import Event, Role, utcnow
from tests.support.bot import BotHarness
from tests.support.chat import ChatUser
from tests.support.people import add_partner

COORDINATOR, PARIS, SEOUL = 7300, 7301, 7302
PHNOM_PENH = ZoneInfo("Asia/Phnom_Penh")
TOMORROW_TEN = {
    "en": "tomorrow 10:00",
    "fr": "demain 10h",
    "es": "mañana a las 10",
    "ar": "غدا الساعة ١٠",
    "km": "ថ្ងៃស្អែក ម៉ោង ១០",
    "ko": "내일 오전 10시",
}


async def _to_start(bot: BotHarness, language: str) -> ChatUser:
    await add_partner(bot.db, COORDINATOR, name="Cora", role=Role.COORDINATOR, language=language)
    await add_partner(bot.db, PARIS, name="Claire", language="fr", timezone="Europe/Paris")
    await add_partner(bot.db, SEOUL, name="Min", language="ko", timezone="Asia/Seoul")
    t = bot.catalogs.translator(language)
    coordinator = bot.user(COORDINATOR, "Cora", language_code=language)
    await coordinator.send("/newevent")
    await coordinator.press("FLRM Cambodia")
    await coordinator.press(t.gettext("Done"))
    await coordinator.expect(t.gettext("What is the title of the event?"))
    await coordinator.send("Nursery visit")
    return coordinator


async def _finish(bot: BotHarness, coordinator: ChatUser, language: str) -> Event:
    t = bot.catalogs.translator(language)
    await coordinator.expect(t.gettext("How long does it last? Choose below, or send the end "
                                       "time as HH:MM or YYYY-MM-DD HH:MM."))  # fmt: skip
    await coordinator.press_index(1)
    await coordinator.send("FAO office")
    await coordinator.press(t.gettext("Skip"))
    preview = await coordinator.expect(t.gettext("Partners will see the start as:"))
    await coordinator.press(t.gettext("Save"))
    saved = "Saved. Partners of {where} will see it in /events."
    await coordinator.expect(t.gettext(saved, where="FLRM Cambodia"))
    async with bot.db.unit_of_work() as uow:
        [event] = [e for e in await uow.events.all() if e.title.get(language) == "Nursery visit"]
    assert preview.text  # kept for the callers' checks
    return event


def _tomorrow_at(hour: int) -> datetime:
    day = (utcnow().astimezone(PHNOM_PENH) + timedelta(days=1)).date()
    return datetime(day.year, day.month, day.day, hour, tzinfo=PHNOM_PENH)


@pytest.mark.parametrize("language", sorted(TOMORROW_TEN))
async def test_tomorrow_at_ten_in_each_language(bot: BotHarness, language: str) -> None:
    coordinator = await _to_start(bot, language)
    t = bot.catalogs.translator(language)
    await coordinator.expect_button(t.gettext("Tomorrow"))
    await coordinator.send(TOMORROW_TEN[language])
    event = await _finish(bot, coordinator, language)
    assert event.starts_at == _tomorrow_at(10)


async def test_a_day_button_then_a_time_and_the_partners_zones(bot: BotHarness) -> None:
    coordinator = await _to_start(bot, "en")
    await coordinator.press("Tomorrow")
    await coordinator.expect("At what time on")
    await coordinator.send("25:00")
    await coordinator.expect("There is no such date or time.")
    await coordinator.send("3 pm")
    en = bot.catalogs.translator("en")
    await coordinator.expect(en.gettext("How long does it last? Choose below, or send the end "
                                        "time as HH:MM or YYYY-MM-DD HH:MM."))  # fmt: skip
    await coordinator.press("2 hours")
    await coordinator.send("FAO office")
    await coordinator.press("Skip")
    preview = await coordinator.expect("Partners will see the start as:")
    start = _tomorrow_at(15)
    for zone in ("Europe/Paris", "Asia/Seoul"):
        assert bot.catalogs.translator("en", zone).when(start) in preview.text
    assert "Seoul" in preview.text
    assert "Paris" in preview.text


async def test_a_day_alone_is_asked_for_its_time_and_a_zone_typed_in_korean(
    bot: BotHarness,
) -> None:
    coordinator = await _to_start(bot, "ko")
    ko = bot.catalogs.translator("ko")
    await coordinator.send("내일")
    await coordinator.expect(
        ko.gettext("At what time on {day}? For example {example}.").split("{")[0]
    )
    await coordinator.send("내일 오전 10시 서울")
    event = await _finish(bot, coordinator, "ko")
    assert event.timezone == "Asia/Seoul"
    day = (utcnow().astimezone(ZoneInfo("Asia/Seoul")) + timedelta(days=1)).date()
    assert event.starts_at == datetime(
        day.year, day.month, day.day, 10, tzinfo=ZoneInfo("Asia/Seoul")
    )
