"""The ways each language names a period, read from `locales/<lang>/periods.toml` (so translators
own them) and from the locale's month and quarter names (Babel).

A form such as "{monthname} {year}" becomes a regular expression over text normalized the way
free-text questions are (case, accents, punctuation and digit scripts do not matter); a match
gives the fields it read ({"month": 9, "year": 2026}), which `ranges` turns into dates.
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from babel import Locale

from bot.i18n import FORMAT_LOCALES, locales_dir
from bot.intents import normalize

PERIODS_FILE = "periods.toml"
RELATIVE = (
    "this_week",
    "last_week",
    "this_month",
    "last_month",
    "this_quarter",
    "last_quarter",
    "this_year",
    "last_year",
)
FORMS = ("quarter", "month", "day", "year")
# Written the same in every language: "2026-Q3", "Q3 2026", "2026-11", "2026", "2026-09-01"
# (punctuation is gone once normalized), and a bare day, which only a range's end completes.
UNIVERSAL = {
    "quarter": ["{year} q{quarter}", "q{quarter} {year}"],
    "month": ["{year} {month}"],
    "day": ["{year} {month} {day}", "{day}"],
    "year": ["{year}"],
}
_NUMERIC = {"year": r"\d{4}", "quarter": "[1-4]", "month": r"\d{1,2}", "day": r"\d{1,2}"}
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class Form:
    pattern: re.Pattern[str]
    fields: tuple[str, ...]  # what each group holds: "year", "month", "monthname"…


@dataclass(frozen=True)
class Language:
    code: str
    relative: Mapping[str, str]  # phrase without spaces → "last_month"…
    spelled: Mapping[str, str]  # "last_month" → its first phrase as written, for examples
    forms: tuple[Form, ...]
    between: tuple[str, ...]  # normalized words joining the ends of a range
    names: Mapping[str, Mapping[str, int]]  # "monthname"/"quartername" → name → number

    def read(self, text: str) -> dict[str, int | str] | None:
        """The fields of `text` (already normalized), or None if no form fits it whole."""
        key = text.replace(" ", "")
        if key in self.relative:
            return {"relative": self.relative[key]}
        for form in self.forms:
            match = form.pattern.fullmatch(text)
            if match is not None:
                return self._fields(form, match)
        return None

    def _fields(self, form: Form, match: re.Match[str]) -> dict[str, int | str]:
        fields: dict[str, int | str] = {}
        for name, value in zip(form.fields, match.groups(), strict=True):
            if name in self.names:
                fields[name.removesuffix("name")] = self.names[name][value]
            else:
                fields[name] = int(value)
        return fields


@functools.cache
def languages(directory: Path | None = None) -> dict[str, Language]:
    """Every language with a periods.toml, read once."""
    found: dict[str, Language] = {}
    for path in sorted((directory or locales_dir()).glob(f"*/{PERIODS_FILE}")):
        with path.open("rb") as source:
            table = tomllib.load(source)
        unknown = set(table) - {*RELATIVE, *FORMS, "between"}
        if unknown:
            raise ValueError(f"{path}: unknown keys {sorted(unknown)}")
        found[path.parent.name] = _language(path.parent.name, table)
    return found


def _language(code: str, table: Mapping[str, list[str]]) -> Language:
    locale = Locale.parse(FORMAT_LOCALES.get(code, code))
    names = {"monthname": _names(locale.months), "quartername": _names(locale.quarters)}
    relative = {
        normalize(phrase).replace(" ", ""): key for key in RELATIVE for phrase in table.get(key, [])
    }
    written = [*(f for key in FORMS for f in table.get(key, [])), _numeric_date(locale)]
    written += [f for key in FORMS for f in UNIVERSAL[key]]
    forms = tuple(_compile(form, names) for form in dict.fromkeys(written))
    between = tuple(word for word in map(normalize, table.get("between", [])) if word)
    spelled = {key: table[key][0] for key in RELATIVE if table.get(key)}
    return Language(code, relative, spelled, forms, between, names)


def _names(table: Mapping[str, Mapping[str, Mapping[int, str]]]) -> dict[str, int]:
    """Full and short names, normalized. (Only the "format" context: Babel resolves the
    "stand-alone" aliases through data shared between locales, and can return another
    language's names there.)"""
    return {
        normalize(name): number
        for width in ("wide", "abbreviated")
        for number, name in table["format"][width].items()
        if normalize(name)
    }


def _numeric_date(locale: Locale) -> str:
    """The locale's short date as day, month and year fields ("1/9/2026" in Britain)."""
    pattern = str(locale.date_formats["short"].pattern)
    order = sorted(("day", "month", "year"), key=lambda f: pattern.find(f[0].replace("m", "M")))
    return " ".join("{" + field + "}" for field in order)


def _compile(form: str, names: Mapping[str, Mapping[str, int]]) -> Form:
    pieces = _PLACEHOLDER.split(form)  # literal, field, literal, field, …, literal
    fields = tuple(pieces[1::2])
    regex = ""
    for index, piece in enumerate(pieces):
        if index % 2:
            regex += f"({_alternatives(names[piece]) if piece in names else _NUMERIC[piece]})"
            continue
        text = re.escape(normalize(piece)).replace(r"\ ", " ?")
        if index == 0:
            regex += f"{text} ?" if text else ""
        elif index == len(pieces) - 1:
            regex += f" ?{text}" if text else ""
        elif text:
            regex += f" ?{text} ?"
        else:
            regex += " " if _joins_digits(fields, index, names) else " ?"
    return Form(re.compile(regex), fields)


def _joins_digits(fields: tuple[str, ...], index: int, names: Mapping[str, Iterable[str]]) -> bool:
    """Between two fields that may both be digits there, the space is needed to tell them
    apart ("2026 11"); elsewhere it may be left out, as Khmer and Korean often do."""
    if index == 0 or index == len(fields) * 2:
        return False
    before, after = fields[index // 2 - 1], fields[index // 2]
    ends = before not in names or any(name[-1].isdigit() for name in names[before])
    starts = after not in names or any(name[0].isdigit() for name in names[after])
    return ends and starts


def _alternatives(names: Iterable[str]) -> str:
    return "|".join(re.escape(name) for name in sorted(names, key=len, reverse=True))
