"""Check-ins stored straight through the ORM, for tests of summaries and reviews: a template
with every kind a summary reads (numbers with a unit and with parts, a percentage, yes/no, a
choice, a barrier text), and check-ins with whatever answers a test needs."""

from __future__ import annotations

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
