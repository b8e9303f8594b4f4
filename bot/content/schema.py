"""The content file's shape, validated entry by entry: `[[programmes]]`, `[[landscapes]]`,
`[[events]]` and `[[faq]]`.

A translatable text is a table from language code to text (`{ en = "...", fr = "..." }`) or a
plain string in the entry's default language; either way it must have that default language,
which is what partners see (marked) when their own is missing.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Literal
from zoneinfo import ZoneInfo

from babel import Locale
from pydantic import (
    AfterValidator,
    AnyHttpUrl,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from bot.settings import IanaZone, ShippedLanguage
from storage.models import StakeholderType

SLUG = r"^[a-z0-9][a-z0-9-]{0,39}$"
Slug = Annotated[str, Field(pattern=SLUG)]


DEFAULT = ""  # key of a text given as a plain string: the entry's default language


def _as_table(value: object) -> object:
    return {DEFAULT: value} if isinstance(value, str) else value


Language = ShippedLanguage | Literal[""]
Text100 = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Text200 = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Text1000 = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)]
Text2000 = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
Text3000 = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=3000)]
Short = Annotated[dict[Language, Text100], BeforeValidator(_as_table)]
Name = Annotated[dict[Language, Text200], BeforeValidator(_as_table)]
Paragraph = Annotated[dict[Language, Text1000], BeforeValidator(_as_table)]
Status = Annotated[dict[Language, Text2000], BeforeValidator(_as_table)]
Answer = Annotated[dict[Language, Text3000], BeforeValidator(_as_table)]
Trigger = Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=100)]


def _country(value: str) -> str:
    if value.upper() not in Locale("en").territories:
        raise ValueError("expected an ISO 3166 two-letter country code such as KH")
    return value.upper()


Country = Annotated[str, StringConstraints(min_length=2, max_length=2), AfterValidator(_country)]


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class FigureEntry(_Entry):
    label: Short
    value: float
    unit: Short = {}
    as_of: date


class ProgrammeEntry(_Entry):
    slug: Slug
    default_language: ShippedLanguage = "en"
    name: Name
    summary: Paragraph = {}
    phase: Short = {}
    funder: Name = {}
    starts: date | None = None
    ends: date | None = None
    countries: list[Country] = []
    status: Status = {}
    status_as_of: date | None = None
    figures: list[FigureEntry] = Field(default=[], max_length=8)

    @model_validator(mode="after")
    def _check(self) -> ProgrammeEntry:
        if self.starts and self.ends and self.ends < self.starts:
            raise ValueError("ends: is before starts")
        return self


class LandscapeEntry(_Entry):
    slug: Slug
    programme: str
    name: str = Field(min_length=1, max_length=200)
    country: Country
    timezone: IanaZone


class EventEntry(_Entry):
    slug: Slug
    programme: str | None = None
    landscapes: list[str] = []
    audience: list[StakeholderType] = []
    title: Name
    description: Status = {}
    starts: datetime
    ends: datetime
    timezone: IanaZone
    online_url: AnyHttpUrl | None = Field(default=None)
    place: Name = {}
    cancelled: bool = False

    @model_validator(mode="after")
    def _check(self) -> EventEntry:
        zone = ZoneInfo(self.timezone)
        # Local date-times are in the event's own zone; offsets given explicitly are kept.
        self.starts = _aware(self.starts, zone)
        self.ends = _aware(self.ends, zone)
        if self.ends <= self.starts:
            raise ValueError("ends: must be after starts")
        if self.online_url is not None and len(str(self.online_url)) > 500:
            raise ValueError("online_url: longer than 500 characters")
        return self


class FaqItem(_Entry):
    slug: Slug
    programme: str | None = None
    question: Name
    answer: Answer
    triggers: dict[ShippedLanguage, list[Trigger]] = {}

    @field_validator("triggers")
    @classmethod
    def _few(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        if any(len(phrases) > 20 for phrases in value.values()):
            raise ValueError("at most 20 trigger phrases per language")
        return value


class Content(_Entry):
    programmes: list[ProgrammeEntry] = []
    landscapes: list[LandscapeEntry] = []
    events: list[EventEntry] = []
    faq: list[FaqItem] = []


def _aware(moment: datetime, zone: ZoneInfo) -> datetime:
    return (moment if moment.tzinfo else moment.replace(tzinfo=zone)).astimezone(UTC)
