"""Catalogs: every shipped language loads, is complete, keeps placeholders and markup, and the
template matches the code; languages are negotiated and values formatted per locale."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from bot.content import read_content_file
from bot.i18n import Catalogs, locales_dir
from bot.settings import SHIPPED_LANGUAGES

ROOT = Path(__file__).parents[1]
TRANSLATED = [language for language in SHIPPED_LANGUAGES if language != "en"]
PLACEHOLDER = re.compile(r"\{\w+\}")
TAG = re.compile(r"</?\w+>")


def _catalog(language: str):  # type: ignore[no-untyped-def]
    with (locales_dir() / language / "LC_MESSAGES" / "messages.po").open("rb") as source:
        return read_po(source, locale=language)


def test_every_shipped_language_has_a_catalog() -> None:
    assert set(Catalogs.load().languages) == set(SHIPPED_LANGUAGES)


@pytest.mark.parametrize("language", TRANSLATED)
def test_catalog_is_complete_and_keeps_placeholders(language: str) -> None:
    template = {m.id for m in read_po((locales_dir() / "messages.pot").open("rb")) if m.id}
    catalog = _catalog(language)
    entries = {m.id: m for m in catalog if m.id}
    assert set(entries) == template, "run pybabel update"
    for msgid, message in entries.items():
        ids = msgid if isinstance(msgid, tuple) else (msgid,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert "fuzzy" not in message.flags, msgid
        assert all(strings), f"untranslated: {msgid!r}"
        if isinstance(msgid, tuple):
            assert len(strings) == catalog.num_plurals, msgid
        allowed = set(PLACEHOLDER.findall(" ".join(ids)))
        for string in strings:
            assert set(PLACEHOLDER.findall(string)) <= allowed, (msgid, string)
            assert sorted(TAG.findall(string)) == sorted(TAG.findall(ids[0])), (msgid, string)
        if not isinstance(msgid, tuple):  # a singular message must keep every placeholder
            assert set(PLACEHOLDER.findall(strings[0])) == allowed, (msgid, strings[0])


# Telegram makes "/start" tappable only when no letter follows it: «/start를» is plain text.
GLUED_COMMAND = re.compile(r"(?<![<\w/])/[a-z_]+(?![A-Za-z0-9_])(?=\w)")


@pytest.mark.parametrize("language", SHIPPED_LANGUAGES)
def test_no_command_is_glued_to_a_letter(language: str) -> None:
    glued = []
    if language in TRANSLATED:  # English is the source: its strings are the msgids
        for message in _catalog(language):
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            glued += [hit for text in strings for hit in GLUED_COMMAND.findall(text or "")]
    else:
        for message in read_po((locales_dir() / "messages.pot").open("rb")):
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            glued += [hit for text in ids for hit in GLUED_COMMAND.findall(text or "")]
    for path in (ROOT / "locales").glob(f"{language}/*.toml"):
        glued += GLUED_COMMAND.findall(path.read_text(encoding="utf-8"))
    assert not glued, glued


def test_no_command_is_glued_to_a_letter_in_the_example_content() -> None:
    text = (ROOT / "bot" / "examples" / "content.toml").read_text(encoding="utf-8")
    assert not GLUED_COMMAND.findall(text)


@pytest.mark.parametrize("language", TRANSLATED)
def test_each_language_really_loads(language: str) -> None:
    """Babel falls back to NullTranslations silently; prove the catalog answers."""
    t = Catalogs.load().translator(language)
    for message in ("Which language do you prefer?", "Saved.", "Your privacy"):
        assert t.gettext(message) != message
        assert t.gettext(message) == _catalog(language)[message].string


def test_template_matches_the_code(tmp_path: Path) -> None:
    fresh = tmp_path / "messages.pot"
    subprocess.run(  # noqa: S603 - our own interpreter and fixed arguments
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "pyproject.toml",
         "-k", "N_", "--no-location", "-o", str(fresh), "bot", "handlers", "storage"],
        cwd=ROOT, check=True, capture_output=True,
    )  # fmt: skip
    in_code = {m.id for m in read_po(fresh.open("rb")) if m.id}
    shipped = {m.id for m in read_po((locales_dir() / "messages.pot").open("rb")) if m.id}
    assert in_code == shipped, "run the extract and update steps in the README"


@pytest.mark.parametrize(
    ("language_code", "expected"),
    [("fr-CA", "fr"), ("fr", "fr"), ("es_PE", "es"), ("ar", "ar"), ("km-KH", "km"),
     ("ko", "ko"), ("pt-BR", None), ("", None), (None, None), ("not a locale", None)],
)  # fmt: skip
def test_negotiating_telegrams_language_code(
    language_code: str | None, expected: str | None
) -> None:
    assert Catalogs.load().negotiate(language_code) == expected


def test_choice_order_stored_then_telegram_then_default() -> None:
    catalogs = Catalogs.load(default="es")
    assert catalogs.choose("ko", "fr-CA") == "ko"
    assert catalogs.choose(None, "fr-CA") == "fr"
    assert catalogs.choose(None, "pt-BR") == "es"
    assert catalogs.choose("xx", None) == "es"


def test_plurals_follow_each_languages_rules() -> None:
    catalogs = Catalogs.load()
    singular = "It works for {n} person until {date}."
    plural = "It works for {n} people until {date}."
    ar = catalogs.translator("ar")
    forms = {ar.ngettext(singular, plural, n, date="x") for n in (0, 1, 2, 3, 11, 100)}
    assert len(forms) == 6  # Arabic: zero, one, two, few, many, other
    fr = catalogs.translator("fr")
    # French uses the singular for zero; English the plural.
    assert fr.ngettext(singular, plural, 0, date="x").replace("0", "1") == fr.ngettext(
        singular, plural, 1, date="x"
    )
    en = catalogs.translator("en")
    assert en.ngettext(singular, plural, 0, date="x").startswith("It works for 0 people")


def test_numbers_and_dates_are_formatted_for_the_locale() -> None:
    catalogs = Catalogs.load()
    assert catalogs.translator("fr").number(1234.5) == "1\u202f234,5"
    assert catalogs.translator("en").number(1234.5) == "1,234.5"
    assert catalogs.translator("es").date(date(2020, 12, 17)) == "17 de diciembre de 2020"
    meeting = datetime(2020, 12, 17, 7, 0, tzinfo=UTC)
    phnom_penh = catalogs.translator("fr", "Asia/Phnom_Penh").datetime(meeting)
    assert phnom_penh.startswith("17 déc. 2020, 14:00")
    assert phnom_penh.endswith("(UTC+7)")
    guatemala = catalogs.translator("es", "America/Guatemala").datetime(meeting)
    assert "1:00" in guatemala
    assert guatemala.endswith("(UTC-6)")


def test_event_times_read_naturally_in_each_zone_and_language() -> None:
    catalogs = Catalogs.load()
    meeting = datetime(2026, 12, 17, 7, 0, tzinfo=UTC)
    english = catalogs.translator("en", "Asia/Phnom_Penh")
    assert english.when(meeting) == "Thursday, 17 December 2026, 14:00 (UTC+7)"
    two_hours = english.time_span(meeting, meeting + timedelta(hours=2))
    assert two_hours == "Thursday, 17 December 2026, 14:00–16:00 (UTC+7)"
    lima = catalogs.translator("es", "America/Lima").when(meeting)
    assert lima == "jueves, 17 de diciembre de 2026, 2:00 (UTC-5)"
    assert "،" in catalogs.translator("ar", "Africa/Casablanca").when(meeting)  # Arabic comma
    overnight = english.time_span(meeting, meeting + timedelta(hours=20))
    assert overnight.count("December") == 2


def test_relative_times_use_each_languages_plurals() -> None:
    catalogs = Catalogs.load()
    now = datetime(2026, 12, 14, 7, 0, tzinfo=UTC)
    assert catalogs.translator("en").relative(now + timedelta(days=1), now) == "in 1 day"
    assert catalogs.translator("en").relative(now + timedelta(days=3), now) == "in 3 days"
    assert catalogs.translator("fr").relative(now + timedelta(days=3), now) == "dans 3 jours"
    arabic = catalogs.translator("ar")
    # Arabic has distinct forms for 3-10 and for 11 and more.
    few, many = (
        arabic.relative(now + timedelta(days=3), now),
        arabic.relative(now + timedelta(days=11), now),
    )
    assert few.replace("3", "") != many.replace("11", "")
    assert catalogs.translator("ko").relative(now - timedelta(hours=2), now) == "2시간 전"


def test_values_are_escaped_when_filled_in() -> None:
    t = Catalogs.load().translator("en")
    text = t.gettext("Welcome back, {name}! What would you like to do?", name="<i>x</i> & y")
    assert "&lt;i&gt;x&lt;/i&gt; &amp; y" in text


@pytest.mark.parametrize("language", TRANSLATED)
def test_each_catalog_keeps_to_its_glossary(language: str) -> None:
    """A term written two ways reads as two things; `locales/<lang>/glossary.toml` names the
    forms each catalog avoids (calques, the other register, a clashing word)."""
    glossary = tomllib.loads((locales_dir() / language / "glossary.toml").read_text("utf-8"))
    assert glossary, "an empty glossary checks nothing"
    found = []
    for message in _catalog(language):
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for term, entry in glossary.items():
            found += [
                (term, avoided, text)
                for text in strings
                for avoided in entry["avoid"]
                if avoided.casefold() in (text or "").casefold()
            ]
    assert not found, found


def test_the_example_checkin_questions_keep_each_glossary() -> None:
    """Questions are read beside the interface's own messages: same terms, same register
    (the Korean questions once asked in 합쇼체 under a 해요체 interface)."""
    content = read_content_file(ROOT / "bot" / "examples" / "content.toml")
    found = []
    for language in TRANSLATED:
        glossary = tomllib.loads((locales_dir() / language / "glossary.toml").read_text("utf-8"))
        avoided = [form for entry in glossary.values() for form in entry["avoid"]]
        for template in content.checkin_templates:
            for question in template.questions:
                text = question.text.get(language, "")
                found += [(language, form, text) for form in avoided if form in text]
    assert not found, found
