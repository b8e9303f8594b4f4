"""Time windows a question narrows to ("next week", "en décembre", "내일", "3 ايام الجاية"), in
every shipped language, as a range of the asker's dates.

What each language calls a span lives in `locales/<lang>/windows.toml`; month names come from
Babel's locale data (Arabic also from its Maghreb and Levant variants).
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from babel.dates import get_month_names
from rapidfuzz import fuzz

from bot.i18n import locales_dir
from bot.intents import GLUED_SCRIPTS, _main_script, normalize, with_proclitics

WINDOWS_FILE = "windows.toml"
# The first kind found wins, in this order: the more specific before what it contains ("this
# weekend" before "this week", which Korean and Khmer write inside it).
KINDS = (
    "weeks", "days", "next_week", "this_weekend", "this_week", "next_month", "this_month", "today",
    "tomorrow",
)  # fmt: skip
# Where Babel's month names differ by region, the variants partners use.
_MONTH_LOCALES = {"ar": ("ar", "ar_MA", "ar_LB", "ar_DZ")}
# How alike (rapidfuzz ratio) a slip must be to a window's words, of two words and 8 letters
# or more: "proxma semana" is 96 like "proxima semana"; "next wed" only 82 like "next week".
SLIP_LIKENESS = 88
SLIP_MIN_LETTERS = 8


@dataclass(frozen=True)
class Window:
    name: str  # a kind from KINDS, "month:<1-12>" or "days:<n>" (weeks are counted in days)
    start: date
    end: date  # exclusive
    words: str  # what named it, normalized: left out when matching the rest for meaning


@dataclass(frozen=True)
class _Pattern:
    name: str
    regex: re.Pattern[str]
    glued: bool  # matched against the text without spaces
    numbers: Mapping[str, int]  # number words, normalized, for "{n}"
    own_only: bool  # an abbreviation: too short to look for outside the asker's language
    phrase: str = ""  # words of a spaced script without a number, normalized: read with slips


def find_window(text: str, language: str, today: date) -> Window | None:
    """The window `text` names, in the asker's language first, then in any other."""
    normalized = normalize(text)
    unspaced = normalized.replace(" ", "")
    tables = _patterns()
    for code in dict.fromkeys([language, *tables]):
        for pattern in tables.get(code, ()):
            if pattern.own_only and code != language:
                continue
            found = pattern.regex.search(unspaced if pattern.glued else normalized)
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
                if score >= SLIP_LIKENESS and (best is None or score > best[0]):
                    best = (score, pattern, typed)
    if best is None:
        return None
    _, pattern, typed = best
    found = re.search(re.escape(typed), normalized)
    assert found is not None
    return _window(pattern, found, today)


def _window(pattern: _Pattern, found: re.Match[str], today: date) -> Window:
    name, words = pattern.name, found.group(0).strip()
    monday = today - timedelta(days=today.weekday())
    first = today.replace(day=1)
    following = _next_month(first)
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
            number = found.group("n")
            days = int(number) if number.isdecimal() else pattern.numbers[number]
            days *= 7 if name == "weeks" else 1
            return Window(f"days:{days}", today, today + timedelta(days=days + 1), words)
    month = int(name.removeprefix("month:"))
    start = date(today.year + (month < today.month), month, 1)
    return Window(name, max(today, start), _next_month(start), words)


def _next_month(first: date) -> date:
    return date(first.year + first.month // 12, first.month % 12 + 1, 1)


@functools.cache
def _patterns(directory: Path | None = None) -> dict[str, tuple[_Pattern, ...]]:
    """Every language's patterns, in the order they are tried."""
    tables: dict[str, tuple[_Pattern, ...]] = {}
    for path in sorted((directory or locales_dir()).glob(f"*/{WINDOWS_FILE}")):
        with path.open("rb") as source:
            table = tomllib.load(source)
        tables[path.parent.name] = tuple(_language_patterns(path.parent.name, table))
    return tables


def _language_patterns(language: str, table: dict[str, list[str]]) -> Iterator[_Pattern]:
    # The n-th entry is the word for n; spoken variants are apart by "|" ("ثلاثة|تلاتة|تلت").
    spellings = [
        (n, normalize(word))
        for n, entry in enumerate(table.get("numbers", []), start=1)
        for word in entry.split("|")
    ]
    numbers = "|".join([r"\d{1,3}", *(re.escape(word) for _, word in spellings)])
    values = {word: n for n, word in spellings}
    values |= {word.replace(" ", ""): n for word, n in values.items()}
    for kind in KINDS:
        for phrase in table.get(kind, []):
            yield _compile(kind, phrase, numbers, values)
    ambiguous = {normalize(word) for word in table.get("ambiguous_months", [])}
    before = "|".join(re.escape(normalize(word)) for word in table.get("month_words", []))
    for month, names in _month_names(language).items():
        for name, short in sorted(names.items(), key=lambda item: -len(item[0])):
            if name not in ambiguous:
                yield _compile(f"month:{month}", name, numbers, values, own_only=short)
            elif before:
                yield _compile(f"month:{month}", name, numbers, values, before=before)


def _compile(
    name: str,
    phrase: str,
    numbers: str,
    values: dict[str, int],
    *,
    before: str = "",
    own_only: bool = False,
) -> _Pattern:
    parts = [normalize(part) for part in phrase.split("{n}")]
    glued = _main_script(" ".join(parts)) in GLUED_SCRIPTS
    if glued:
        parts = [part.replace(" ", "") for part in parts]
    space = "" if glued else " "
    pattern = f"{space}(?P<n>{numbers}){space}".join(re.escape(part) for part in parts).strip()
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
    return _Pattern(name, re.compile(pattern), glued, values, own_only, words if slips else "")


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
