"""Reading a time zone as people type it: an IANA name ("Asia/Phnom_Penh"), an offset ("UTC+7",
"GMT+5:30", "+05:30"), or a city in any shipped language ("Phnom Penh", "서울", "ភ្នំពេញ",
"الدار البيضاء") by the exemplar city names Babel's CLDR data gives each zone."""

from __future__ import annotations

import functools
import re
import unicodedata
import zoneinfo
from collections import Counter
from datetime import UTC, datetime, timedelta

from babel import Locale
from babel.core import get_global
from babel.dates import get_timezone_location

from bot.i18n import locales_dir, utc_offset

_OFFSET = re.compile(r"^(?:utc|gmt)?\s*([+-])\s*(\d{1,2})(?::?(\d{2}))?$", re.IGNORECASE)
MAX_OFFSET_HOURS = 14


def read_timezone(text: str) -> str | None:
    """The IANA zone `text` names, or None."""
    value = " ".join(text.split())
    match = _OFFSET.match(value)
    if match:
        return _zone_at_offset(match[1], int(match[2]), int(match[3] or 0))
    if value.upper() in {"UTC", "GMT"}:
        return "Etc/UTC"
    return _by_name().get(_key(value))


def _zone_at_offset(sign: str, hours: int, minutes: int) -> str | None:
    if hours > MAX_OFFSET_HOURS or minutes >= 60:
        return None
    if not minutes:
        if hours == 0:
            return "Etc/UTC"
        # The Etc/GMT zones have POSIX signs: UTC+7 is Etc/GMT-7.
        return f"Etc/GMT{'-' if sign == '+' else '+'}{hours}"
    total = (hours * 60 + minutes) * (1 if sign == "+" else -1)
    return _zones_by_offset().get(total)


def _key(name: str) -> str:
    """Case, accents, underscores and spacing do not matter."""
    plain = unicodedata.normalize("NFKD", name.replace("_", " ").casefold())
    return " ".join("".join(ch for ch in plain if not unicodedata.combining(ch)).split())


@functools.cache
def _by_name() -> dict[str, str]:
    """Every zone by its IANA name, its last part, and its city in each shipped language;
    built on first use (about a third of a second), not at import."""
    aliases = get_global("zone_aliases")  # old name -> current name
    zones = sorted(zoneinfo.available_timezones())
    index: dict[str, str] = {}
    for zone in zones:
        index.setdefault(_key(zone), zone)
    current = [zone for zone in zones if zone not in aliases and "/" in zone]
    languages = ["en", *(path.name for path in sorted(locales_dir().iterdir()) if path.is_dir())]
    for language in dict.fromkeys(languages):
        locale = Locale.parse(language)
        for zone in current:
            index.setdefault(_key(zone.rsplit("/", 1)[-1]), zone)
            index.setdefault(_key(get_timezone_location(zone, locale, return_city=True)), zone)
    return index


@functools.cache
def _zones_by_offset() -> dict[int, str]:
    """A zone for each offset that is not a whole hour (Etc/ has only whole hours), in minutes
    east of UTC, in January or in July. Zones without daylight saving first, then the one most
    old names point to (Asia/Kolkata rather than Asia/Colombo for +5:30)."""
    aliases = get_global("zone_aliases")
    pointed = Counter(aliases.values())
    year = datetime.now(UTC).year
    seasons = (datetime(year, 1, 15, tzinfo=UTC), datetime(year, 7, 15, tzinfo=UTC))
    found: dict[int, tuple[tuple[bool, int, str], str]] = {}
    for zone in zoneinfo.available_timezones():
        if zone in aliases or "/" not in zone or zone.startswith("Etc/"):
            continue
        info = zoneinfo.ZoneInfo(zone)
        offsets = {_minutes_east(at.astimezone(info).utcoffset()) for at in seasons}
        rank = (len(offsets) > 1, -pointed[zone], zone)
        for minutes in offsets:
            if minutes % 60 and (minutes not in found or rank < found[minutes][0]):
                found[minutes] = (rank, zone)
    return {minutes: zone for minutes, (_, zone) in found.items()}


def _minutes_east(offset: timedelta | None) -> int:
    return int(offset.total_seconds()) // 60 if offset else 0


def zone_label(zone: str, at: datetime) -> str:
    """ "Asia/Phnom Penh (UTC+7)": the offset at `at`, since daylight saving moves it. A zone
    that is only an offset (UTC, Etc/GMT-7, whose sign is POSIX's) shows the offset alone."""
    offset = utc_offset(zoneinfo.ZoneInfo(zone), at)
    if zone in {"UTC", "GMT"} or zone.startswith("Etc/"):
        return offset
    return f"{zone.replace('_', ' ')} ({offset})"
