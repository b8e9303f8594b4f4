"""Check-in summaries, computed by the database: totals and averages per indicator, choice
counts, who was expected to report and who did, and the open barriers.

A check-in belongs to a range when its period starts in it. Expected are (partner, programme)
pairs: registered, active partners with the partner role and not funders, working in a
landscape in scope of a programme that has a check-in template, joined before the range ends
and not away during it (`away_until` on or after its first day) — unless they reported anyway,
so the response rate never passes 100 %. Check-ins of anyone else (a partner since forgotten,
a coordinator) still count in the totals.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import case, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from storage import checkin_queries as queries
from storage.checkin_queries import Scope
from storage.models import (
    Checkin,
    CheckinAnswer,
    CheckinQuestion,
    CheckinStatus,
    CheckinTemplate,
    Landscape,
    Partner,
    Programme,
    QuestionKind,
)

__all__ = [
    "CheckinStats",
    "ChoiceCount",
    "Indicator",
    "MissingPartner",
    "OpenBarrier",
    "Scope",
    "Summary",
]

Key = tuple[int, str, str]  # (programme id, question key, part)


@dataclass(frozen=True)
class Indicator:
    programme_id: int
    question_key: str
    part: str
    answers: int  # how many numeric answers
    total: float
    average: float


@dataclass(frozen=True)
class ChoiceCount:
    programme_id: int
    question_key: str
    choice: str
    answers: int


@dataclass(frozen=True)
class MissingPartner:
    partner_id: int
    programme_id: int
    name: str | None
    organisation: str | None


@dataclass(frozen=True)
class OpenBarrier:
    checkin_id: int
    programme_id: int
    partner_name: str | None
    landscape_name: str | None
    question_key: str
    part: str
    number: float | None
    text: str | None
    submitted_at: datetime
    status: CheckinStatus


@dataclass(frozen=True)
class Summary:
    scope: Scope
    start: date
    end: date  # exclusive
    checkins: dict[int, int]  # programme id → check-ins in the range
    expected: int
    responded: int
    indicators: dict[Key, Indicator]
    choices: tuple[ChoiceCount, ...]
    barrier_count: int
    missing: tuple[MissingPartner, ...] = ()  # empty for an anonymised summary
    barriers: tuple[OpenBarrier, ...] = ()  # likewise
    previous: dict[Key, Indicator] = field(default_factory=dict)

    @property
    def missing_count(self) -> int:
        return self.expected - self.responded

    @property
    def response_rate(self) -> float | None:
        return self.responded / self.expected if self.expected else None


class CheckinStats:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def summary(
        self,
        scope: Scope,
        start: date,
        end: date,
        *,
        previous: tuple[date, date] | None = None,
        named: bool = True,
        limit: int = 20,
    ) -> Summary:
        """The summary of check-ins whose period starts in [start, end). `named=False` leaves
        out everything that names someone (who is missing, the barriers' texts); `limit` caps
        those two lists. `previous` adds the indicators of another range, to compare."""
        asked = scope
        if scope.programme_ids is None:  # every programme, named: the indexes lead with it
            ids = await self._session.scalars(select(Programme.id))
            scope = Scope(frozenset(ids), scope.landscape_id)
        expected, responded = await self.response(scope, start, end)
        return Summary(
            scope=asked,
            start=start,
            end=end,
            checkins=await self._checkin_counts(scope, start, end),
            expected=expected,
            responded=responded,
            indicators=await self.indicators(scope, start, end),
            choices=await self._choices(scope, start, end),
            barrier_count=await self._barrier_count(scope, start, end),
            missing=await self._missing(scope, start, end, limit) if named else (),
            barriers=await self._barriers(scope, start, end, limit) if named else (),
            previous=await self.indicators(scope, *previous) if previous else {},
        )

    async def templates(self, programme_ids: Collection[int]) -> dict[int, CheckinTemplate]:
        query = (
            select(CheckinTemplate)
            .where(CheckinTemplate.programme_id.in_(list(programme_ids)))
            .options(selectinload(CheckinTemplate.questions))
        )
        return {t.programme_id: t for t in await self._session.scalars(query)}

    async def indicators(self, scope: Scope, start: date, end: date) -> dict[Key, Indicator]:
        """SUM, AVG and COUNT of numeric answers per programme, question and part."""
        answer = CheckinAnswer
        query = (
            select(
                Checkin.programme_id,
                answer.question_key,
                answer.part,
                func.count(answer.number),
                func.sum(answer.number),
                func.avg(answer.number),
            )
            .join(Checkin, Checkin.id == answer.checkin_id)
            .where(*queries.checkins_in(scope, start, end), answer.number.is_not(None))
            .group_by(Checkin.programme_id, answer.question_key, answer.part)
        )
        rows = (await self._session.execute(query)).all()
        return {
            (programme, key, part): Indicator(programme, key, part, n, float(total), float(mean))
            for programme, key, part, n, total, mean in rows
        }

    async def _checkin_counts(self, scope: Scope, start: date, end: date) -> dict[int, int]:
        query = (
            select(Checkin.programme_id, func.count())
            .where(*queries.checkins_in(scope, start, end))
            .group_by(Checkin.programme_id)
        )
        return dict((await self._session.execute(query)).all())

    async def _choices(self, scope: Scope, start: date, end: date) -> tuple[ChoiceCount, ...]:
        answer = CheckinAnswer
        query = (
            queries.with_questions(
                select(Checkin.programme_id, answer.question_key, answer.text, func.count())
            )
            .where(
                *queries.checkins_in(scope, start, end),
                CheckinQuestion.kind == QuestionKind.CHOICE,
                answer.text.is_not(None),
            )
            .group_by(Checkin.programme_id, answer.question_key, answer.text)
            .order_by(Checkin.programme_id, answer.question_key, func.count().desc(), answer.text)
        )
        rows = (await self._session.execute(query)).all()
        return tuple(ChoiceCount(p, key, str(text), n) for p, key, text, n in rows)

    async def response(self, scope: Scope, start: date, end: date) -> tuple[int, int]:
        """(partners expected to report for periods starting in [start, end), those who did)."""
        pairs, reported, away, eligible = queries.expectation(scope, start, end)
        query = (
            select(func.count(), func.coalesce(func.sum(case((reported, 1), else_=0)), 0))
            .select_from(pairs)
            .join(Partner, Partner.id == pairs.c.partner_id)
            .where(*eligible, or_(~away, reported))
        )
        expected, responded = (await self._session.execute(query)).one()
        return int(expected), int(responded)

    async def _missing(
        self, scope: Scope, start: date, end: date, limit: int
    ) -> tuple[MissingPartner, ...]:
        pairs, reported, away, eligible = queries.expectation(scope, start, end)
        query = (
            select(pairs.c.partner_id, pairs.c.programme_id, Partner.name, Partner.organisation)
            .select_from(pairs)
            .join(Partner, Partner.id == pairs.c.partner_id)
            .where(*eligible, ~away, ~reported)
            .order_by(func.lower(Partner.name), Partner.id, pairs.c.programme_id)
            .limit(limit)
        )
        rows = (await self._session.execute(query)).all()
        return tuple(MissingPartner(*row) for row in rows)

    async def _barrier_count(self, scope: Scope, start: date, end: date) -> int:
        query = queries.open_barriers(select(func.count()), scope, start, end)
        return int(await self._session.scalar(query) or 0)

    async def _barriers(
        self, scope: Scope, start: date, end: date, limit: int
    ) -> tuple[OpenBarrier, ...]:
        answer = CheckinAnswer
        columns = select(
            Checkin.id,
            Checkin.programme_id,
            Partner.name,
            Landscape.name,
            answer.question_key,
            answer.part,
            answer.number,
            answer.text,
            Checkin.submitted_at,
            Checkin.status,
        )
        query = (
            queries.open_barriers(columns, scope, start, end)
            .join(Partner, Partner.id == Checkin.partner_id)
            .outerjoin(Landscape, Landscape.id == Checkin.landscape_id)
            .order_by(
                Checkin.submitted_at.desc(), Checkin.id.desc(), answer.question_key, answer.part
            )
            .limit(limit)
        )
        rows = (await self._session.execute(query)).all()
        return tuple(
            OpenBarrier(
                id_, programme, name, place, key, part, number, text, at, CheckinStatus(status)
            )
            for id_, programme, name, place, key, part, number, text, at, status in rows
        )
