"""Questions nothing could answer, for coordinators to review and turn into FAQ entries."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import FaqEntry, Partner, Question

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

    async def get(self, question_id: int) -> Question | None:
        return await self._session.get(Question, question_id)

    async def open(self, *, offset: int = 0, limit: int = 10) -> Sequence[Question]:
        """Not yet answered or dismissed, newest first."""
        query = (
            select(Question)
            .where(Question.answered_by.is_(None), Question.dismissed_at.is_(None))
            .order_by(Question.asked_at.desc(), Question.id.desc())
            .offset(offset)
            .limit(limit)
        )
        return (await self._session.scalars(query)).all()

    async def answer(self, question: Question, entry: FaqEntry) -> None:
        """Mark this question and every open one with the same text as answered by `entry`."""
        await self._session.execute(
            update(Question)
            .where(
                Question.text == question.text,
                Question.answered_by.is_(None),
                Question.dismissed_at.is_(None),
            )
            .values(answered_by=entry.id)
        )

    async def dismiss(self, question: Question, at: datetime) -> None:
        question.dismissed_at = at
        await self._session.flush()
