"""Time windows a question narrows to ("next week", "en décembre", "내일", "3 ايام الجاية",
"the 17th of December"), in every shipped language, as a range of the asker's dates.

What each language calls a span lives in `locales/<lang>/windows.toml`; month names come from
Babel's locale data (Arabic also from its Maghreb and Levant variants). A date names a day
("17 ديسمبر", "12월 17일") or a month of a given year ("dec 2020"): besides its window, it
points at the events held then, whichever year ("what was said at the 17 December meeting?").
"""

from __future__ import annotations

import contextlib
import functools
import re
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from babel.dates import get_day_names, get_month_names
from rapidfuzz import fuzz

from bot.i18n import locales_dir
from bot.intents import GLUED_SCRIPTS, _main_script, normalize, with_proclitics

WINDOWS_FILE = "windows.toml"
# The first kind found wins, in this order: the more specific before what it contains ("this
# weekend" before "this week", which Korean and Khmer write inside it; a date before its month).
KINDS = (
    "dates", "spans", "weeks", "days", "next_week", "this_weekend", "this_week", "next_month",
    "this_month", "today", "tomorrow",
)  # fmt: skip
# Where Babel's month names differ by region, the variants partners use.
_MONTH_LOCALES = {"ar": ("ar", "ar_MA", "ar_LB", "ar_DZ")}
# How alike (rapidfuzz ratio) a slip must be to a window's words, of two words and 8 letters
# or more: "proxma semana" is 96 like "proxima semana"; "next wed" only 82 like "next week".
SLIP_LIKENESS = 88
SLIP_MIN_LETTERS = 8
SLIP_WORD_LIKENESS = 80  # and, as many words as the phrase, each this like its own
SLIP_WORD_MIN_LETTERS = 4  # (shorter words are shorthand: "q", "pr", "ds")
# A date: a day of the month, in digits (Khmer and Arabic-Indic ones are read as digits), with
# an ordinal ending in English and French ("17th", "1er"); a year of this century or the last.
_DAY = r"(?P<d>[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th|er|eme)?"
_YEAR = r"(?P<y>(?:19|20)\d\d)"
_MONTH_NUMBER = r"(?P<mm>1[0-2]|0?[1-9])(?!\d)"


@dataclass(frozen=True)
class Window:
    name: str  # a kind from KINDS, "month:<1-12>", "days:<n>" (weeks are counted in days) or
    # "weekday:<0-6>" (Monday is 0)
    start: date
    end: date  # exclusive
    words: str  # what named it, normalized: left out when matching the rest for meaning
    on: Dated | None = None  # the date named, for the events held then


@dataclass(frozen=True)
class Dated:
    """A date a question names: a day of a month (any year), or a month of a given year."""

    month: int
    day: int | None = None
    year: int | None = None

    def holds(self, day: date) -> bool:
        return (
            day.month == self.month
            and self.day in (None, day.day)
            and self.year in (None, day.year)
        )


@dataclass(frozen=True)
class _Pattern:
    name: str
    regex: re.Pattern[str]
    numbers: Mapping[str, int]  # number words, normalized and without spaces, for "{n}"
    own_only: bool  # an abbreviation: too short to look for outside the asker's language
    phrase: str = ""  # words of a spaced script without a number, normalized: read with slips
    # A date's month names, normalized and without spaces (as a match is looked up).
    months: Mapping[str, int] = field(default_factory=dict)


def prepare() -> None:
    """Compile every language's patterns now (~150 ms of CPU, at start-up, in a thread) rather
    than for the first question that names a time, while the event loop waits."""
    _patterns()


def find_window(text: str, language: str, today: date) -> Window | None:
    """The window `text` names, in the asker's language first, then in any other."""
    normalized = normalize(text)
    tables = _patterns()
    for code in dict.fromkeys([language, *tables]):
        for pattern in tables.get(code, ()):
            if pattern.own_only and code != language:
                continue
            found = pattern.regex.search(normalized)
            if found:
                return _window(pattern, found, today)
    return _slipped(normalized, tables.get(language, ()), today)


