"""Reading numbers as people type them: in the reader's locale ("1 234,5" in French, "1,234.5" in
English), with digits from any script, and nothing a chat user would not mean as a number; and
headline figures in the locale's words for millions and billions, written and read back."""

from __future__ import annotations

import decimal
import math
import re
import unicodedata

import babel.numbers
from babel import Locale

from bot.i18n import Translator

MAX_DIGITS = 15  # a float keeps 15 significant digits; more would be silently changed

# Arabic-script keyboards have their own decimal and thousands separators.
_ARABIC_DECIMAL = "\u066b"
_ARABIC_GROUP = "\u066c"
_MINUS_SIGNS = "\u2212\u2012\u2013\ufe63\uff0d"  # "−" and dashes phones put in for "-"
_BIDI_MARKS = dict.fromkeys(map(ord, "\u200e\u200f\u061c"), None)


def read_number(t: Translator, text: str) -> float | None:
    """The number typed in `text`, read in the locale of `t`; None if it is not one."""
    group = babel.numbers.get_group_symbol(t.locale)
    point = babel.numbers.get_decimal_symbol(t.locale)
    cleaned = _western_digits(text.translate(_BIDI_MARKS)).strip()
    cleaned = cleaned.replace(_ARABIC_DECIMAL, point).replace(_ARABIC_GROUP, group)
    for minus in _MINUS_SIGNS:
        cleaned = cleaned.replace(minus, "-")
    if group.isspace():
        # Nobody types the narrow no-break space French groups with; any space stands for it.
        cleaned = "".join(group if char.isspace() else char for char in cleaned)
    # Python's Decimal also reads "NaN", "inf", "1e5" and "1_000": not numbers a person types.
    allowed = set("0123456789+-") | {group, point}
    digits = sum(char.isdigit() for char in cleaned)
    if not cleaned or any(char not in allowed for char in cleaned):
        return None
    if digits == 0 or digits > MAX_DIGITS:
        return None
    try:
        parsed = babel.numbers.parse_decimal(cleaned, locale=t.locale, strict=True)
    except (babel.numbers.NumberFormatError, decimal.InvalidOperation):
        return None
    value = float(parsed)
    return value if parsed.is_finite() and math.isfinite(value) else None


def _western_digits(text: str) -> str:
    """Arabic-Indic, Persian, Khmer and other decimal digits as 0-9."""
    return "".join(
        str(unicodedata.decimal(char)) if char.isdecimal() and not char.isascii() else char
        for char in text
    )


COMPACT_FROM = 1_000_000  # below a million a figure reads best in full: "12,500 ha"


def format_figure(locale: Locale | str, value: float) -> str:
    """A headline figure in the locale's own words for its size: "40 million", "40 millions",
    «4,000만» (Korean counts in 만 and 억, not in millions), «25억»."""
    if abs(value) < COMPACT_FROM:
        return babel.numbers.format_decimal(value, locale=locale)
    compact = babel.numbers.format_compact_decimal(
        value, format_type="long", locale=locale, fraction_digits=2
    )
    # CLDR leaves the digits before 만 ungrouped ("4000만"): group them the locale's way.
    return re.sub(
        r"\d{4,}", lambda m: babel.numbers.format_decimal(int(m[0]), locale=locale), compact
    )


def read_figure(t: Translator, text: str) -> float | None:
    """A figure typed in full or with the locale's word for its size, as format_figure writes
    it ("45,5 millions", "4,550만"); None if it is neither."""
    number = read_number(t, text)
    if number is not None:
        return number
    typed = " ".join(text.split()).casefold()
    for size, scale in _sizes(t.locale):
        if typed.endswith(size):
            number = read_number(t, typed.removesuffix(size))
            return None if number is None else number * scale
    return None


def _sizes(locale: Locale) -> list[tuple[str, int]]:
    """(word, multiplier) for each of the locale's long and short words for a size ("millions",
    "M", "만"), longest first so "milliards" is not read as "mil"."""
    sizes: dict[str, int] = {}
    for style in ("long", "short"):
        for patterns in locale.compact_decimal_formats[style].values():
            for magnitude, pattern in patterns.items():
                digits = pattern.pattern.count("0")
                word = pattern.pattern.replace("0", "").replace("'", "").strip().casefold()
                if digits and word:
                    sizes.setdefault(word, int(magnitude) // 10 ** (digits - 1))
    return sorted(sizes.items(), key=lambda item: -len(item[0]))
