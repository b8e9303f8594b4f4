"""Questions nothing could answer, for coordinators to review and turn into FAQ entries."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import FaqEntry, Landscape, Partner, PartnerLandscape, Question

QUESTION_LIMIT = 500  # characters kept of a question


class Questions:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def record(self, partner: Partner | None, language: str, text: str) -> Question:
        question = Question(
            partner_id=partner.id if partner else None,
            language=language,
            text=text[:QUESTION_LIMIT],
        )
        self._session.add(question)
        await self._session.flush()
        return question

    async def get(
        self, question_id: int, programme_ids: Collection[int] | None = None
    ) -> Question | None:
        """One question, if asked within these programmes (None: anywhere)."""
        query = select(Question).where(Question.id == question_id, *_asked_in(programme_ids))
        return (await self._session.scalars(query)).one_or_none()

    async def open(
        self, programme_ids: Collection[int] | None = None, *, offset: int = 0, limit: int = 10
    ) -> Sequence[Question]:
        """Not yet answered or dismissed, asked within these programmes (None: anywhere), newest
        first."""
        query = (
            select(Question)
            .where(
                Question.answered_by.is_(None),
                Question.dismissed_at.is_(None),
                *_asked_in(programme_ids),
            )
            .order_by(Question.asked_at.desc(), Question.id.desc())
            .offset(offset)
            .limit(limit)
        )
        return (await self._session.scalars(query)).all()

    async def answer(self, questions: Collection[int], entry: FaqEntry) -> None:
        """Mark these questions, and every open one worded like one of them, answered by
        `entry`."""
        texts = select(Question.text).where(Question.id.in_(list(questions)))
        await self._session.execute(
            update(Question)
            .where(
                or_(Question.id.in_(list(questions)), Question.text.in_(texts)),
                Question.answered_by.is_(None),
                Question.dismissed_at.is_(None),
            )
            .values(answered_by=entry.id)
        )

    async def dismiss(self, questions: Collection[int], at: datetime) -> None:
        await self._session.execute(
            update(Question)
            .where(Question.id.in_(list(questions)), Question.dismissed_at.is_(None))
            .values(dismissed_at=at)
        )


def _asked_in(programme_ids: Collection[int] | None) -> list[ColumnElement[bool]]:
    """Questions from partners working in these programmes: what their coordinators see."""
    if programme_ids is None:
        return []
    askers = (
        select(PartnerLandscape.partner_id)
        .join(Landscape, Landscape.id == PartnerLandscape.landscape_id)
        .where(Landscape.programme_id.in_(list(programme_ids)))
    )
    return [Question.partner_id.in_(askers)]
