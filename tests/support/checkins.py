"""Check-in data for tests and benchmarks, in two shapes:

- for summaries and reviews, stored straight through the ORM by id: a template with every kind
  a summary reads (numbers with a unit and with parts, a percentage, yes/no, a choice, a barrier
  text) (`QUESTIONS`, `use_template`) and check-ins with whatever answers a test needs
  (`add_checkin`);
- for exports, charts and the benchmark's bulk loads, through the repositories by slug: a
  seven-question template shaped like FLR monitoring (area, trees, survival, people by gender,
  monitoring, barrier, support needed), optional photo and location questions (`FLR_QUESTIONS`,
  `MEDIA_QUESTIONS`, `add_template`), submitted check-ins (`submit_checkin`) and plain random
  answers (`random_answers`)."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import delete

from storage.database import Database
from storage.models import (
    Cadence,
    Checkin,
    CheckinAnswer,
    CheckinQuestion,
    CheckinStatus,
    CheckinTemplate,
    QuestionKind,
)

CHOICES = ("fire", "grazing", "drought")
QUESTIONS: tuple[dict[str, Any], ...] = (
    {
        "key": "area_ha",
        "kind": QuestionKind.NUMBER,
        "text": {"en": "Area restored", "fr": "Surface restaurée", "ko": "복원 면적"},
        "unit": {"en": "ha", "fr": "ha", "ko": "ha"},
    },
    {
        "key": "people",
        "kind": QuestionKind.NUMBER,
        "text": {"en": "People engaged", "fr": "Personnes mobilisées"},
        "unit": {"en": "people", "fr": "personnes"},
        "integer": True,
        "parts": [
            {"key": "women", "label": {"en": "Women", "fr": "Femmes"}},
            {"key": "men", "label": {"en": "Men", "fr": "Hommes"}},
        ],
    },
    {
        "key": "survival_pct",
        "kind": QuestionKind.PERCENTAGE,
        "text": {"en": "Seedling survival", "fr": "Survie des plants"},
    },
    {
        "key": "monitoring",
        "kind": QuestionKind.YES_NO,
        "text": {"en": "Monitoring in place", "fr": "Suivi en place"},
    },
    {
        "key": "threat",
        "kind": QuestionKind.CHOICE,
        "text": {"en": "Main threat", "fr": "Menace principale"},
        "choices": [
            {"key": key, "label": {"en": key.capitalize(), "fr": key.upper()}} for key in CHOICES
        ],
    },
    {
        "key": "barriers",
        "kind": QuestionKind.TEXT,
        "text": {"en": "What got in the way", "fr": "Ce qui a freiné"},
        "barrier": True,
        "required": False,
    },
)
Answer = float | str | Mapping[str, float]  # a number, a text, or numbers by part


async def use_template(
    db: Database,
    programme_id: int,
    *,
    cadence: Cadence = Cadence.MONTHLY,
    questions: Sequence[Mapping[str, Any]] = QUESTIONS,
) -> None:
    """Give the programme this template, replacing any it had (the example content's)."""
    async with db.unit_of_work() as uow:
        await uow.session.execute(
            delete(CheckinTemplate).where(CheckinTemplate.programme_id == programme_id)
        )
        uow.session.add(
            CheckinTemplate(
                programme_id=programme_id,
                cadence=cadence,
                questions=[
                    CheckinQuestion(position=n, **dict(fields))
                    for n, fields in enumerate(questions)
                ],
            )
        )


async def add_checkin(
    db: Database,
    partner_id: int,
    programme_id: int,
    period_start: date,
    answers: Mapping[str, Answer],
    *,
    landscape_id: int | None = None,
    submitted_at: datetime | None = None,
    status: CheckinStatus = CheckinStatus.SUBMITTED,
) -> int:
    """A check-in with these answers; returns its id."""
    async with db.unit_of_work() as uow:
        checkin = Checkin(
            partner_id=partner_id,
            programme_id=programme_id,
            landscape_id=landscape_id,
            period_start=period_start,
            submitted_at=submitted_at or datetime.combine(period_start, datetime.min.time(), UTC),
            status=status,
            answers=[
                CheckinAnswer(question_key=key, part=part, number=number, text=text)
                for key, value in answers.items()
                for part, number, text in answer_rows(value)
            ],
        )
        uow.session.add(checkin)
        await uow.session.flush()
        return checkin.id


def answer_rows(value: Answer) -> list[tuple[str, float | None, str | None]]:
    """(part, number, text) rows as stored for one answer."""
    if isinstance(value, Mapping):
        return [(part, float(number), None) for part, number in value.items()]
    if isinstance(value, str):
        return [("", None, value)]
    return [("", float(value), None)]


BARRIERS = ("none", "fire", "grazing", "drought", "tenure")
FLR_QUESTIONS: tuple[dict[str, Any], ...] = (
    {
        "key": "area_ha",
        "kind": QuestionKind.NUMBER,
        "text": {
            "en": "Area brought under restoration",
            "ko": "복원된 면적",
            "km": "ផ្ទៃដីដែលបានស្ដារ",
            "fr": "Surface mise en restauration",
        },
        "unit": {"en": "ha", "ko": "ha"},
    },
    {
        "key": "trees_planted",
        "kind": QuestionKind.NUMBER,
        "text": {
            "en": "Trees planted",
            "ko": "심은 나무",
            "km": "ដើមឈើដែលបានដាំ",
            "fr": "Arbres plantés",
            "ar": "الأشجار المزروعة",
        },
        "integer": True,
    },
    {
        "key": "survival_pct",
        "kind": QuestionKind.PERCENTAGE,
        "text": {"en": "Seedling survival", "ko": "묘목 생존율"},
    },
    {
        "key": "people",
        "kind": QuestionKind.NUMBER,
        "text": {"en": "People engaged", "ko": "참여한 사람"},
        "integer": True,
        "parts": [
            {"key": "women", "label": {"en": "women", "ko": "여성"}},
            {"key": "men", "label": {"en": "men", "ko": "남성"}},
        ],
    },
    {
        "key": "monitoring",
        "kind": QuestionKind.YES_NO,
        "text": {"en": "Is monitoring in place?"},
    },
    {
        "key": "barrier",
        "kind": QuestionKind.CHOICE,
        "text": {"en": "Main barrier seen"},
        "choices": [{"key": key, "label": {"en": key}} for key in BARRIERS],
    },
    {
        "key": "support_needed",
        "kind": QuestionKind.TEXT,
        "text": {"en": "Support needed"},
        "required": False,
        "max_length": 500,
        "barrier": True,  # an answer is an open barrier until a coordinator reviews it
    },
)
MEDIA_QUESTIONS: tuple[dict[str, Any], ...] = (
    {"key": "site_photo", "kind": QuestionKind.PHOTO, "text": {"en": "Photo of a reference plot"}},
    {"key": "site_pin", "kind": QuestionKind.LOCATION, "text": {"en": "Where is the plot?"}},
)


async def add_template(
    db: Database, programme: str = "flrm", questions: Sequence[dict[str, Any]] = FLR_QUESTIONS
) -> int:
    """Give a programme this template (replacing any it had); returns the template id."""
    async with db.unit_of_work() as uow:
        owner = await uow.programmes.by_slug(programme)
        assert owner is not None
        # A kept question keeps the fields not given: its example short label goes unless set.
        fields = [{"short": {}, **question} for question in questions]
        template = await uow.checkins.replace_template(
            owner.id, cadence=Cadence.MONTHLY, weekday=0, hour=9, window_days=7, questions=fields
        )
        return template.id


async def submit_checkin(
    db: Database,
    partner_id: int,
    period_start: date,
    answers: Mapping[str, Answer],
    *,
    programme: str = "flrm",
    landscape: str | None = "flrm-cambodia",
    submitted_at: datetime | None = None,
    status: CheckinStatus = CheckinStatus.SUBMITTED,
    review_comment: str | None = None,
) -> int:
    """A submitted check-in with these answers; returns its id."""
    async with db.unit_of_work() as uow:
        owner = await uow.programmes.by_slug(programme)
        place = await uow.places.landscape_by_slug(landscape) if landscape else None
        assert owner is not None
        checkin, _ = await uow.checkins.submit(
            partner_id=partner_id,
            programme_id=owner.id,
            landscape_id=place.id if place else None,
            period_start=period_start,
            answers=[],
            at=submitted_at or datetime(2026, 3, 5, 8, 30, tzinfo=UTC),
        )
        checkin.status, checkin.review_comment = status, review_comment
        uow.session.add_all(
            CheckinAnswer(checkin_id=checkin.id, question_key=key, part=part, number=n, text=t)
            for key, value in answers.items()
            for part, n, t in answer_rows(value)
        )
        return checkin.id


def random_answers(rng: random.Random) -> list[tuple[str, str, float | None, str | None]]:
    """Plausible answers to FLR_QUESTIONS as (question key, part, number, text) rows."""
    rows: list[tuple[str, str, float | None, str | None]] = [
        ("area_ha", "", round(rng.uniform(0, 40), 1), None),
        ("trees_planted", "", float(rng.randrange(0, 5000)), None),
        ("survival_pct", "", float(rng.randrange(40, 101)), None),
        ("people", "women", float(rng.randrange(0, 60)), None),
        ("people", "men", float(rng.randrange(0, 60)), None),
        ("monitoring", "", float(rng.random() < 0.7), None),
        ("barrier", "", None, rng.choice(BARRIERS)),
    ]
    if rng.random() < 0.2:
        rows.append(("support_needed", "", None, "Seedlings for the dry season, please."))
    return rows
