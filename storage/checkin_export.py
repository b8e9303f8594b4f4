"""Check-ins leaving the bot: export rows and chart series.

An export is one query over check-ins joined to their answers, ordered by check-in id and
streamed in chunks; rows are folded into one row per check-in as they arrive, so a million
check-ins never sit in memory at once. Columns come from the programmes' templates: one per
question key, and one per part ("people.women") for questions with parts, in template order.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Collection, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy import Select, distinct, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from storage.models import (
    Checkin,
    CheckinAnswer,
    CheckinQuestion,
    CheckinTemplate,
    Landscape,
    Localized,
    Partner,
    Programme,
    QuestionKind,
)

Query = TypeVar("Query", bound=Select[*tuple[Any, ...]])
# Answer rows fetched per round trip. Fetching and converting a chunk holds the event loop (and
# aiosqlite's thread the GIL): 2,000 stalled other chats up to 75 ms, 500 under 10 ms, for the
# same total time (benchmarks.export_stall at 100,000 check-ins).
CHUNK_ROWS = 500
Answer = tuple[float | None, str | None]  # (number, text) as stored


@dataclass(frozen=True)
class Selection:
    """Which check-ins: of these programmes (None: every programme), optionally one landscape,
    whose period starts in [start, end)."""

    programme_ids: frozenset[int] | None
    landscape_id: int | None = None
    start: date | None = None
    end: date | None = None


@dataclass(frozen=True)
class Column:
    key: str  # the header: the question key, or "key.part"
    question_key: str
    part: str
    kind: QuestionKind
    text: Localized
    part_label: Localized
    unit: Localized


@dataclass
class ExportRow:
    checkin_id: int
    submitted_at: datetime
    period_start: date
    programme: str
    landscape: str | None
    partner_id: int
    partner_name: str | None
    organisation: str | None
    status: str
    review_comment: str | None
    answers: dict[tuple[str, str], Answer] = field(default_factory=dict)


@dataclass(frozen=True)
class Point:
    landscape: str
    period_start: date
    value: float
    checkins: int  # how many check-ins it summarises


class CheckinExport:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def columns(self, programme_ids: Collection[int] | None) -> list[Column]:
        """Answer columns of these programmes' templates: programmes by slug, questions in
        template order; a key two templates share is one column."""
        query = (
            select(CheckinTemplate)
            .join(Programme, Programme.id == CheckinTemplate.programme_id)
            .options(selectinload(CheckinTemplate.questions))
            .order_by(Programme.slug)
        )
        if programme_ids is not None:
            query = query.where(CheckinTemplate.programme_id.in_(programme_ids))
        columns: dict[str, Column] = {}
        for template in (await self._session.scalars(query)).all():
            for question in template.questions:
                for column in _question_columns(question):
                    columns.setdefault(column.key, column)
        return list(columns.values())

    async def rows(self, selection: Selection) -> AsyncGenerator[ExportRow]:
        """One row per check-in in scope, by id, streamed."""
        query = _filtered(
            select(
                Checkin.id,
                Checkin.submitted_at,
                Checkin.period_start,
                Programme.slug,
                Landscape.slug,
                Checkin.partner_id,
                Partner.name,
                Partner.organisation,
                Checkin.status,
                Checkin.review_comment,
                CheckinAnswer.question_key,
                CheckinAnswer.part,
                CheckinAnswer.number,
                CheckinAnswer.text,
            )
            .join(Programme, Programme.id == Checkin.programme_id)
            .join(Partner, Partner.id == Checkin.partner_id)
            .outerjoin(Landscape, Landscape.id == Checkin.landscape_id)
            .outerjoin(CheckinAnswer, CheckinAnswer.checkin_id == Checkin.id),
            selection,
        ).order_by(Checkin.id)
        # Core rows, not ORM ones: the ORM's per-row bookkeeping would triple the time.
        connection = await self._session.connection()
        result = await connection.stream(query.execution_options(yield_per=CHUNK_ROWS))
        current: ExportRow | None = None
        try:
            async for chunk in result.partitions():
                for record in chunk:
                    if current is None or current.checkin_id != record[0]:
                        if current is not None:
                            yield current
                        current = ExportRow(*record[:10])
                    if record[10] is not None:
                        current.answers[(record[10], record[11])] = (record[12], record[13])
        finally:  # a reader that stops early must not leave the cursor open
            await result.close()
        if current is not None:
            yield current

    async def count(self, selection: Selection) -> int:
        query = _filtered(select(func.count()).select_from(Checkin), selection)
        return int(await self._session.scalar(query) or 0)

    async def series(
        self, selection: Selection, question_key: str, *, average: bool
    ) -> list[Point]:
        """An indicator per landscape and period: the total of its answers (every part
        together), or their mean for percentages."""
        value = func.avg(CheckinAnswer.number) if average else func.sum(CheckinAnswer.number)
        checkins = func.count(distinct(Checkin.id))
        query = (
            _filtered(
                select(Landscape.slug, Checkin.period_start, value, checkins)
                .join(CheckinAnswer, CheckinAnswer.checkin_id == Checkin.id)
                .join(Landscape, Landscape.id == Checkin.landscape_id),
                selection,
            )
            .where(CheckinAnswer.question_key == question_key, CheckinAnswer.number.is_not(None))
            .group_by(Landscape.slug, Checkin.period_start)
            .order_by(Landscape.slug, Checkin.period_start)
        )
        rows = (await self._session.execute(query)).all()
        return [Point(slug, start, float(total), count) for slug, start, total, count in rows]


def _filtered(query: Query, selection: Selection) -> Query:
    if selection.programme_ids is not None:
        query = query.where(Checkin.programme_id.in_(selection.programme_ids))
    if selection.landscape_id is not None:
        query = query.where(Checkin.landscape_id == selection.landscape_id)
    if selection.start is not None:
        query = query.where(Checkin.period_start >= selection.start)
    if selection.end is not None:
        query = query.where(Checkin.period_start < selection.end)
    return query


def _question_columns(question: CheckinQuestion) -> Sequence[Column]:
    kind = QuestionKind(question.kind)
    if not question.parts:
        return [Column(question.key, question.key, "", kind, question.text, {}, question.unit)]
    return [
        Column(
            f"{question.key}.{part['key']}",
            question.key,
            str(part["key"]),
            kind,
            question.text,
            dict(part.get("label") or {}),
            question.unit,
        )
        for part in question.parts
    ]
