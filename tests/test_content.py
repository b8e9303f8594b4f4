"""Programme content import: the example file loads, re-importing updates in place, and a bad
file names every problem and imports nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from bot.content import ContentError, apply_content, parse_content
from storage.database import Database
from tests.support.bot import EXAMPLE_CONTENT


async def test_example_content_imports_and_reimports_in_place(database: Database) -> None:
    content = parse_content(EXAMPLE_CONTENT)
    for _ in range(2):
        async with database.unit_of_work() as uow:
            assert await apply_content(uow, content) == (2, 10)
    async with database.unit_of_work() as uow:
        landscapes = await uow.places.landscapes()
        programmes = await uow.places.programmes()
    assert len(landscapes) == 10
    assert {p.slug for p in programmes} == {"flrm", "lpa"}
    vanuatu = next(landscape for landscape in landscapes if landscape.slug == "flrm-vanuatu")
    assert (vanuatu.country, vanuatu.timezone) == ("VU", "Pacific/Efate")


def test_a_bad_file_names_every_problem(tmp_path: Path) -> None:
    bad = tmp_path / "content.toml"
    bad.write_text(
        '[[programmes]]\nslug = "Bad Slug"\nname = "X"\n'
        '[[landscapes]]\nslug = "y"\nprogramme = "nope"\nname = "Y"\ncountry = "QQ"\n'
        'timezone = "Mars/Olympus"\n'
    )
    with pytest.raises(ContentError) as raised:
        parse_content(bad)
    problems = raised.value.problems
    assert any(p.startswith("programmes[0] (Bad Slug).slug:") for p in problems)
    assert any(p.startswith("landscapes[0] (y).country:") for p in problems)
    assert any(p.startswith("landscapes[0] (y).timezone:") for p in problems)


def test_landscapes_must_name_a_known_programme(tmp_path: Path) -> None:
    bad = tmp_path / "content.toml"
    bad.write_text(
        '[[landscapes]]\nslug = "y"\nprogramme = "nope"\nname = "Y"\ncountry = "KH"\n'
        'timezone = "Asia/Phnom_Penh"\n'
    )
    with pytest.raises(ContentError, match=r"landscapes\[0\] \(y\)\.programme: no programme"):
        parse_content(bad)


def test_the_cli_imports_nothing_from_a_bad_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("LANDSCAPE_BOT_DATABASE__URL", url)
    bad = tmp_path / "content.toml"
    bad.write_text(EXAMPLE_CONTENT.read_text() + '\n[[landscapes]]\nslug = "z"\n')
    assert main(["import", str(bad)]) == 1
    assert "nothing was imported" in capsys.readouterr().err
    assert main(["import", str(EXAMPLE_CONTENT)]) == 0
    assert "imported 2 programmes and 10 landscapes" in capsys.readouterr().out
