"""Programme content files: the example loads, re-importing updates in place, an export imports
back to the same content, and a bad file names every problem and imports nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from bot.content import ContentError, apply_content, export_content, read_content
from bot.content import read_content_file as read_file
from storage.database import Database
from storage.models import Role
from tests.support.bot import EXAMPLE_CONTENT, BotHarness
from tests.support.people import add_partner

EVENT = """
[[events]]
slug = "meeting"
programme = "flrm"
title = {{ en = "{title}" }}
starts = {starts}
ends = {ends}
timezone = "{zone}"
"""


def _event(
    title: str = "Meeting",
    starts: str = "2030-01-10T14:00:00",
    ends: str = "2030-01-10T16:00:00",
    zone: str = "Asia/Phnom_Penh",
) -> bytes:
    return EVENT.format(title=title, starts=starts, ends=ends, zone=zone).encode()


async def _load_example(database: Database) -> None:
    async with database.unit_of_work() as uow:
        await apply_content(uow, read_file(EXAMPLE_CONTENT))


async def test_example_content_imports_and_reimports_in_place(database: Database) -> None:
    content = read_file(EXAMPLE_CONTENT)
    for _ in range(2):
        async with database.unit_of_work() as uow:
            counts = await apply_content(uow, content)
    assert (counts.programmes, counts.landscapes, counts.events, counts.faq) == (2, 10, 2, 6)
    assert counts.checkin_templates == 1
    async with database.unit_of_work() as uow:
        landscapes = await uow.places.landscapes()
        programmes = await uow.programmes.all()
        events = await uow.events.all()
        faq = await uow.faq.all()
    assert len(landscapes) == 10
    assert len(events) == 2
    assert len(faq) == 6
    assert {p.slug for p in programmes} == {"flrm", "lpa"}
    flrm = next(p for p in programmes if p.slug == "flrm")
    assert set(flrm.name) == {"en", "fr", "es", "ar", "km", "ko"}
    assert flrm.figures
    vanuatu = next(landscape for landscape in landscapes if landscape.slug == "flrm-vanuatu")
    assert (vanuatu.country, vanuatu.timezone) == ("VU", "Pacific/Efate")


async def test_local_times_are_read_in_the_events_own_zone(database: Database) -> None:
    await _load_example(database)
    async with database.unit_of_work() as uow:
        await apply_content(uow, read_content(_event(), "file"))
        event = await uow.events.by_slug("meeting")
    assert event is not None
    assert event.starts_at.isoformat() == "2030-01-10T07:00:00+00:00"  # 14:00 in UTC+7


async def test_an_export_imports_back_to_the_same_content(
    database: Database, tmp_path: Path
) -> None:
    await _load_example(database)
    async with database.unit_of_work() as uow:
        await apply_content(uow, read_content(_event(title="Fire & <drought>"), "file"))
        first = await export_content(uow)
    copy = Database(f"sqlite+aiosqlite:///{tmp_path / 'copy.db'}")
    try:
        await copy.upgrade()
        async with copy.unit_of_work() as uow:
            await apply_content(uow, read_content(first.encode(), "export"))
        async with copy.unit_of_work() as uow:
            second = await export_content(uow)
    finally:
        await copy.dispose()
    assert second == first
    assert "Fire & <drought>" in first  # stored verbatim; escaped only where shown
    assert "[[checkin_templates]]" in first
    assert read_content(first.encode(), "export").checkin_templates[0].questions[1].parts


async def test_aliases_are_imported_per_language_and_exported_back(
    database: Database, tmp_path: Path
) -> None:
    """A plain list is in the default language; a name given twice is kept once."""
    data = (
        b'[[programmes]]\nslug = "flrm"\ndefault_language = "fr"\nname = "M\xc3\xa9canisme"\n'
        + 'aliases = [" le Mécanisme ", "le Mécanisme", "le mécanisme de la FAO"]\n'.encode()
        + b'[[programmes]]\nslug = "lpa"\nname = "LPA"\n'
        + 'aliases = { en = ["the Asia partnership"], ko = ["아시아 파트너십"] }\n'.encode()
    )
    async with database.unit_of_work() as uow:
        await apply_content(uow, read_content(data, "file"))
        flrm, lpa = await uow.programmes.by_slug("flrm"), await uow.programmes.by_slug("lpa")
        exported = await export_content(uow)
    assert flrm is not None
    assert lpa is not None
    assert flrm.aliases == {"fr": ["le Mécanisme", "le mécanisme de la FAO"]}
    assert lpa.aliases == {"en": ["the Asia partnership"], "ko": ["아시아 파트너십"]}
    again = read_content(exported.encode(), "export")
    assert [entry.aliases for entry in again.programmes] == [
        {"fr": ["le Mécanisme", "le mécanisme de la FAO"]},
        {"en": ["the Asia partnership"], "ko": ["아시아 파트너십"]},
    ]


async def test_a_moved_event_is_resequenced(database: Database) -> None:
    await _load_example(database)
    for starts, ends in (
        ("2030-01-10T14:00:00", "2030-01-10T16:00:00"),
        ("2030-01-11T14:00:00", "2030-01-11T16:00:00"),
    ):
        async with database.unit_of_work() as uow:
            await apply_content(uow, read_content(_event(starts=starts, ends=ends), "file"))
    async with database.unit_of_work() as uow:
        event = await uow.events.by_slug("meeting")
    assert event is not None
    assert event.sequence == 1


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (_event(ends="2030-01-10T13:00:00"), "events[0] (meeting): ends: must be after starts"),
        (_event(zone="Mars/Olympus"), "events[0] (meeting).timezone:"),
        (
            b'[[faq]]\nslug = "big"\nquestion = "Q?"\nanswer = "' + b"x" * 3001 + b'"\n',
            "faq[0] (big).answer.:",
        ),
        (b'[[programmes]]\nslug = "Bad Slug"\nname = "X"\n', "programmes[0] (Bad Slug).slug:"),
        (
            b'[[landscapes]]\nslug = "y"\nprogramme = "flrm"\nname = "Y"\ncountry = "QQ"\n'
            b'timezone = "Asia/Phnom_Penh"\n',
            "landscapes[0] (y).country:",
        ),
        (
            'programmes = [{ slug = "p", name = "P", aliases = { xx = ["Mécanisme"] } }]'.encode(),
            "programmes[0] (p).aliases.xx: expected one of en, fr, es, ar, km, ko",
        ),
        (
            b'programmes = [{ slug = "p", name = "P", aliases = { en = "the Mechanism" } }]',
            "programmes[0] (p).aliases.en: Input should be a valid list",
        ),
        (
            b'programmes = [{ slug = "p", name = "P", aliases = { en = ["M"] } }]',
            "programmes[0] (p).aliases.en[0]: String should have at least 3 characters",
        ),
        (
            b'programmes = [{ slug = "p", name = "P", aliases = { en = ["'
            + b"x" * 101
            + b'"] } }]',
            "programmes[0] (p).aliases.en[0]: String should have at most 100 characters",
        ),
        (
            b'programmes = [{ slug = "p", name = "P", aliases = { en = ["'
            + b'", "'.join(b"alias %d" % n for n in range(11))
            + b'"] } }]',
            "programmes[0] (p).aliases.en: List should have at most 10 items",
        ),
        (b"[[events]\n", "not valid TOML"),
        (b'[[unknown]]\nslug = "x"\n', "unknown: Extra inputs are not permitted"),
        (
            EXAMPLE_CONTENT.read_bytes().replace(b"max = 100000\n", b"max = -1\n"),
            "checkin_templates[0] (flrm).questions[0] (area_ha): max: must be more than min",
        ),
    ],
)
def test_a_bad_file_names_the_entry_and_field(data: bytes, problem: str) -> None:
    with pytest.raises(ContentError) as raised:
        read_content(data, "file")
    assert any(problem in p for p in raised.value.problems), raised.value.problems


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (
            _event().replace(b'programme = "flrm"', b'programme = "nope"'),
            "events[0] (meeting).programme: no programme with slug 'nope'",
        ),
        (
            _event().replace(
                b'programme = "flrm"', b'programme = "lpa"\nlandscapes = ["flrm-peru"]'
            ),
            "'flrm-peru' is not a landscape of programme 'lpa'",
        ),
        (
            _event().replace(b'title = { en = "Meeting" }', 'title = { fr = "Réunion" }'.encode()),
            "events[0] (meeting).title: needs a text in 'en'",
        ),
        (_event() + _event(), "events: slug 'meeting' appears 2 times"),
    ],
)
async def test_problems_found_against_the_database_import_nothing(
    database: Database, data: bytes, problem: str
) -> None:
    await _load_example(database)
    content = read_content(data, "file")
    with pytest.raises(ContentError) as raised:
        async with database.unit_of_work() as uow:
            await apply_content(uow, content)
    assert any(problem in p for p in raised.value.problems), raised.value.problems
    async with database.unit_of_work() as uow:
        assert await uow.events.by_slug("meeting") is None


def test_the_cli_imports_nothing_from_a_bad_file_and_exports_what_it_imported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("LANDSCAPE_BOT_DATABASE__URL", url)
    bad = tmp_path / "content.toml"
    bad.write_text(EXAMPLE_CONTENT.read_text() + '\n[[landscapes]]\nslug = "z"\n')
    assert main(["import", str(bad)]) == 1
    assert "nothing was imported" in capsys.readouterr().err
    assert main(["export-content"]) == 0
    assert "[[programmes]]" not in capsys.readouterr().out
    assert main(["import", str(EXAMPLE_CONTENT)]) == 0
    assert "imported 2 programmes, 10 landscapes, 2 events and 6 FAQ entries" in (
        capsys.readouterr().out
    )
    exported = tmp_path / "export.toml"
    assert main(["export-content", "-o", str(exported)]) == 0
    assert len(read_file(exported).faq) == 6
    assert main(["import", str(exported)]) == 0


async def test_control_characters_in_content_are_dropped_before_storing(
    database: Database,
) -> None:
    """TOML's escapes can spell a NUL, which PostgreSQL refuses in text."""
    await _load_example(database)
    async with database.unit_of_work() as uow:
        await apply_content(uow, read_content(_event(title="Site\\u0000 visit\\u0007"), "file"))
        event = await uow.events.by_slug("meeting")
    assert event is not None
    assert event.title["en"] == "Site visit"


