"""'Add to calendar' files: read back with icalendar, the right instants, zones, text and form."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar, Component

from bot.calendar import CalendarEvent, event_ics, ics_filename

PHNOM_PENH = ZoneInfo("Asia/Phnom_Penh")
BERLIN = ZoneInfo("Europe/Berlin")
MEETING_LINK = "https://meet.example.org/flrm-progress?pwd=a-long-token-so-that-lines-fold"

EVENT = CalendarEvent(
    uid="event-42@landscape-bot",
    title="FLRM progress meeting",
    description="Quarterly review of the restoration sites.",
    starts_at=datetime(2026, 12, 17, 14, 0, tzinfo=PHNOM_PENH),
    ends_at=datetime(2026, 12, 17, 15, 30, tzinfo=PHNOM_PENH),
    timezone="Asia/Phnom_Penh",
    updated_at=datetime(2026, 11, 1, 9, 30, tzinfo=UTC),
)


def parse(ics: bytes) -> tuple[Calendar, Component]:
    calendar = Calendar.from_ical(ics)
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    return calendar, events[0]


def decoded(component: Component, name: str) -> Any:
    return component.decoded(name)


def utc_from_vtimezone(calendar: Calendar, local: datetime) -> datetime:
    """Place a local time using only the file's VTIMEZONE, as a calendar without the IANA
    database (Outlook) does: the observance that began last before it gives the offset."""
    (timezone,) = calendar.walk("VTIMEZONE")
    observances = [c for c in timezone.subcomponents if c.name in ("STANDARD", "DAYLIGHT")]
    assert all("RDATE" not in c and "RRULE" not in c for c in observances)
    began = [c for c in observances if decoded(c, "DTSTART") <= local]
    current = max(began, key=lambda c: decoded(c, "DTSTART"))
    offset: timedelta = decoded(current, "TZOFFSETTO")
    return (local - offset).replace(tzinfo=UTC)


def test_instants_are_the_inputs_in_utc() -> None:
    _, event = parse(event_ics(EVENT))
    assert decoded(event, "DTSTART") == datetime(2026, 12, 17, 7, 0, tzinfo=UTC)
    assert decoded(event, "DTEND") == datetime(2026, 12, 17, 8, 30, tzinfo=UTC)
    assert decoded(event, "DTSTAMP") == datetime(2026, 11, 1, 9, 30, tzinfo=UTC)
    assert decoded(event, "LAST-MODIFIED") == datetime(2026, 11, 1, 9, 30, tzinfo=UTC)


def test_times_carry_the_event_zone_and_its_vtimezone() -> None:
    ics = event_ics(EVENT)
    assert b"DTSTART;TZID=Asia/Phnom_Penh:20261217T140000\r\n" in ics
    assert b"DTEND;TZID=Asia/Phnom_Penh:20261217T153000\r\n" in ics
    assert b"DTSTAMP:20261101T093000Z\r\n" in ics
    calendar, event = parse(ics)
    assert event["DTSTART"].params["TZID"] == "Asia/Phnom_Penh"
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Asia/Phnom_Penh"]
    local = decoded(event, "DTSTART").replace(tzinfo=None)
    assert utc_from_vtimezone(calendar, local) == datetime(2026, 12, 17, 7, 0, tzinfo=UTC)


def test_times_given_in_another_zone_are_written_in_the_event_zone() -> None:
    event = replace(
        EVENT,
        starts_at=datetime(2026, 12, 17, 7, 0, tzinfo=UTC),
        ends_at=datetime(2026, 12, 17, 8, 30, tzinfo=UTC),
    )
    assert event_ics(event) == event_ics(EVENT)


@pytest.mark.parametrize(
    ("local", "utc"),
    [
        (datetime(2026, 6, 17, 14, 0), datetime(2026, 6, 17, 12, 0, tzinfo=UTC)),  # CEST
        (datetime(2026, 12, 17, 14, 0), datetime(2026, 12, 17, 13, 0, tzinfo=UTC)),  # CET
    ],
)
def test_daylight_saving_time_is_respected(local: datetime, utc: datetime) -> None:
    event = replace(
        EVENT,
        starts_at=local.replace(tzinfo=BERLIN),
        ends_at=local.replace(tzinfo=BERLIN) + timedelta(hours=2),
        timezone="Europe/Berlin",
    )
    calendar, parsed = parse(event_ics(event))
    assert parsed["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert decoded(parsed, "DTSTART") == utc
    assert utc_from_vtimezone(calendar, local) == utc


def test_clocks_changing_during_the_event() -> None:
    event = replace(
        EVENT,
        starts_at=datetime(2026, 10, 24, 14, 0, tzinfo=BERLIN),  # CEST
        ends_at=datetime(2026, 10, 26, 14, 0, tzinfo=BERLIN),  # CET
        timezone="Europe/Berlin",
    )
    calendar, parsed = parse(event_ics(event))
    assert decoded(parsed, "DTSTART") == datetime(2026, 10, 24, 12, 0, tzinfo=UTC)
    assert decoded(parsed, "DTEND") == datetime(2026, 10, 26, 13, 0, tzinfo=UTC)
    end = datetime(2026, 10, 26, 14, 0)
    assert utc_from_vtimezone(calendar, end) == datetime(2026, 10, 26, 13, 0, tzinfo=UTC)


def test_text_with_special_characters_round_trips() -> None:
    description = (
        "Agenda, part 1; part 2\n"
        "ការស្តារទេសភាពព្រៃឈើនៅខេត្តកំពង់ធំ\n"
        "مراجعة التقدم في مواقع الاستعادة\n"
        "복원 현장 진행 상황 검토\n"
        'Path C:\\sites, "quoted"'
    )
    event = replace(EVENT, title="Review; sites, Q4 — ការប្រជុំ", description=description)
    ics = event_ics(event)
    ics.decode("utf-8")  # valid UTF-8 throughout, even where lines fold
    _, parsed = parse(ics)
    assert str(parsed["SUMMARY"]) == "Review; sites, Q4 — ការប្រជុំ"
    assert str(parsed["DESCRIPTION"]) == description


def test_control_characters_are_dropped_and_the_title_is_one_line() -> None:
    event = replace(EVENT, title="Site\nvisit\x00", description="a\r\nb\x07")
    _, parsed = parse(event_ics(event))
    assert str(parsed["SUMMARY"]) == "Site visit"
    assert str(parsed["DESCRIPTION"]) == "a\nb"


def test_online_meeting_link() -> None:
    _, parsed = parse(event_ics(replace(EVENT, url=MEETING_LINK)))
    assert str(parsed["URL"]) == MEETING_LINK
    assert str(parsed["LOCATION"]) == MEETING_LINK  # no place, so the link is where it is
    assert str(parsed["DESCRIPTION"]).splitlines()[-1] == MEETING_LINK
    assert str(parsed["DESCRIPTION"]).startswith(EVENT.description)


def test_a_place_is_the_location_even_with_a_link() -> None:
    event = replace(EVENT, url=MEETING_LINK, location="Kampong Thom, Provincial Hall")
    _, parsed = parse(event_ics(event))
    assert str(parsed["LOCATION"]) == "Kampong Thom, Provincial Hall"
    assert str(parsed["URL"]) == MEETING_LINK


def test_without_link_or_place() -> None:
    _, parsed = parse(event_ics(EVENT))
    assert "URL" not in parsed
    assert "LOCATION" not in parsed
    assert str(parsed["DESCRIPTION"]) == EVENT.description


def test_calendar_and_event_properties() -> None:
    calendar, parsed = parse(event_ics(replace(EVENT, sequence=3)))
    assert str(calendar["VERSION"]) == "2.0"
    assert "landscape-bot" in str(calendar["PRODID"])
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert str(parsed["UID"]) == "event-42@landscape-bot"
    assert str(parsed["SUMMARY"]) == "FLRM progress meeting"
    assert decoded(parsed, "SEQUENCE") == 3
    assert str(parsed["STATUS"]) == "CONFIRMED"


def test_cancelled_event() -> None:
    calendar, parsed = parse(event_ics(replace(EVENT, cancelled=True, sequence=1)))
    assert str(calendar["METHOD"]) == "PUBLISH"  # CANCEL would need an ORGANIZER
    assert str(parsed["STATUS"]) == "CANCELLED"
    assert decoded(parsed, "SEQUENCE") == 1


def test_stamp_defaults_to_now() -> None:
    before = datetime.now(UTC).replace(microsecond=0)
    _, parsed = parse(event_ics(replace(EVENT, updated_at=None)))
    assert before <= decoded(parsed, "DTSTAMP") <= datetime.now(UTC)


def test_lines_end_in_crlf_and_fold_at_75_octets() -> None:
    event = replace(EVENT, url=MEETING_LINK, description="ការស្តារទេសភាពព្រៃឈើ " * 20 + "복원 " * 40)
    ics = event_ics(event)
    assert ics.endswith(b"\r\n")
    lines = ics.split(b"\r\n")[:-1]
    assert b"\n" not in b"".join(lines)
    assert all(len(line) <= 75 for line in lines)
    assert any(line.startswith(b" ") for line in lines)  # long lines were folded
    for line in lines:
        line.decode("utf-8")  # folds never split a character


def test_invalid_events_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        replace(EVENT, starts_at=datetime(2026, 12, 17, 14, 0))
    with pytest.raises(ValueError, match="end before"):
        replace(EVENT, ends_at=EVENT.starts_at - timedelta(minutes=1))
    with pytest.raises(ValueError, match="unknown time zone"):
        replace(EVENT, timezone="Mars/Olympus_Mons")


def test_an_event_without_duration_has_no_end() -> None:
    _, parsed = parse(event_ics(replace(EVENT, ends_at=EVENT.starts_at)))
    assert "DTEND" not in parsed


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("FLRM Progress Meeting", "2026-12-17-flrm-progress-meeting.ics"),
        ("Réunion à Đà Lạt — Straße", "2026-12-17-reunion-a-da-lat-strasse.ics"),
        ("اجتماع التقدم", "2026-12-17-event.ics"),
        ("ការប្រជុំ", "2026-12-17-event.ics"),
        ("Sites 1/2 \\ review: Q4?", "2026-12-17-sites-1-2-review-q4.ics"),
        ("../../etc/passwd", "2026-12-17-etc-passwd.ics"),
        ("", "2026-12-17-event.ics"),
    ],
)
def test_ics_filename(title: str, expected: str) -> None:
    assert ics_filename(title, date(2026, 12, 17)) == expected


def test_ics_filename_is_short_and_takes_a_datetime() -> None:
    name = ics_filename("Landscape restoration " * 10, EVENT.starts_at)
    assert name.startswith("2026-12-17-landscape-restoration-")
    assert name.endswith(".ics")
    assert not name.endswith("-.ics")
    assert len(name) <= 80
