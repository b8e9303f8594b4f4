"""The content file's shape, validated entry by entry: `[[programmes]]`, `[[landscapes]]`,
`[[events]]`, `[[faq]]` and `[[checkin_templates]]`.

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

from bot.checkins.answers import SHORT_MAX
from bot.settings import IanaZone, ShippedLanguage
from storage.models import Cadence, QuestionKind, StakeholderType

SLUG = r"^[a-z0-9][a-z0-9-]{0,39}$"
Slug = Annotated[str, Field(pattern=SLUG)]


DEFAULT = ""  # key of a text given as a plain string: the entry's default language


def _as_table(value: object) -> object:
    return {DEFAULT: value} if isinstance(value, str) else value


def _as_lists(value: object) -> object:
    """Several texts per language: a plain list is in the entry's default language."""
    return {DEFAULT: value} if isinstance(value, list) else value


Language = ShippedLanguage | Literal[""]
Text40 = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=SHORT_MAX)
]
Text100 = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Text200 = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Text1000 = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)]
Text2000 = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
Text3000 = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=3000)]
Label = Annotated[dict[Language, Text40], BeforeValidator(_as_table)]
Short = Annotated[dict[Language, Text100], BeforeValidator(_as_table)]
Name = Annotated[dict[Language, Text200], BeforeValidator(_as_table)]
Paragraph = Annotated[dict[Language, Text1000], BeforeValidator(_as_table)]
Status = Annotated[dict[Language, Text2000], BeforeValidator(_as_table)]
Answer = Annotated[dict[Language, Text3000], BeforeValidator(_as_table)]
Trigger = Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=100)]
# Another name of a programme; shorter ones would turn up inside ordinary words.
Alias = Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=100)]
MAX_ALIASES = 10  # per language
Aliases = Annotated[
    dict[Language, Annotated[list[Alias], Field(max_length=MAX_ALIASES)]],
    BeforeValidator(_as_lists),
]


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
    aliases: Aliases = {}  # other names partners use: { en = ["the Mechanism"] }
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


WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
Weekday = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
# Answers and export columns are keyed by these, so they are short, stable identifiers.
Key = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")]
QUESTIONS = (3, 7)  # a check-in a partner finishes on a phone in a few minutes
MAX_CHOICES = 8
MAX_PARTS = 6
TEXT_LIMIT = 3000
_NUMERIC = {QuestionKind.NUMBER, QuestionKind.PERCENTAGE}


class LabelledKey(_Entry):
    """A choice of a choice question, or a part of a number question (women / men)."""

    key: Key
    label: Short


class QuestionEntry(_Entry):
    key: Key
    kind: QuestionKind
    text: Name
    short: Label = {}  # the indicator in a few words, for summaries and buttons
    required: bool = True
    unit: Short = {}
    min: float | None = None
    max: float | None = None
    integer: bool = False
    choices: list[LabelledKey] = Field(default=[], max_length=MAX_CHOICES)
    parts: list[LabelledKey] = Field(default=[], max_length=MAX_PARTS)
    max_length: int | None = Field(default=None, ge=1, le=TEXT_LIMIT)
    barrier: bool = False

    @model_validator(mode="after")
    def _check(self) -> QuestionEntry:
        kind = self.kind
        if kind not in _NUMERIC and (self.min is not None or self.max is not None):
            raise ValueError("min, max: only number and percentage questions have a range")
        if self.min is not None and self.max is not None and self.min >= self.max:
            raise ValueError("max: must be more than min")
        if kind == QuestionKind.PERCENTAGE and any(
            bound is not None and not 0 <= bound <= 100 for bound in (self.min, self.max)
        ):
            raise ValueError("min, max: a percentage stays between 0 and 100")
        if kind != QuestionKind.NUMBER and (self.unit or self.integer or self.parts):
            raise ValueError("unit, integer, parts: only number questions have them")
        if kind == QuestionKind.CHOICE and len(self.choices) < 2:
            raise ValueError("choices: a choice question needs at least 2 choices")
        if kind != QuestionKind.CHOICE and self.choices:
            raise ValueError("choices: only choice questions have choices")
        if self.parts and len(self.parts) < 2:
            raise ValueError("parts: give at least 2 parts, or none")
        for name, items in (("choices", self.choices), ("parts", self.parts)):
            keys = [item.key for item in items]
            if len(set(keys)) != len(keys):
                raise ValueError(f"{name}: keys must be unique")
        if kind != QuestionKind.TEXT and self.max_length is not None:
            raise ValueError("max_length: only text questions have it")
        if self.barrier and kind not in (QuestionKind.TEXT, QuestionKind.CHOICE):
            raise ValueError("barrier: only text and choice answers can be barriers")
        return self


class CheckinTemplateEntry(_Entry):
    programme: str
    cadence: Cadence = Cadence.MONTHLY
    weekday: Weekday = "monday"
    hour: int = Field(default=9, ge=0, le=23)  # in each partner's own time zone
    window_days: int = Field(default=7, ge=1, le=28)
    questions: list[QuestionEntry]

    @field_validator("questions")
    @classmethod
    def _few(cls, value: list[QuestionEntry]) -> list[QuestionEntry]:
        low, high = QUESTIONS
        if not low <= len(value) <= high:
            raise ValueError(f"a check-in has {low} to {high} questions, not {len(value)}")
        keys = [question.key for question in value]
        repeated = sorted({key for key in keys if keys.count(key) > 1})
        if repeated:
            raise ValueError(f"question keys must be unique: {', '.join(repeated)} repeated")
        return value

    @model_validator(mode="after")
    def _check(self) -> CheckinTemplateEntry:
        if self.cadence == Cadence.WEEKLY and self.window_days > 7:
            raise ValueError("window_days: a weekly check-in is due within 7 days at most")
        return self


class Content(_Entry):
    programmes: list[ProgrammeEntry] = []
    landscapes: list[LandscapeEntry] = []
    events: list[EventEntry] = []
    faq: list[FaqItem] = []
    checkin_templates: list[CheckinTemplateEntry] = []


def _aware(moment: datetime, zone: ZoneInfo) -> datetime:
    return (moment if moment.tzinfo else moment.replace(tzinfo=zone)).astimezone(UTC)
