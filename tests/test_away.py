"""/away: a partner pauses check-in prompts until a date, typed as ISO or in their own locale's
short form (with any digits), and resumes them with /away off; a past or unreadable date gets a
hint and changes nothing."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.i18n import Catalogs
from handlers.checkins.away import Unreadable, read_until
from tests.support.bot import BotHarness
from tests.support.people import add_partner

CATALOGS = Catalogs.load()
TODAY = date(2026, 7, 15)
# 20:00 UTC on 14 July is already 15 July in Phnom Penh, where the partner lives.
NOW = datetime(2026, 7, 14, 20, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("language", "typed", "until"),
    [
        ("en", "until 2026-12-31", date(2026, 12, 31)),
        ("en", "2026-8-1", date(2026, 8, 1)),
        ("en", "until 31/12/2026", date(2026, 12, 31)),
        ("fr", "jusqu'au 01/08/2026", date(2026, 8, 1)),
        ("es", "hasta 1/8/26", date(2026, 8, 1)),
        ("ar", "حتى ٣١/١٢/٢٠٢٦", date(2026, 12, 31)),
        ("ko", "26. 8. 1.", date(2026, 8, 1)),
        ("km", "until 2026-07-15", TODAY),  # today itself is fine
    ],
)
def test_dates_are_read_as_iso_or_in_the_locales_short_form(
    language: str, typed: str, until: date
) -> None:
    assert read_until(CATALOGS.translator(language), typed, TODAY) == until


@pytest.mark.parametrize(
    ("typed", "hint"),
    [
        ("until someday", "I couldn't read that date."),
        ("12/31/2026", "I couldn't read that date."),  # month 31 in a day-first locale
        ("31/02/2027", "I couldn't read that date."),
        ("2026-07-14", "14 July 2026 has already passed."),
        ("2030-01-01", "That is more than a year away."),
    ],
)
def test_a_wrong_date_gets_a_hint(typed: str, hint: str) -> None:
    with pytest.raises(Unreadable) as raised:
        read_until(CATALOGS.translator("en"), typed, TODAY)
    assert hint in raised.value.hint


async def _away_until(bot: BotHarness, telegram_id: int) -> date | None:
    async with bot.db.unit_of_work() as uow:
        partner = await uow.partners.by_telegram_id(telegram_id)
    assert partner is not None
    return partner.away_until


async def test_going_away_and_coming_back(bot: BotHarness) -> None:
    bot.clock = lambda: NOW
    await add_partner(bot.db, 7400, name="Awa", language="fr")
    awa = bot.user(7400, "Awa", language_code="fr")
    fr = bot.catalogs.translator("fr")
    await awa.send("/away")
    # An example in her own short date form.
    going_away = (
        "Going away? Send /away until {example} to pause check-in reminders until that day."
    )
    await awa.expect(fr.gettext(going_away, example="29/07/2026"))
    await awa.send("/away jusqu'au 14/07/2026")
    passed = "{date} has already passed. Please send a date from today on."
    await awa.expect(fr.gettext(passed, date="14 juillet 2026").split(".")[0])
    assert await _away_until(bot, 7400) is None
    await awa.send("/away bientôt")
    await awa.expect("2026-07-29")
    assert await _away_until(bot, 7400) is None
    await awa.send("/away jusqu'au 31/08/2026")
    await awa.expect("31 août 2026")
    assert await _away_until(bot, 7400) == date(2026, 8, 31)
    await awa.send("/away")
    away = "You are away until {date}. Send /away off when you are back."
    await awa.expect(fr.gettext(away, date="31 août 2026").split(".")[0])
    await awa.send("/away off")
    await awa.expect(fr.gettext("Welcome back! Check-in reminders are on again."))
    assert await _away_until(bot, 7400) is None
