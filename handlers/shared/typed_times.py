"""Reading a day and time typed the way people type them — "tomorrow 10:00", "demain 10h",
"el viernes a las 9", "غدا الساعة 10", "ថ្ងៃស្អែក ម៉ោង ១០", "내일 오전 10시" — into a local day and,
when one was given, a clock time.

dateparser reads the day in each language. In front of it, two small normalisations: the clock
time is taken out first (local digits, "10h", "a las 9", "ម៉ោង", "오후 2시" become hour and minute),
because dateparser reads clock times unevenly across languages ("demain 10h" becomes 19:00); and
a few day words it does not know are put into words it does ("pasado mañana", "ថ្ងៃសុក្រ")."""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

# Words around a clock time, per language; matching is on lowercased text with ASCII digits.
# `at`: before the hour ("at 9", "a las 9"); `hour`: after it ("10h", "10시"); `minute`: after
# the minutes ("30분"); `half`: half past ("10시 반"); `am`/`pm`: the half of the day, before
# or after the time.
_CLOCK_WORDS: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {"at": ("at", "@"), "hour": ("o'clock", "h"), "am": ("am", "a.m.", "in the morning"),
           "pm": ("pm", "p.m.", "in the afternoon", "in the evening")},
    "fr": {"at": ("à", "a", "vers"), "hour": ("heures", "heure", "h"), "half": ("et demie",),
           "am": ("du matin",), "pm": ("de l'après-midi", "de l’après-midi", "du soir")},
    "es": {"at": ("a las", "a la", "las"), "hour": ("horas", "h"), "half": ("y media",),
           "am": ("de la mañana", "am", "a.m."),
           "pm": ("de la tarde", "de la noche", "pm", "p.m.")},
    "ar": {"at": ("الساعة", "الساعه", "ساعة", "في"), "am": ("صباحا", "صباحاً", "صباح", "ص"),
           "pm": ("مساء", "مساءً", "مساءا", "ظهرا", "بعد الظهر", "م")},
    "km": {"at": ("ម៉ោង",), "hour": ("ម៉ោង",), "half": ("កន្លះ",), "am": ("ព្រឹក",),
           "pm": ("រសៀល", "ល្ងាច", "យប់")},
    "ko": {"hour": ("시",), "minute": ("분",), "half": ("반",), "am": ("오전", "아침", "새벽"),
           "pm": ("오후", "저녁", "밤")},
}  # fmt: skip

# Day words dateparser does not know, put into words it does (English is always tried too).
# Applied in order, on whole words.
_DAY_WORDS: dict[str, tuple[tuple[str, str], ...]] = {
    "fr": (("prochain", ""), ("prochaine", "")),
    "es": (("pasado mañana", "in 2 days"), ("que viene", ""), ("próximo", ""), ("próxima", ""),
           ("el", ""), ("la", "")),
    "ar": (("بعد غد", "in 2 days"), ("غدا", "tomorrow"), ("غداً", "tomorrow"), ("يوم", ""),
           ("القادم", ""), ("المقبل", "")),
    "km": (("ថ្ងៃនេះ", "today"), ("ខានស្អែក", "in 2 days"), ("ថ្ងៃស្អែក", "tomorrow"),
           ("ស្អែក", "tomorrow"), ("ម្សិលមិញ", "yesterday"), ("ក្រោយ", ""), ("បន្ទាប់", ""),
           ("ថ្ងៃទី", ""), ("ថ្ងៃ", ""), ("ខែ", "")),
    "ko": (("모레", "in 2 days"), ("이번 주", ""), ("이번주", "")),
}  # fmt: skip
# "Next week" before or after a weekday: that weekday in the week after this one.
_NEXT_WEEK: dict[str, tuple[str, ...]] = {
    "en": ("next week",),
    "fr": ("la semaine prochaine", "semaine prochaine"),
    "es": ("de la semana que viene", "de la próxima semana", "la semana que viene"),
    "ar": ("الأسبوع القادم", "الاسبوع القادم", "الأسبوع المقبل"),
    "km": ("សប្ដាហ៍ក្រោយ", "សប្តាហ៍ក្រោយ"),
    "ko": ("다음 주", "다음주"),
}
# Khmer runs words together without spaces, so its words are matched anywhere.
_SPACELESS = frozenset({"km"})
# Particles that may follow a Korean time ("10시에", "10시쯤").
_TAIL = {"ko": ("쯤에", "쯤", "에", "부터")}
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))


class NoSuchTime(ValueError):
    """A clock time that does not exist, such as 25:00."""


@dataclass(frozen=True)
class Typed:
    day: date | None  # None: only a clock time was typed
    clock: time | None  # None: a day without a time


def read_typed(text: str, language: str, now: datetime, date_order: str = "DMY") -> Typed | None:
    """What `text` names, read at `now` (naive local wall-clock time), numeric dates in
    `date_order` ("DMY", "MDY", "YMD"); None when it names no day and no time. Raises NoSuchTime
    for a clock time that cannot exist."""
    value = normalise(text)
    clock, rest = _take_clock(value, language)
    rest, next_week = _take_phrase(rest, language)
    for word, replacement in _DAY_WORDS.get(language, ()):
        rest = _word(word, language).sub(f" {replacement} ", rest)
    rest = " ".join(rest.strip(" ,.-–،").split())
    if not rest:
        return Typed(None, clock) if clock is not None else None
    parsed = _dateparser(rest, language, now, date_order)
    if parsed is None:
        return None
    moment, period = parsed
    if period == "time" and clock is None:
        clock = moment.time()  # a time dateparser read itself, such as "noon"
    elif period not in ("day", "time"):
        return None  # "next week" or "in March" is not a day
    day = moment.date()
    if next_week and _week_start(day) == _week_start(now.date()):
        day += timedelta(days=7)
    return Typed(day, clock)


