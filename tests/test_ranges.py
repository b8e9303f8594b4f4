"""Periods read in each shipped language, relative to the asker's today, and read back to them:
every label and every example the bot shows parses to the range it names."""

from __future__ import annotations

from datetime import date

import pytest

from bot.checkins.period_forms import RELATIVE, languages
from bot.checkins.ranges import DateRange, parse_period, period_examples, period_label
from bot.i18n import Catalogs

TODAY = date(2026, 10, 14)  # a Wednesday in Q4
SEPTEMBER = DateRange(date(2026, 9, 1), date(2026, 10, 1))
Q3 = DateRange(date(2026, 7, 1), date(2026, 10, 1))


@pytest.fixture(scope="module")
def catalogs() -> Catalogs:
    return Catalogs.load()


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        ("en", "this week", DateRange(date(2026, 10, 12), date(2026, 10, 19))),
        ("en", "Last week", DateRange(date(2026, 10, 5), date(2026, 10, 12))),
        ("en", "this month", DateRange(date(2026, 10, 1), date(2026, 11, 1))),
        ("en", "last month", SEPTEMBER),
        ("en", "this quarter", DateRange(date(2026, 10, 1), date(2027, 1, 1))),
        ("en", "last quarter", Q3),
        ("en", "last year", DateRange(date(2025, 1, 1), date(2026, 1, 1))),
        ("en", "2026-Q3", Q3),
        ("en", "Q3 2026", Q3),
        ("en", "2026-11", DateRange(date(2026, 11, 1), date(2026, 12, 1))),
        ("en", "2026", DateRange(date(2026, 1, 1), date(2027, 1, 1))),
        ("en", "2026-09-01..2026-09-30", SEPTEMBER),
        ("en", "2026-09-01 2026-09-30", SEPTEMBER),
        ("en", "2026-09-03", DateRange(date(2026, 9, 3), date(2026, 9, 4))),
        ("en", "03/09/2026", DateRange(date(2026, 9, 3), date(2026, 9, 4))),  # day first
        ("en", "Sept 2026", SEPTEMBER),
        ("en", "1 to 30 September 2026", SEPTEMBER),
        ("en", "28 Sept – 4 Oct 2026", DateRange(date(2026, 9, 28), date(2026, 10, 5))),
        ("en", "December - January", DateRange(date(2025, 12, 1), date(2026, 2, 1))),
        ("en", "november", DateRange(date(2025, 11, 1), date(2025, 12, 1))),  # the latest begun
        ("fr", "le mois dernier", SEPTEMBER),
        ("fr", "l’année dernière", DateRange(date(2025, 1, 1), date(2026, 1, 1))),
        ("fr", "T3 2026", Q3),
        ("fr", "3e trimestre 2026", Q3),
        ("fr", "du 1er au 30 septembre 2026", SEPTEMBER),
        ("es", "el trimestre pasado", Q3),
        ("es", "septiembre de 2026", SEPTEMBER),
        ("es", "del 1 al 30 de septiembre de 2026", SEPTEMBER),
        ("ar", "الشهر الماضي", SEPTEMBER),
        ("ar", "الربع الثالث ٢٠٢٦", Q3),  # Arabic-Indic digits
        ("ar", "من 1 إلى 30 سبتمبر 2026", SEPTEMBER),
        ("km", "ខែមុន", SEPTEMBER),
        ("km", "ខែកញ្ញា ២០២៦", SEPTEMBER),  # Khmer digits
        ("km", "1 ដល់ 30 កញ្ញា 2026", SEPTEMBER),
        ("ko", "지난달", SEPTEMBER),
        ("ko", "지난 분기", Q3),
        ("ko", "2026년 9월", SEPTEMBER),
        ("ko", "2026년 9월 1일부터 9월 30일까지", SEPTEMBER),
        ("ko", "2026. 9. 3.", DateRange(date(2026, 9, 3), date(2026, 9, 4))),
        ("fr", "last month", SEPTEMBER),  # another language's words still work
    ],
)
def test_periods_in_each_language(language: str, text: str, expected: DateRange) -> None:
    assert parse_period(text, language, TODAY) == expected


@pytest.mark.parametrize(
    "text", ["", "someday", "last", "2026-02-30", "2026-13", "13 2026", "Q5 2026", "2026-09-31"]
)
def test_what_is_not_a_period(text: str) -> None:
    assert parse_period(text, "en", TODAY) is None


@pytest.mark.parametrize("language", ["en", "fr", "es", "ar", "km", "ko"])
def test_labels_and_examples_read_back(catalogs: Catalogs, language: str) -> None:
    t = catalogs.translator(language)
    for period in (
        SEPTEMBER,
        Q3,
        DateRange(date(2026, 1, 1), date(2027, 1, 1)),
        DateRange(date(2026, 2, 1), date(2026, 3, 1)),
    ):
        assert parse_period(period_label(t, period), language, TODAY) == period
    examples = period_examples(t, TODAY)
    assert len(examples) == 5
    for example in examples:
        assert parse_period(example, language, TODAY) is not None, example


def test_labels(catalogs: Catalogs) -> None:
    en, fr, ko = (catalogs.translator(code) for code in ("en", "fr", "ko"))
    assert period_label(en, SEPTEMBER) == "September 2026"
    assert period_label(fr, SEPTEMBER) == "septembre 2026"
    assert period_label(ko, Q3) == "2026년 3분기"
    assert period_label(en, Q3) == "Q3 2026"
    week = DateRange(date(2026, 9, 28), date(2026, 10, 5))
    assert period_label(en, week) == "28 Sept\u2009–\u20094 Oct 2026"  # thin spaces
    assert period_label(en, DateRange(date(2026, 9, 3), date(2026, 9, 4))) == "3 Sept 2026"


def test_shifting_keeps_the_kind_of_period() -> None:
    assert SEPTEMBER.shifted(-1) == DateRange(date(2026, 8, 1), date(2026, 9, 1))
    assert Q3.shifted(-1) == DateRange(date(2026, 4, 1), date(2026, 7, 1))
    january = DateRange(date(2026, 1, 1), date(2026, 2, 1))
    assert january.shifted(-1) == DateRange(date(2025, 12, 1), date(2026, 1, 1))
    week = DateRange(date(2026, 9, 28), date(2026, 10, 5))
    assert week.shifted(-1) == DateRange(date(2026, 9, 21), date(2026, 9, 28))
    assert week.shifted(1) == DateRange(date(2026, 10, 5), date(2026, 10, 12))


def test_every_language_names_every_relative_period_once() -> None:
    tables = languages()
    assert set(tables) == {"en", "fr", "es", "ar", "km", "ko"}
    for code, table in tables.items():
        assert set(table.spelled) == set(RELATIVE), code
        # A phrase listed under two periods would silently mean the first.
        assert len(set(table.relative.values())) == len(RELATIVE), code
