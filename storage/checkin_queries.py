"""Query fragments the check-in summaries share: which check-ins a scope and range select,
answers joined to the questions they answer, open barriers, and who is expected to report."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, or_, select

from storage.models import (
    Checkin,
    CheckinAnswer,
    CheckinQuestion,
    CheckinStatus,
    CheckinTemplate,
    Landscape,
    Partner,
    PartnerLandscape,
    PartnerStatus,
    Role,
    StakeholderType,
)


@dataclass(frozen=True)
class Scope:
    programme_ids: frozenset[int] | None = None  # None: every programme
    landscape_id: int | None = None


def checkins_in(scope: Scope, start: date, end: date) -> list[ColumnElement[bool]]:
    """Index-friendly: (programme_id | landscape_id, period_start) range scans."""
    conditions = [Checkin.period_start >= start, Checkin.period_start < end]
    if scope.programme_ids is not None:
        conditions.append(Checkin.programme_id.in_(sorted(scope.programme_ids)))
    if scope.landscape_id is not None:
        conditions.append(Checkin.landscape_id == scope.landscape_id)
    return conditions


def with_questions(query: Any) -> Any:
    """Answers joined to their check-in and to the question they answer in its template."""
    return (
        query.select_from(CheckinAnswer)
        .join(Checkin, Checkin.id == CheckinAnswer.checkin_id)
        .join(CheckinTemplate, CheckinTemplate.programme_id == Checkin.programme_id)
        .join(
            CheckinQuestion,
            and_(
                CheckinQuestion.template_id == CheckinTemplate.id,
                CheckinQuestion.key == CheckinAnswer.question_key,
            ),
        )
    )


def open_barriers(query: Any, scope: Scope, start: date, end: date) -> Any:
    """Answers to barrier questions, in check-ins nobody has marked reviewed yet."""
    answer = CheckinAnswer
    said = or_(
        and_(answer.text.is_not(None), answer.text != ""),
        and_(answer.number.is_not(None), answer.number != 0),
    )
    return with_questions(query).where(
        *checkins_in(scope, start, end),
        CheckinQuestion.barrier.is_(True),
        Checkin.status != CheckinStatus.REVIEWED,
        said,
    )


def expectation(scope: Scope, start: date, end: date) -> tuple[Any, Any, Any, list[Any]]:
    """(partner, programme) pairs in scope, and the conditions on them: reported, away, and
    eligible to be expected at all (to apply on the joined Partner row)."""
    has_template = exists().where(CheckinTemplate.programme_id == Landscape.programme_id)
    pairs_query = (
        select(PartnerLandscape.partner_id, Landscape.programme_id)
        .join(Landscape, Landscape.id == PartnerLandscape.landscape_id)
        .where(has_template)
        .distinct()
    )
    if scope.programme_ids is not None:
        pairs_query = pairs_query.where(Landscape.programme_id.in_(sorted(scope.programme_ids)))
    if scope.landscape_id is not None:
        pairs_query = pairs_query.where(Landscape.id == scope.landscape_id)
    pairs = pairs_query.subquery()
    # The unique (partner, programme, period_start) index answers this per pair.
    reported = exists().where(
        Checkin.partner_id == pairs.c.partner_id,
        Checkin.programme_id == pairs.c.programme_id,
        Checkin.period_start >= start,
        Checkin.period_start < end,
    )
    away = and_(Partner.away_until.is_not(None), Partner.away_until >= start)
    eligible = [
        Partner.joined_at.is_not(None),
        Partner.joined_at < datetime.combine(end, time(), UTC),
        Partner.status == PartnerStatus.ACTIVE,
        Partner.role == Role.PARTNER,
        or_(Partner.stakeholder_type.is_(None), Partner.stakeholder_type != StakeholderType.FUNDER),
    ]
    return pairs, reported, away, eligible
