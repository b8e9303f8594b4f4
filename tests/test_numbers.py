"""Numbers typed in a chat are read in the reader's locale, with digits of any script; anything
that is not plainly a number is refused rather than guessed."""

from __future__ import annotations

import pytest

from bot.i18n import Catalogs
from bot.numbers import format_figure, read_figure, read_number

CATALOGS = Catalogs.load()


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        ("fr", "1 234,5", 1234.5),
        ("fr", "1234,5", 1234.5),
        ("fr", "1\u202f234,5", 1234.5),  # as the bot itself writes it
        ("fr", "1\u00a0234,5", 1234.5),
        ("fr", "45,5", 45.5),
        ("fr", " 12 ", 12.0),
        ("en", "1,234.5", 1234.5),
        ("en", "1234.5", 1234.5),
        ("en", "0.25", 0.25),
        ("en", "-3", -3.0),  # the parser reads it; callers decide whether it is allowed
        ("en", "\u22123", -3.0),  # a typographic minus
        ("es", "1.234,5", 1234.5),
        ("ar", "١٢٣٤٫٥", 1234.5),  # Arabic-Indic digits and decimal separator
        ("ar", "١٬٢٣٤", 1234.0),
        ("ar", "۱۲۳۴", 1234.0),  # Persian digits
        ("ar", "\u200e-7", -7.0),  # with the direction mark Arabic keyboards add
        ("km", "១២៣", 123.0),  # Khmer digits
        ("ko", "2,500", 2500.0),
        ("en", "123456789012345", 123456789012345.0),  # 15 digits: the most a float keeps
    ],
)
def test_numbers_in_the_readers_locale(language: str, text: str, expected: float) -> None:
    assert read_number(CATALOGS.translator(language), text) == expected


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", ""),
        ("en", "   "),
        ("en", "abc"),
        ("en", "12 kg"),
        ("en", "1,2,3"),
        ("fr", "1,2,3"),
        ("en", "1,23"),  # misplaced grouping is a typo, not a number to guess
        ("fr", "1 23,5"),
        ("en", "NaN"),
        ("en", "nan"),
        ("en", "inf"),
        ("en", "-Infinity"),
        ("en", "1e999"),
        ("en", "1e5"),
        ("en", "1_000"),
        ("en", "-"),
        ("en", "3-4"),
        ("en", "1234567890123456"),  # 16 digits
        ("fr", "0,1234567890123456"),
    ],
)
def test_what_is_not_a_number_is_refused(language: str, text: str) -> None:
    assert read_number(CATALOGS.translator(language), text) is None


@pytest.mark.parametrize(
    ("language", "written"),
    [
        ("en", ["40 million", "2.5 billion", "12,500"]),
        ("fr", ["40 millions", "2,5 milliards", "12\u202f500"]),
        ("es", ["40 millones", "2,5 mil millones", "12.500"]),
        ("ar", ["40 مليون", "2.5 مليار", "12,500"]),
        ("km", ["40 លាន", "2.5 ប៊ីលាន", "12,500"]),
        ("ko", ["4,000만", "25억", "12,500"]),
    ],
)
def test_figures_in_each_language_and_read_back(language: str, written: list[str]) -> None:
    """Headline figures in the locale's words for their size — Korean by 만 and 억, not as
    «40 백만» — and what a coordinator types back the same way reads as the same number."""
    t = CATALOGS.translator(language)
    for value, text in zip((40_000_000, 2_500_000_000, 12_500), written, strict=True):
        assert format_figure(t.locale, value) == text
        assert read_figure(t, text) == value
    assert read_figure(t, "abc") is None