def test_deeply_nested_toml_is_not_valid_toml() -> None:
    with pytest.raises(ContentError) as raised:
        read_content(b"a = " + b"[" * 100_000 + b"]" * 100_000, "deep.toml")
    assert raised.value.problems == ["deep.toml: not valid TOML: nested too deeply"]


def _many_faq(count: int) -> bytes:
    entries = [
        f'[[faq]]\nslug = "bulk-{n}"\nprogramme = "flrm"\n'
        f'question = {{ en = "Bulk question number {n}?" }}\n'
        f'answer = {{ en = "Answer {n}." }}\n'
        for n in range(count)
    ]
    return "\n".join(entries).encode()


async def test_a_file_sent_in_chat_is_written_in_steps_while_partners_are_served(
    bot: BotHarness,
) -> None:
    await add_partner(bot.db, 9000, name="Ada", role=Role.ADMIN)
    await add_partner(bot.db, 9001, name="Pia")
    admin = bot.user(9000, "Ada", language_code="en")
    partner = bot.user(9001, "Pia", language_code="en")
    await admin.send_document("content.toml", b'[[faq]]\nslug = "x"\nprogramme = "nowhere"\n')
    await admin.expect("Nothing was imported. Please fix these problems")

    await admin.send_document("content.toml", _many_faq(1500))
    await admin.expect("The file is valid. Importing 0 programmes, 0 landscapes, 0 events")
    await partner.send("/help")  # served between the import's steps, not after them
    await partner.expect("/next")
    assert not any("Imported:" in m.text for m in bot.api.messages(9000))  # still importing
    imported = await admin.expect("Imported: 0 programmes", within=60)
    assert "1,500 FAQ entries" in imported.text
    async with bot.db.unit_of_work() as uow:
        faq = {entry.slug for entry in await uow.faq.all()}
    assert {f"bulk-{n}" for n in range(1500)} <= faq