def read_clock(text: str, language: str) -> time | None:
    """A time of day alone ("10:00", "10h", "10 am", "오전 10시"), or None."""
    clock, rest = _take_clock(normalise(text), language)
    return clock if not rest.strip(" ,.") else None


def normalise(text: str) -> str:
    """Lowercase, compatibility forms, ASCII digits (Arabic-Indic, Khmer...), no invisible
    joiners, single spaces."""
    value = unicodedata.normalize("NFKC", text).translate(_INVISIBLE).lower()
    digits = "".join(str(unicodedata.digit(ch)) if ch.isdigit() else ch for ch in value)
    return " ".join(digits.split())


def _take_clock(value: str, language: str) -> tuple[time | None, str]:
    """The one clock time in `value` and the text without it. A bare number counts only with a
    word that makes it a time ("at 9", "9h", "9 pm"), so "17 déc." stays a day."""
    found = [m for m in _clock_pattern(language).finditer(value) if _is_clock(m)]
    if not found:
        return None, value
    if len(found) > 1:
        raise NoSuchTime(value)  # two times: refuse rather than choose
    match = found[0]
    hour = int(match["hour"])
    minute = int(match["minute"] or match["minute2"] or 0) + (30 if match["half"] else 0)
    if match["am"] or match["am2"] or match["pm"] or match["pm2"]:
        if not 1 <= hour <= 12:
            raise NoSuchTime(value)
        hour = hour % 12 + (12 if match["pm"] or match["pm2"] else 0)
    if hour > 23 or minute > 59:
        raise NoSuchTime(value)
    return time(hour, minute), value[: match.start()] + " " + value[match.end() :]


def _is_clock(match: re.Match[str]) -> bool:
    return any(match[name] for name in ("minute", "at", "suffix", "am", "pm", "am2", "pm2"))


@functools.cache
def _clock_pattern(language: str) -> re.Pattern[str]:
    words = _CLOCK_WORDS.get(language, {})
    english = _CLOCK_WORDS["en"]

    def any_of(kind: str) -> str:
        options = sorted({*words.get(kind, ()), *english.get(kind, ())}, key=len, reverse=True)
        return "|".join(re.escape(option) for option in options) or "(?!)"

    half_of_day = r"(?P<{}>{})\s*"
    before, after = ("", "") if language in _SPACELESS else (r"(?<![\w:])", r"(?!\w)")
    tail = "|".join(map(re.escape, _TAIL.get(language, ())))
    return re.compile(
        rf"{before}(?:{half_of_day.format('am', any_of('am'))}|"
        rf"{half_of_day.format('pm', any_of('pm'))})?"
        rf"(?:(?P<at>{any_of('at')})\s*)?"
        r"(?<!\d)(?P<hour>\d{1,2})(?!\d)"
        r"(?:\s*[:.]\s*(?P<minute>\d{2})(?!\d)"
        rf"|\s*(?P<suffix>{any_of('hour')})(?:\s*(?P<minute2>\d{{1,2}})(?!\d)"
        rf"(?:\s*(?:{any_of('minute')}))?)?)?"
        rf"(?:\s*(?P<half>{any_of('half')}))?"
        rf"(?:\s*(?:(?P<am2>{any_of('am')})|(?P<pm2>{any_of('pm')})))?"
        rf"(?:{tail})?{after}",
    )


def _take_phrase(value: str, language: str) -> tuple[str, bool]:
    for phrase in _NEXT_WEEK.get(language, ()):
        pattern = _word(phrase, language)
        if pattern.search(value):
            return pattern.sub(" ", value), True
    return value, False


@functools.cache
def _word(word: str, language: str) -> re.Pattern[str]:
    if language in _SPACELESS:
        return re.compile(re.escape(word))
    return re.compile(rf"(?<!\w){re.escape(word)}(?!\w)")


def _week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _dateparser(
    text: str, language: str, now: datetime, date_order: str
) -> tuple[datetime, str] | None:
    # Imported here: dateparser loads its language data on import, which the bot only needs
    # once someone types a date.
    from dateparser.date import DateDataParser

    settings: dict[str, Any] = {
        "RELATIVE_BASE": now,
        "PREFER_DATES_FROM": "future",
        "RETURN_TIME_AS_PERIOD": True,
        "DATE_ORDER": date_order,
        # Not timestamps: a number alone is not a day.
        "PARSERS": ["relative-time", "absolute-time"],
    }
    languages = list(dict.fromkeys([language, "en"]))
    try:
        found = DateDataParser(languages=languages, settings=settings).get_date_data(text)
    except ValueError:  # a language dateparser does not ship
        found = DateDataParser(languages=["en"], settings=settings).get_date_data(text)
    if found.date_obj is None:
        return None
    return found.date_obj, found.period or "day"
