"""Check-ins: each programme's template (questions eager-loaded) and what partners submitted.

There is one check-in per partner, programme and period: submitting again replaces the answers
(an upsert on that key, so a double tap or two replicas can never store two).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from storage.models import (
    Cadence,
    Checkin,
    CheckinAnswer,
    CheckinQuestion,
    CheckinStatus,
    CheckinTemplate,
)
from storage.upserts import insert


@dataclass(frozen=True)
class AnswerValue:
    """One stored answer: a number (numbers, percentages, yes/no as 1/0) or a text (a choice's
    key, free text, a photo's file id, "lat,lon")."""

    question_key: str
    part: str
    number: float | None = None
    text: str | None = None


class Checkins:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    # -- templates --------------------------------------------------------------------------

    async def template_for(self, programme_id: int) -> CheckinTemplate | None:
        query = (
            select(CheckinTemplate)
            .where(CheckinTemplate.programme_id == programme_id)
            .options(selectinload(CheckinTemplate.questions))
        )
        return (await self._session.scalars(query)).one_or_none()

    async def templates(self) -> Sequence[CheckinTemplate]:
        query = (
            select(CheckinTemplate)
            .options(selectinload(CheckinTemplate.questions))
            .order_by(CheckinTemplate.programme_id)
        )
        return (await self._session.scalars(query)).all()

    async def replace_template(
        self,
        programme_id: int,
        *,
        cadence: Cadence,
        weekday: int,
        hour: int,
        window_days: int,
        questions: Sequence[dict[str, Any]],
    ) -> CheckinTemplate:
        """Create or replace a programme's template. Questions are matched by key, so a kept
        question keeps its row (answers are keyed by question key and keep their history)."""
        template = await self.template_for(programme_id)
        if template is None:
            template = CheckinTemplate(programme_id=programme_id, questions=[])
            self._session.add(template)
        template.cadence = cadence
        template.weekday = weekday
        template.hour = hour
        template.window_days = window_days
        existing = {question.key: question for question in template.questions}
        rows = []
        for position, fields in enumerate(questions):
            row = existing.pop(fields["key"], None) or CheckinQuestion()
            for name, value in fields.items():
                setattr(row, name, value)
            row.position = position
            rows.append(row)
        # Questions no longer in the file are orphans now, deleted on flush; none of them shares
        # a key with a kept or new row, so the (template, key) constraint holds throughout.
        template.questions = rows
        await self._session.flush()
        return template

    # -- check-ins --------------------------------------------------------------------------

    async def has_checkin(self, partner_id: int, programme_id: int, period_start: date) -> bool:
        return await self._existing_id(partner_id, programme_id, period_start) is not None

    async def submit(
        self,
        *,
        partner_id: int,
        programme_id: int,
        landscape_id: int | None,
        period_start: date,
        answers: Sequence[AnswerValue],
        at: datetime,
    ) -> tuple[Checkin, bool]:
        """Store the check-in for the period; a repeat replaces its answers and its review.
        Returns the check-in and whether it replaced an earlier one."""
        replaced = await self.has_checkin(partner_id, programme_id, period_start)
        fresh = {
            "landscape_id": landscape_id,
            "submitted_at": at,
            "status": CheckinStatus.SUBMITTED,
            "review_comment": None,
            "reviewed_by": None,
            "reviewed_at": None,
        }
        statement = (
            insert(self._session, Checkin)
            .values(
                partner_id=partner_id, programme_id=programme_id, period_start=period_start, **fresh
            )
            .on_conflict_do_update(
                index_elements=["partner_id", "programme_id", "period_start"], set_=fresh
            )
            .returning(Checkin.id)
        )
        checkin_id = int((await self._session.execute(statement)).scalar_one())
        await self._session.execute(
            delete(CheckinAnswer).where(CheckinAnswer.checkin_id == checkin_id)
        )
        self._session.add_all(
            CheckinAnswer(
                checkin_id=checkin_id,
                question_key=answer.question_key,
                part=answer.part,
                number=answer.number,
                text=answer.text,
            )
            for answer in answers
        )
        await self._session.flush()
        checkin = await self.get(checkin_id)
        assert checkin is not None
        return checkin, replaced

    async def get(self, checkin_id: int) -> Checkin | None:
        query = (
            select(Checkin)
            .where(Checkin.id == checkin_id)
            .options(selectinload(Checkin.answers))
            .execution_options(populate_existing=True)  # the upsert bypassed the identity map
        )
        return (await self._session.scalars(query)).one_or_none()

    async def recent_for(self, partner_id: int, limit: int = 5) -> Sequence[Checkin]:
        """A partner's own latest check-ins, newest period first, answers loaded."""
        query = (
            select(Checkin)
            .where(Checkin.partner_id == partner_id)
            .options(selectinload(Checkin.answers))
            .order_by(Checkin.period_start.desc(), Checkin.id.desc())
            .limit(limit)
        )
        return (await self._session.scalars(query)).all()

    async def _existing_id(
        self, partner_id: int, programme_id: int, period_start: date
    ) -> int | None:
        query = select(Checkin.id).where(
            Checkin.partner_id == partner_id,
            Checkin.programme_id == programme_id,
            Checkin.period_start == period_start,
        )
        return await self._session.scalar(query)