def _slipped(normalized: str, patterns: tuple[_Pattern, ...], today: date) -> Window | None:
    """A window of the asker's language typed with a slip ("proxma semana", "lo q queda del
    mes"): the same number of words, give or take one, nearly the same letters."""
    words = normalized.split()
    best: tuple[float, _Pattern, str] | None = None
    for pattern in (p for p in patterns if p.phrase):
        size = len(pattern.phrase.split())
        for length in {size - 1, size, size + 1} - {0}:
            for start in range(len(words) - length + 1):
                typed = " ".join(words[start : start + length])
                score = fuzz.ratio(typed, pattern.phrase)
                if length == size and not _alike_words(typed, pattern.phrase):
                    continue
                if score >= SLIP_LIKENESS and (best is None or score > best[0]):
                    best = (score, pattern, typed)
    if best is None:
        return None
    _, pattern, typed = best
    found = re.search(re.escape(typed), normalized)
    assert found is not None
    return _window(pattern, found, today)


def _alike_words(typed: str, phrase: str) -> bool:
    """Word for word, each longer typed word a slip of its own: "الورشه الجايه" shares most
    letters with "الشهر الجاية" (next month) but asks about the next workshop; "q" for "que"
    is shorthand, not another word."""
    pairs = zip(typed.split(), phrase.split(), strict=True)
    return all(
        fuzz.ratio(mine, theirs) >= SLIP_WORD_LIKENESS
        for mine, theirs in pairs
        if min(len(mine), len(theirs)) >= SLIP_WORD_MIN_LETTERS
    )


def _window(pattern: _Pattern, found: re.Match[str], today: date) -> Window:
    name, words = pattern.name, found.group(0).strip()
    monday = today - timedelta(days=today.weekday())
    first = today.replace(day=1)
    following = _next_month(first)
    if pattern.name == "date":
        groups = found.groupdict()
        month = int(groups["mm"]) if groups.get("mm") else pattern.months[_unspaced(groups["m"])]
        return _dated(found, month, today)
    match name:
        case "today":
            return Window(name, today, today + timedelta(days=1), words)
        case "tomorrow":
            return Window(name, today + timedelta(days=1), today + timedelta(days=2), words)
        case "this_week":
            return Window(name, today, monday + timedelta(days=7), words)
        case "next_week":
            return Window(name, monday + timedelta(days=7), monday + timedelta(days=14), words)
        case "this_weekend":
            saturday = monday + timedelta(days=5)
            return Window(name, max(today, saturday), monday + timedelta(days=7), words)
        case "this_month":
            return Window(name, today, following, words)
        case "next_month":
            return Window(name, following, _next_month(following), words)
        case "days" | "weeks":
            number = _unspaced(found.group("n"))
            days = int(number) if number.isdecimal() else pattern.numbers[number]
            days *= 7 if name == "weeks" else 1
            return Window(f"days:{days}", today, today + timedelta(days=days + 1), words)
        case _ if name.startswith("days:"):  # a span with a name of its own ("fortnight")
            days = int(name.removeprefix("days:"))
            return Window(name, today, today + timedelta(days=days + 1), words)
        case _ if name.startswith("weekday:"):  # the next such day, today included
            day = today + timedelta(days=(int(name.removeprefix("weekday:")) - today.weekday()) % 7)
            return Window(name, day, day + timedelta(days=1), words)
    return Window(name, *_month_span(int(name.removeprefix("month:")), today), words)


