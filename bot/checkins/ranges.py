"""Periods people ask summaries for: "last month", "2026-Q3", "septembre 2026", "2026-09-01..
2026-09-30", in any shipped language, read relative to the asker's today; and how a range
reads back to them ("September 2026", "Q3 2026", "1–30 Sept 2026").

What each language calls a period lives in `locales/<lang>/periods.toml` (see period_forms).
Weeks start on Monday, as cadence periods do.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import babel.dates

from bot.checkins.period_forms import Language, languages
from bot.i18n import SOURCE_LANGUAGE, Translator
from bot.intents import normalize

Fields = dict[str, int | str]


@dataclass(frozen=True, order=True)
class DateRange:
    start: date
    end: date  # exclusive

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day < self.end

    @property
    def months(self) -> int | None:
        """How many whole calendar months the range covers, if it is made of them."""
        if self.start.day != 1 or self.end.day != 1:
            return None
        return (self.end.year - self.start.year) * 12 + self.end.month - self.start.month

    def shifted(self, steps: int) -> DateRange:
        """The range as many of its own lengths earlier (negative) or later: the previous
        month of a month, the previous quarter of a quarter, the 30 days before 30 days."""
        months = self.months
        if months:
            return DateRange(
                _add_months(self.start, steps * months), _add_months(self.end, steps * months)
            )
        days = timedelta(days=(self.end - self.start).days * steps)
        return DateRange(self.start + days, self.end + days)


def parse_period(text: str, language: str, today: date) -> DateRange | None:
    """The range `text` names, trying the asker's language first, then every other."""
    normalized = normalize(text)
    if not normalized:
        return None
    tables = languages()
    for code in dict.fromkeys([language, *tables]):
        if code in tables:
            found = _whole(tables[code], normalized, today) or _span(
                tables[code], normalized, today
            )
            if found is not None:
                return found
    return None


def _whole(
    table: Language, text: str, today: date, anchor: DateRange | None = None
) -> DateRange | None:
    fields = table.read(text)
    return None if fields is None else _resolve(fields, today, anchor)


def _span(table: Language, text: str, today: date) -> DateRange | None:
    """Two periods joined by a space or a word ("1 to 30 September 2026"): from the start of
    the first to the end of the second, which lends the first its missing month or year."""
    for before, after in _splits(table, text):
        last = _whole(table, after, today)
        if last is None:
            continue
        first = _whole(table, before, today, anchor=last)
        if first is not None and first.start < last.end:
            return DateRange(first.start, last.end)
    return None


def _splits(table: Language, text: str) -> list[tuple[str, str]]:
    cuts = {i for i, char in enumerate(text) if char == " "}
    for word in table.between:
        start = text.find(word)
        while start >= 0:
            cuts |= {start, start + len(word)}
            start = text.find(word, start + 1)
    pairs = [(_trim(table, text[:cut]), _trim(table, text[cut:])) for cut in sorted(cuts)]
    return [(before, after) for before, after in pairs if before and after]


def _trim(table: Language, text: str) -> str:
    """Drop joining words at either end ("from 1", "30일까지")."""
    text = text.strip()
    changed = True
    while changed:
        changed = False
        for word in table.between:
            if text.startswith(word) and text != word:
                text, changed = text[len(word) :].strip(), True
            if text.endswith(word) and text != word:
                text, changed = text[: -len(word)].strip(), True
    return "" if text in table.between else text


def _resolve(fields: Fields, today: date, anchor: DateRange | None) -> DateRange | None:
    if "relative" in fields:
        return _relative(str(fields["relative"]), today)
    numbers = {key: int(value) for key, value in fields.items()}
    if "year" not in numbers and anchor is not None:
        earlier = _resolve({**numbers, "year": anchor.start.year - 1}, today, anchor)
        found = _resolve({**numbers, "year": anchor.start.year}, today, anchor)
        return found if found is not None and found.start < anchor.end else earlier
    if "year" not in numbers:  # the latest such period that has begun
        found = _resolve({**numbers, "year": today.year}, today, anchor)
        if found is not None and found.start <= today:
            return found
        return _resolve({**numbers, "year": today.year - 1}, today, anchor)
    return _dates(numbers, anchor)


def _dates(numbers: dict[str, int], anchor: DateRange | None) -> DateRange | None:
    year = numbers["year"]
    try:
        if "quarter" in numbers:
            start = date(year, numbers["quarter"] * 3 - 2, 1)
            return DateRange(start, _add_months(start, 3))
        if "day" in numbers:
            if "month" not in numbers and not _within_a_month(anchor):
                return None
            month = numbers.get("month") or (anchor.start.month if anchor else 1)
            day = date(year, month, numbers["day"])
            return DateRange(day, day + timedelta(days=1))
        if "month" in numbers:
            start = date(year, numbers["month"], 1)
            return DateRange(start, _add_months(start, 1))
        return DateRange(date(year, 1, 1), date(year + 1, 1, 1))
    except ValueError:  # the 31st of a short month, month 13, year 0
        return None


def _within_a_month(period: DateRange | None) -> bool:
    """Can `period` lend its month to a bare day before it ("1 to 30 September")?"""
    if period is None:
        return False
    last = period.end - timedelta(days=1)
    return (period.start.year, period.start.month) == (last.year, last.month)


def month_containing(day: date) -> DateRange:
    start = day.replace(day=1)
    return DateRange(start, _add_months(start, 1))


def _relative(key: str, today: date) -> DateRange:
    which, unit = key.split("_")
    if unit == "week":
        start = today - timedelta(days=today.weekday())
        current = DateRange(start, start + timedelta(days=7))
    elif unit == "month":
        current = month_containing(today)
    elif unit == "quarter":
        start = date(today.year, (today.month - 1) // 3 * 3 + 1, 1)
        current = DateRange(start, _add_months(start, 3))
    else:
        current = DateRange(date(today.year, 1, 1), date(today.year + 1, 1, 1))
    return current.shifted(-1) if which == "last" else current


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return day.replace(year=index // 12, month=index % 12 + 1)


def period_label(t: Translator, period: DateRange) -> str:
    """ "September 2026", "Q3 2026", "2026", "Sept – Nov 2026", "1–30 Sept 2026", "3 Sept 2026"."""
    months, locale = period.months, t.locale
    last = period.end - timedelta(days=1)
    if months == 12 and period.start.month == 1:
        return babel.dates.format_skeleton("y", period.start, locale=locale)
    if months == 3 and period.start.month % 3 == 1:
        return babel.dates.format_skeleton("yQQQ", period.start, locale=locale)
    if months == 1:
        return babel.dates.format_skeleton("yMMMM", period.start, locale=locale)
    if months:
        return babel.dates.format_interval(period.start, last, "yMMM", locale=locale)
    if last == period.start:
        return t.date(period.start, "medium")
    return babel.dates.format_interval(period.start, last, "yMMMd", locale=locale)


def period_examples(t: Translator, today: date) -> list[str]:
    """A few periods the asker could type, in their language, for a hint."""
    tables = languages()
    table = tables.get(t.language) or tables[SOURCE_LANGUAGE]
    last_month = _relative("last_month", today)
    last_day = last_month.end - timedelta(days=1)
    return [
        *(table.spelled[key] for key in ("this_month", "last_quarter") if key in table.spelled),
        f"{today.year}-Q{(today.month - 1) // 3 + 1}",
        period_label(t, last_month),
        f"{last_month.start.isoformat()}..{last_day.isoformat()}",
    ]
