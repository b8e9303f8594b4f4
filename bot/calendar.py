"""'Add to calendar' files: one event as an iCalendar (.ics) file, and a safe name for it.

The file keeps to RFC 5545 so that Google Calendar, Apple Calendar and Outlook all open it: the
start and end are given in the zone the event is organised in, with a VTIMEZONE describing that
zone, and the icalendar library takes care of escaping, UTF-8, CRLF line ends and folding.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from icalendar import Calendar, Event

PRODID = "-//landscape-bot//Add to calendar//EN"

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # not allowed in TEXT values; keeps \t and \n
_NOT_SLUG = re.compile(r"[^a-z0-9]+")
_SLUG_LENGTH = 60
# Latin letters that Unicode does not decompose into a base letter and an accent.
_LATIN = str.maketrans({"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "đ": "d", "ł": "l", "þ": "th"})


@dataclass(frozen=True)
class CalendarEvent:
    """One event, as the calendar file describes it. Times are aware datetimes."""

    uid: str  # stable across updates, e.g. "event-42@landscape-bot"
    title: str  # plain text
    description: str  # plain text, any length, any script
    starts_at: datetime
    ends_at: datetime
    timezone: str  # the IANA zone the event is organised in, e.g. "Asia/Phnom_Penh"
    url: str | None = None  # the online meeting link
    location: str | None = None
    updated_at: datetime | None = None  # when the event last changed (default: now)
    sequence: int = 0  # bump whenever the event changes, so calendars replace their copy
    cancelled: bool = False

    def __post_init__(self) -> None:
        for name in ("starts_at", "ends_at", "updated_at"):
            value = getattr(self, name)
            if value is not None and value.utcoffset() is None:
                raise ValueError(f"{name} must be timezone-aware")
        if self.ends_at < self.starts_at:
            raise ValueError("an event cannot end before it starts")
        if self.sequence < 0:
            raise ValueError("sequence cannot be negative")
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(f"unknown time zone {self.timezone!r}") from error


def event_ics(event: CalendarEvent) -> bytes:
    """The event as a UTF-8 iCalendar file with a single VEVENT."""
    zone = ZoneInfo(event.timezone)
    starts_at = event.starts_at.astimezone(zone)
    ends_at = event.ends_at.astimezone(zone)
    stamp = (event.updated_at or datetime.now(UTC)).astimezone(UTC)

    vevent = Event()
    vevent.add("uid", event.uid)
    vevent.add("dtstamp", stamp)
    vevent.add("last-modified", stamp)
    vevent.add("dtstart", starts_at)
    if ends_at > starts_at:  # without DTEND an event that starts at a time takes no time
        vevent.add("dtend", ends_at)
    vevent.add("summary", " ".join(_text(event.title).split()))
    vevent.add("description", _description(event))
    if event.url:
        vevent.add("url", event.url)
    location = event.location or event.url
    if location:
        vevent.add("location", _text(location))
    vevent.add("sequence", event.sequence)
    vevent.add("status", "CANCELLED" if event.cancelled else "CONFIRMED")

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    # PUBLISH even when cancelled: METHOD:CANCEL needs an ORGANIZER, and STATUS with a higher
    # SEQUENCE is what calendar apps apply to an entry they imported.
    calendar.add("method", "PUBLISH")
    calendar.add_component(vevent)
    # Describe the zone only for the days of the event (RFC 5545 asks no more). Over a longer
    # span the library lists transitions as RDATEs, which Outlook ignores, shifting events by
    # an hour; over a few days there is one observance, or two if the clocks change meanwhile.
    calendar.add_missing_timezones(
        first_date=starts_at.date(), last_date=ends_at.date() + timedelta(days=1)
    )
    for timezone in calendar.walk("VTIMEZONE"):
        timezone.pop("COMMENT", None)  # the library's note on that span; not a VTIMEZONE property
    ics: bytes = calendar.to_ical()  # the library leaves this method unannotated
    return ics


def ics_filename(title: str, starts_at: date) -> str:
    """A safe ASCII file name such as "2026-12-17-flrm-progress-meeting.ics".

    `starts_at` is the day the event starts in its own zone (a datetime is taken as its date).
    """
    ascii_title = (
        unicodedata.normalize("NFKD", title.lower().translate(_LATIN))
        .encode("ascii", "ignore")
        .decode("ascii")
    )
    slug = _NOT_SLUG.sub("-", ascii_title).strip("-")[:_SLUG_LENGTH].rstrip("-")
    return f"{starts_at.isoformat()[:10]}-{slug or 'event'}.ics"


def _text(value: str) -> str:
    return _CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))


def _description(event: CalendarEvent) -> str:
    description = _text(event.description).strip()
    if event.url and event.url not in description:
        description = f"{description}\n\n{event.url}" if description else event.url
    return description