def _dated(found: re.Match[str], month: int, today: date) -> Window:
    """The window of a named date: its day (the next one to come) or its month of that year."""
    words, groups = found.group(0).strip(), found.groupdict()
    if groups.get("d"):
        number = int(groups["d"])
        with contextlib.suppress(ValueError):  # 30 February is no day: the month, then
            day = date(today.year, month, number)
            if day < today:
                day = date(today.year + 1, month, number)
            on = Dated(month, number)
            return Window(f"date:{month}-{number}", day, day + timedelta(days=1), words, on)
        return Window(f"month:{month}", *_month_span(month, today), words)
    if not groups.get("y"):  # a month by its number: "ខែ៣"
        return Window(f"month:{month}", *_month_span(month, today), words)
    first = date(int(groups["y"]), month, 1)
    return Window(f"month:{month}", first, _next_month(first), words, Dated(month, year=first.year))


def _month_span(month: int, today: date) -> tuple[date, date]:
    start = date(today.year + (month < today.month), month, 1)
    return max(today, start), _next_month(start)


def _next_month(first: date) -> date:
    return date(first.year + first.month // 12, first.month % 12 + 1, 1)


@functools.cache
def _tables() -> dict[str, dict[str, Any]]:
    """Every language's windows.toml."""
    tables = {}
    for path in sorted(locales_dir().glob(f"*/{WINDOWS_FILE}")):
        with path.open("rb") as source:
            tables[path.parent.name] = tomllib.load(source)
    return tables


@functools.cache
def _patterns() -> dict[str, tuple[_Pattern, ...]]:
    """Every language's patterns, in the order they are tried."""
    return {language: tuple(_language_patterns(language, t)) for language, t in _tables().items()}


def _language_patterns(language: str, table: dict[str, Any]) -> Iterator[_Pattern]:
    # The n-th entry is the word for n; spoken variants are apart by "|" ("ثلاثة|تلاتة|تلت"),
    # and each may take one of `number_prefixes` (Arabic's article: "العشر ايام").
    spellings = [
        (n, normalize(prefix + word))
        for n, entry in enumerate(table.get("numbers", []), start=1)
        for word in entry.split("|")
        for prefix in ["", *table.get("number_prefixes", [])]
    ]
    numbers = "|".join([r"\d{1,3}", *(re.escape(word) for _, word in spellings)])
    values = {_unspaced(word): n for n, word in spellings}
    months = _month_names(language)
    # What the language glues after a time ("주말에", "다음 주까지"): part of the time's words,
    # so that what is left of the question is whole words ("등산 갈 사람", not "에 등산 갈 사람").
    particles = sorted({normalize(w) for w in table.get("particles", [])}, key=len, reverse=True)
    after = rf"(?:(?:{'|'.join(map(re.escape, particles))})(?=\s|$))?" if particles else ""
    compile_ = functools.partial(_compile, numbers=numbers, values=values, after=after)
    for kind in KINDS:
        if kind == "dates":
            named = {name: month for month, names in months.items() for name in names}
            yield from (_compile_date(t, named, after) for t in table.get(kind, []))
        elif kind == "spans":  # a span with a name of its own: "fortnight" = 14
            for phrase, days in table.get(kind, {}).items():
                yield compile_(f"days:{days}", phrase)
        else:
            for phrase in table.get(kind, []):
                yield compile_(kind, phrase)
    # A day of the week by its full name ("vendredi", "금요일"), as `weekday` writes it
    # ("ថ្ងៃ{day}": Khmer's bare "អាទិត្យ", Sunday, is also a week).
    written = table.get("weekday", "{day}")
    for number, name in sorted(get_day_names("wide", "format", language).items()):
        yield compile_(f"weekday:{number}", written.format(day=name))
    ambiguous = {normalize(word) for word in table.get("ambiguous_months", [])}
    before = "|".join(re.escape(normalize(word)) for word in table.get("month_words", []))
    for month, names in months.items():
        for name, short in sorted(names.items(), key=lambda item: -len(item[0])):
            if name not in ambiguous:
                yield compile_(f"month:{month}", name, own_only=short)
            elif before:
                yield compile_(f"month:{month}", name, before=before)


def _compile_date(template: str, months: dict[str, int], after: str) -> _Pattern:
    """A date's pattern from a template of `{d}` (day), `{y}` (year), `{month}` (any of the
    language's month names) or `{mm}` (a month's number) between words ("{d} de {month}",
    "{y}년 {month}", "ខែ{mm}"), then a particle the language may glue after it (`after`)."""
    pieces = re.split(r"(\{d\}|\{y\}|\{month\}|\{mm\})", template)
    literal = normalize(" ".join(p for p in pieces if not p.startswith("{")))
    glued = _main_script(literal + " ".join(months)) in GLUED_SCRIPTS
    written = _any_spacing if glued else re.escape
    names = "|".join(written(n) for n in sorted(months, key=len, reverse=True))
    month = f"(?P<m>{names})"
    if _main_script(" ".join(months)) == "ARABIC":  # "بديسمبر 2020", "فدجنبر"
        month = f"[وف]?[بكل]?{month}"
    holes = {"{d}": _DAY, "{y}": _YEAR, "{month}": month, "{mm}": _MONTH_NUMBER}
    parts = [holes.get(p) or written(normalize(p)) for p in pieces if p.strip()]
    spacing = r"\s?" if glued else " "
    pattern = spacing.join(parts)
    pattern = rf"(?<!\d){pattern}" if glued else rf"(?<!\w){pattern}(?!\w)"
    unspaced = {_unspaced(name): month for name, month in months.items()}
    return _Pattern("date", re.compile(pattern + after), {}, False, months=unspaced)


def _compile(
    name: str,
    phrase: str,
    *,
    numbers: str,
    values: dict[str, int],
    after: str,
    before: str = "",
    own_only: bool = False,
) -> _Pattern:
    """The pattern of a window's `phrase`, where "{n}" is a number (one of `numbers`), `before`
    what must come before it and `after` a particle that may be glued after it."""
    parts = [normalize(part) for part in phrase.split("{n}")]
    glued = _main_script(" ".join(parts)) in GLUED_SCRIPTS
    if glued:
        pattern = rf"\s?(?P<n>{numbers})\s?".join(_any_spacing(part) for part in parts)
    else:
        pattern = f" (?P<n>{numbers}) ".join(re.escape(part) for part in parts).strip()
    if before:
        pattern = f"(?:{before}) {pattern}"
    if not glued:  # whole words only: "may" is no month in "mayor"
        if _main_script(" ".join(parts)) == "ARABIC":  # but "فالأسبوع الجاي", "بدجنبر"
            pattern = with_proclitics(pattern)
        pattern = rf"(?<!\w){pattern}(?!\w)"
    elif parts[0][:1].isdigit():  # "1월" is no month in "11월"
        pattern = rf"(?<!\d){pattern}"
    words = " ".join(parts)
    slips = not glued and len(parts) == 1 and " " in words and len(words) >= SLIP_MIN_LETTERS
    return _Pattern(name, re.compile(pattern + after), values, own_only, words if slips else "")


def _any_spacing(words: str) -> str:
    """A pattern for `words` of a script written without spaces, which a question may still
    write with or without them between its letters ("이번 주", "이번주")."""
    return r"\s?".join(re.escape(char) for char in _unspaced(words))


def _unspaced(words: str) -> str:
    return words.replace(" ", "")


def _month_names(language: str) -> dict[int, dict[str, bool]]:
    """Each month's names, normalized, and whether each is only an abbreviation."""
    names: dict[int, dict[str, bool]] = {}
    for locale in _MONTH_LOCALES.get(language, (language,)):
        for width in ("abbreviated", "wide"):
            for context in ("format", "stand-alone"):
                for month, name in get_month_names(width, context, locale).items():
                    key = normalize(name)
                    if len(key.replace(" ", "")) >= 3 or _main_script(key) in GLUED_SCRIPTS:
                        names.setdefault(month, {})[key] = width == "abbreviated"
    return names
