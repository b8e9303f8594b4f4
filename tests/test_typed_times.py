"""Start times typed the way people type them, read in each shipped language: the evaluation set
of `tests/data/typed_times.toml`, the translated example each question shows, and time zones
typed as offsets or as city names in the partner's own script."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from benchmarks.typed_times import outcomes
from bot.i18n import Catalogs
from handlers.events.readers import TYPED_EXAMPLE, DayWithoutTime, read_start
from handlers.shared.typed_zones import read_timezone


@pytest.fixture(scope="module")
def catalogs() -> Catalogs:
    return Catalogs.load()


def test_every_phrasing_of_the_evaluation_set_is_read_as_expected(catalogs: Catalogs) -> None:
    results = list(outcomes(catalogs))
    assert {outcome.case.language for outcome in results} == set(catalogs.languages)
    wrong = [
        f"{o.case.language} {o.case.text!r}: expected {o.case.expect}, got {o.got}"
        for o in results
        if not o.correct
    ]
    assert not wrong, "\n".join(wrong)


def test_the_example_each_language_shows_is_read_back(catalogs: Catalogs) -> None:
    now = datetime(2026, 3, 11, 2, 0, tzinfo=UTC)
    for language in catalogs.languages:
        t = catalogs.translator(language, "Asia/Seoul")
        start, _ = read_start(t, t.gettext(TYPED_EXAMPLE), "Asia/Seoul", now)
        assert start == datetime(2026, 3, 12, 1, 0, tzinfo=UTC), language


def test_a_day_alone_asks_for_its_time_in_the_users_language(catalogs: Catalogs) -> None:
    t = catalogs.translator("fr", "Europe/Paris")
    with pytest.raises(DayWithoutTime) as asked:
        read_start(t, "lundi prochain", "Europe/Paris", datetime(2026, 3, 11, 8, tzinfo=UTC))
    assert asked.value.day.isoformat() == "2026-03-16"
    assert "lundi 16 mars 2026" in asked.value.hint


@pytest.mark.parametrize(
    ("typed", "zone"),
    [
        ("UTC+5:30", "Asia/Kolkata"),
        ("GMT+5:30", "Asia/Kolkata"),
        ("+05:30", "Asia/Kolkata"),
        ("UTC-3:30", "America/St_Johns"),
        ("UTC+7", "Etc/GMT-7"),
        ("서울", "Asia/Seoul"),
        ("الدار البيضاء", "Africa/Casablanca"),
        ("ភ្នំពេញ", "Asia/Phnom_Penh"),
        ("Phnom Penh", "Asia/Phnom_Penh"),
        ("phnom penh", "Asia/Phnom_Penh"),
        ("asia/phnom_penh", "Asia/Phnom_Penh"),
        ("Beyrouth", "Asia/Beirut"),
    ],
)
def test_time_zones_typed_as_offsets_or_cities(typed: str, zone: str) -> None:
    found = read_timezone(typed)
    assert found is not None, typed
    at = datetime(2026, 1, 15, tzinfo=UTC)

    assert at.astimezone(ZoneInfo(found)).utcoffset() == at.astimezone(ZoneInfo(zone)).utcoffset()


@pytest.mark.parametrize("typed", ["UTC+5:31", "UTC+15", "Atlantis", "+25:00", ""])
def test_unknown_zones_are_refused(typed: str) -> None:
    assert read_timezone(typed) is None
