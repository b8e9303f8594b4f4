"""RSVPs: what each partner said about coming to an event, and who said what."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Partner, PartnerStatus, Rsvp, RsvpAnswer


class Rsvps:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, event_id: int, partner_id: int) -> Rsvp | None:
        return await self._session.get(Rsvp, (event_id, partner_id))

    async def answer(
        self, event_id: int, partner_id: int, answer: RsvpAnswer, now: datetime
    ) -> Rsvp:
        """Store the partner's answer, replacing an earlier one."""
        rsvp = await self.get(event_id, partner_id)
        if rsvp is None:
            rsvp = Rsvp(event_id=event_id, partner_id=partner_id, answer=answer, at=now)
            self._session.add(rsvp)
        else:
            rsvp.answer, rsvp.at = answer, now
        await self._session.flush()
        return rsvp

    async def partners(self, event_id: int, answers: Collection[RsvpAnswer]) -> list[int]:
        """The partners who gave one of `answers` for the event."""
        rows = await self._session.scalars(
            select(Rsvp.partner_id).where(
                Rsvp.event_id == event_id, Rsvp.answer.in_([str(a) for a in answers])
            )
        )
        return list(rows)

    async def answered(self, event_id: int) -> list[tuple[Partner, RsvpAnswer]]:
        """Everyone who answered (except partners since forgotten), by name."""
        rows = await self._session.execute(
            select(Partner, Rsvp.answer)
            .join(Rsvp, Rsvp.partner_id == Partner.id)
            .where(Rsvp.event_id == event_id, Partner.status != PartnerStatus.FORGOTTEN)
            .order_by(func.lower(Partner.name), Partner.id)
        )
        return [(partner, RsvpAnswer(answer)) for partner, answer in rows]
