"""Reading numbers as people type them: in the reader's locale ("1 234,5" in French, "1,234.5" in
English), with digits from any script, and nothing a chat user would not mean as a number."""

from __future__ import annotations

import decimal
import math
import unicodedata

import babel.numbers

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
