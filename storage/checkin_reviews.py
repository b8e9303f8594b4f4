"""Reviewing check-ins: those waiting for a coordinator, and the review itself (reviewed, or
flagged with a comment the partner is sent)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Checkin, CheckinStatus, Landscape, Partner


@dataclass(frozen=True)
class Waiting:
    """A check-in in the review list."""

    checkin_id: int
    programme_id: int
    period_start: date
    submitted_at: datetime
    status: CheckinStatus
    partner_name: str | None
    landscape_name: str | None


class CheckinReviews:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def waiting(
        self, programme_ids: Collection[int] | None, *, offset: int = 0, limit: int = 10
    ) -> list[Waiting]:
        """Check-ins not marked reviewed (flagged ones too) of these programmes (None: all),
        newest first."""
        query = (
            select(
                Checkin.id,
                Checkin.programme_id,
                Checkin.period_start,
                Checkin.submitted_at,
                Checkin.status,
                Partner.name,
                Landscape.name,
            )
            .join(Partner, Partner.id == Checkin.partner_id)
            .outerjoin(Landscape, Landscape.id == Checkin.landscape_id)
            .where(Checkin.status != CheckinStatus.REVIEWED)
            .order_by(Checkin.submitted_at.desc(), Checkin.id.desc())
            .offset(offset)
            .limit(limit)
        )
        if programme_ids is not None:
            query = query.where(Checkin.programme_id.in_(sorted(programme_ids)))
        rows = (await self._session.execute(query)).all()
        return [
            Waiting(id_, programme, start, at, CheckinStatus(status), name, place)
            for id_, programme, start, at, status, name, place in rows
        ]

    async def mark(
        self,
        checkin: Checkin,
        status: CheckinStatus,
        *,
        by: Partner,
        at: datetime,
        comment: str | None = None,
    ) -> None:
        checkin.status = status
        checkin.reviewed_by = by.id
        checkin.reviewed_at = at
        checkin.review_comment = comment
        await self._session.flush()
