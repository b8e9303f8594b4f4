"""Reading what a coordinator types while adding or changing an event: titles, descriptions,
places or links, and start and end times in a time zone. Each reader returns a clean value or
raises `Invalid` with a localized hint, so the flow can ask the same question again."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from bot.i18n import N_, Translator
from bot.typed import Invalid
from handlers.shared.flow import clean_text
from handlers.shared.typed_times import NoSuchTime, read_clock, read_typed
from handlers.shared.typed_zones import read_timezone

TITLE_MAX = 200
DESCRIPTION_MAX = 2000
PLACE_MAX = 200
URL_MAX = 500
YEARS_AHEAD = 5  # a typo in the year should not put an event in another decade

# "2026-12-17 14:00" or "17/12/2026 14:00", each with an optional time zone after it.
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:\s+|T)(\d{1,2})[:h.](\d{2})(?:\s+(\S.*))?$")
_DMY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})\s+(\d{1,2})[:h.](\d{2})(?:\s+(\S.*))?$")
_CLOCK = re.compile(r"^(\d{1,2})[:h.](\d{2})$")
# Translated as a start written the translator's way; the bot reads it back (a test checks).
TYPED_EXAMPLE = N_("tomorrow 10:00")
_ZONE_LIKE = re.compile(r"^(?:utc|gmt)?[+-]\d", re.IGNORECASE)
_LINK = re.compile(r"^https?://", re.IGNORECASE)


class DayWithoutTime(Invalid):
    """A day typed without a time ("next Monday"): the time is never guessed. The event flow
    asks for the time of that day; elsewhere the hint asks for the day and time together."""

    def __init__(self, t: Translator, day: date, zone: str) -> None:
        super().__init__(
            t.gettext(
                "At what time on {day}? Please send the day and the time together, for "
                "example “{example}”.",
                day=t.date(day, "full"),
                example=t.gettext(TYPED_EXAMPLE),
            )
        )
        self.day, self.zone = day, zone


def time_question(t: Translator, day: date) -> str:
    return t.gettext(
        "At what time on {day}? For example {example}.", day=t.date(day, "full"), example="10:00"
    )


def read_title(t: Translator, text: str) -> str:
    value = clean_text(text)
    if not value:
        raise Invalid(t.gettext("Please send the title as text."))
    return _bounded(t, value, TITLE_MAX)


def read_description(t: Translator, text: str) -> str:
    # Line breaks are kept: descriptions are often short lists.
    value = "\n".join(clean_text(line) for line in text.strip().splitlines()).strip()
    if not value:
        raise Invalid(t.gettext("Please send the description as text."))
    return _bounded(t, value, DESCRIPTION_MAX)


def read_where(t: Translator, text: str) -> tuple[str | None, str | None]:
    """(online link, None) for an http(s) address, else (None, the name of the place)."""
    value = text.strip()
    if _LINK.match(value):
        if any(ch.isspace() for ch in value) or not urlsplit(value).hostname:
            raise Invalid(
                t.gettext(
                    "That link doesn't look right. Please send the full address, "
                    "starting with https://."
                )
            )
        return _bounded(t, value, URL_MAX), None
    place = clean_text(value)
    if not place:
        raise Invalid(t.gettext("Please send the name of the place as text."))
    return None, _bounded(t, place, PLACE_MAX)


def read_start(t: Translator, text: str, zone: str, now: datetime) -> tuple[datetime, str]:
    """The start as an aware UTC moment, and the zone it was given in."""
    start, zone = _read_moment(t, text, zone, now)
    if start <= now:
        raise Invalid(t.gettext("That time has already passed. Please send a time in the future."))
    return start, zone


def read_start_on(
    t: Translator, text: str, day: date, zone: str, now: datetime
) -> tuple[datetime, str]:
    """The time of a day already chosen ("10:00", "10h", "오전 10시"), or a whole new start."""
    clock = _read_clock(t, text)
    if clock is None:
        return read_start(t, text, zone, now)
    start = _local(t, (day.year, day.month, day.day, clock.hour, clock.minute), zone)
    if start <= now:
        raise Invalid(t.gettext("That time has already passed. Please send a time in the future."))
    return start, zone


def read_end(t: Translator, text: str, start: datetime, zone: str, now: datetime) -> datetime:
    """An end typed as a time of day (the start's day) or as a full date and time."""
    clock = _read_clock(t, text)
    if clock is not None:
        day = start.astimezone(ZoneInfo(zone)).date()
        end = _local(t, (day.year, day.month, day.day, clock.hour, clock.minute), zone)
    else:
        end, _ = _read_moment(t, text, zone, now)
    if end <= start:
        raise Invalid(
            t.gettext(
                "The end must be after the start ({start}). Please send the end time again.",
                start=t.when(start),
            )
        )
    return end


def example_time(zone: str, now: datetime) -> str:
    """A week from now at 14:00 in `zone`, written the way the flow asks for it."""
    day = (now + timedelta(days=7)).astimezone(ZoneInfo(zone))
    return f"{day:%Y-%m-%d} 14:00"


def _read_moment(t: Translator, text: str, zone: str, now: datetime) -> tuple[datetime, str]:
    """The exact formats first (fast, and what older hints taught), then words in the
    coordinator's language."""
    value = " ".join(text.split())
    iso, dmy = _ISO.match(value), _DMY.match(value)
    if iso:
        year, month, day, hour, minute, suffix = iso.groups()
    elif dmy:
        day, month, year, hour, minute, suffix = dmy.groups()
    else:
        return _read_words(t, value, zone, now)
    if suffix:
        zone = _zone(t, suffix)
    numbers = (int(year), int(month), int(day), int(hour), int(minute))
    return _ahead(t, _local(t, numbers, zone), now), zone


def _read_words(t: Translator, value: str, zone: str, now: datetime) -> tuple[datetime, str]:
    """ "tomorrow 10:00", "demain 10h", "내일 오전 10시", optionally followed by a time zone."""
    words = value.rsplit(" ", 1)
    if len(words) == 2 and _looks_like_zone(words[1]):
        value, zone = words[0], _zone(t, words[1])
    local_now = now.astimezone(ZoneInfo(zone)).replace(tzinfo=None)
    try:
        typed = read_typed(value, t.language, local_now, _date_order(t))
    except NoSuchTime:
        raise _impossible(t) from None
    if typed is None:
        raise Invalid(
            t.gettext(
                "I couldn't read that as a date and time. "
                "Please send it like “{words}” or {example}.",
                words=t.gettext(TYPED_EXAMPLE),
                example=example_time(zone, now),
            )
        )
    day = typed.day or local_now.date()  # a time alone is today's
    if typed.clock is None:
        raise DayWithoutTime(t, day, zone)
    numbers = (day.year, day.month, day.day, typed.clock.hour, typed.clock.minute)
    return _ahead(t, _local(t, numbers, zone), now), zone


def _date_order(t: Translator) -> str:
    """ "DMY", "MDY" or "YMD", as the reader's locale writes short dates."""
    pattern = str(t.locale.date_formats["short"].pattern)
    return "".join(sorted("DMY", key=lambda part: pattern.find("dMy"["DMY".index(part)])))


def _looks_like_zone(word: str) -> bool:
    """A last word meant as a zone ("UTC+7", "Asia/Seoul", "서울") rather than part of the
    time; an unknown one that looks like a zone is refused as such."""
    return "/" in word or bool(_ZONE_LIKE.match(word)) or read_timezone(word) is not None


def _read_clock(t: Translator, text: str) -> time | None:
    clock = _CLOCK.match(text.strip())
    if clock:
        hour, minute = int(clock[1]), int(clock[2])
        if hour > 23 or minute > 59:
            raise _impossible(t)
        return time(hour, minute)
    try:
        return read_clock(text, t.language)
    except NoSuchTime:
        raise _impossible(t) from None


def _zone(t: Translator, typed: str) -> str:
    named = read_timezone(typed)
    if named is None:
        raise Invalid(
            t.gettext(
                "I don't know the time zone {zone}. "
                "Try a city such as Asia/Phnom_Penh, or an offset such as UTC+7.",
                zone=typed,
            )
        )
    return named


def _ahead(t: Translator, moment: datetime, now: datetime) -> datetime:
    if moment - now > timedelta(days=365 * YEARS_AHEAD):
        raise Invalid(
            t.ngettext(
                "That is too far ahead: please send a date within {n} year.",
                "That is too far ahead: please send a date within {n} years.",
                YEARS_AHEAD,
            )
        )
    return moment


def _impossible(t: Translator) -> Invalid:
    return Invalid(t.gettext("There is no such date or time. Please check it and send it again."))


def _local(t: Translator, values: tuple[int, int, int, int, int], zone: str) -> datetime:
    """A wall-clock time in `zone` as a UTC moment; impossible dates and times, including the
    hour skipped when clocks go forward, are refused rather than guessed."""
    impossible = _impossible(t)
    try:
        year, month, day, hour, minute = values
        naive = datetime(year, month, day, hour, minute)  # wall-clock time, placed in `zone` below
    except ValueError:
        raise impossible from None
    local = naive.replace(tzinfo=ZoneInfo(zone))
    try:
        moment = local.astimezone(UTC)
        if moment.astimezone(local.tzinfo).replace(tzinfo=None) != naive:
            raise impossible
    except OverflowError:  # the first or last hours that datetime can hold
        raise impossible from None
    return moment


def _bounded(t: Translator, value: str, limit: int) -> str:
    if len(value) > limit:
        raise Invalid(
            t.ngettext(
                "That is too long: please keep it to {n} character.",
                "That is too long: please keep it to {n} characters.",
                limit,
            )
        )
    return value
