"""Programme content from a TOML file: `[[programmes]]` and `[[landscapes]]`, validated as a
whole and written in one transaction, so a bad file changes nothing."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from babel import Locale
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from bot.settings import IanaZone, ShippedLanguage
from storage.uow import UnitOfWork

SLUG = r"^[a-z0-9][a-z0-9-]{0,39}$"


class ContentError(Exception):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class ProgrammeEntry(_Entry):
    slug: str = Field(pattern=SLUG)
    name: str = Field(min_length=1, max_length=200)
    default_language: ShippedLanguage = "en"


class LandscapeEntry(_Entry):
    slug: str = Field(pattern=SLUG)
    programme: str
    name: str = Field(min_length=1, max_length=200)
    country: str = Field(min_length=2, max_length=2)
    timezone: IanaZone

    @field_validator("country")
    @classmethod
    def _country(cls, value: str) -> str:
        if value.upper() not in Locale("en").territories:
            raise ValueError("expected an ISO 3166 two-letter country code such as KH")
        return value.upper()


class Content(_Entry):
    programmes: list[ProgrammeEntry] = []
    landscapes: list[LandscapeEntry] = []


def parse_content(path: Path) -> Content:
    try:
        raw: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ContentError([f"{path}: file not found"]) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ContentError([f"{path}: not valid TOML: {error}"]) from None
    try:
        content = Content.model_validate(raw)
    except ValidationError as error:
        raise ContentError([_describe(raw, e["loc"], e["msg"]) for e in error.errors()]) from None
    known = {p.slug for p in content.programmes}
    problems = [
        f"landscapes[{i}] ({entry.slug}).programme: no programme with slug {entry.programme!r}"
        for i, entry in enumerate(content.landscapes)
        if entry.programme not in known
    ]
    if problems:
        raise ContentError(problems)
    return content


async def apply_content(uow: UnitOfWork, content: Content) -> tuple[int, int]:
    """Create or update every entry by slug; returns (programmes, landscapes) written."""
    programmes = {}
    for entry in content.programmes:
        programmes[entry.slug] = await uow.places.upsert_programme(
            entry.slug, name=entry.name, default_language=entry.default_language
        )
    for landscape in content.landscapes:
        await uow.places.upsert_landscape(
            landscape.slug,
            programme=programmes[landscape.programme],
            name=landscape.name,
            country=landscape.country,
            timezone=landscape.timezone,
        )
    return len(content.programmes), len(content.landscapes)


def _describe(raw: dict[str, Any], loc: tuple[int | str, ...], message: str) -> str:
    where = str(loc[0])
    if len(loc) > 1 and isinstance(loc[1], int):
        entry = raw.get(str(loc[0]), [])[loc[1]]
        slug = entry.get("slug", "?") if isinstance(entry, dict) else "?"
        where = f"{loc[0]}[{loc[1]}] ({slug})"
        if len(loc) > 2:
            where += "." + ".".join(str(part) for part in loc[2:])
    return f"{where}: {message.removeprefix('Value error, ')}"
