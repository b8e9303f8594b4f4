"""Events: the calendar, which events a given partner can see, and whom an event is for."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVarTuple

from sqlalchemy import Select, exists, false, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from storage.models import (
    Event,
    EventLandscape,
    Landscape,
    Partner,
    PartnerLandscape,
    PartnerStatus,
)

Columns = TypeVarTuple("Columns")


@dataclass(frozen=True)
class Viewer:
    """Whose calendar is being read: their landscapes and programmes, and kind of partner.
    Admins (`sees_all`) see every event."""

    landscape_ids: Collection[int]
    programme_ids: Collection[int]
    stakeholder_type: str | None
    sees_all: bool = False
    in_group: bool = False  # a linked group: anyone may read it, so no event for one role only


class Events:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    def _query(self) -> Any:
        return select(Event).options(selectinload(Event.landscapes), selectinload(Event.programme))

    async def get(self, event_id: int) -> Event | None:
        query = self._query().where(Event.id == event_id)
        return (await self._session.scalars(query)).one_or_none()

    async def by_slug(self, slug: str) -> Event | None:
        query = self._query().where(Event.slug == slug)
        return (await self._session.scalars(query)).one_or_none()

    async def revision(self) -> tuple[int, datetime | None]:
        """Changes whenever an event is added, edited or cancelled."""
        row = (
            await self._session.execute(select(func.count(Event.id), func.max(Event.updated_at)))
        ).one()
        return int(row[0]), row[1]

    async def all(self) -> Sequence[Event]:
        return (await self._session.scalars(self._query().order_by(Event.starts_at))).all()

    async def upcoming(
        self, viewer: Viewer, *, now: datetime, offset: int = 0, limit: int = 5
    ) -> Sequence[Event]:
        """Events not yet over and not cancelled that `viewer` may see, soonest first."""
        query = (
            self._query()
            .where(Event.ends_at > now, Event.cancelled_at.is_(None))
            .order_by(Event.starts_at, Event.id)
        )
        if not viewer.sees_all:
            query = query.where(_visible_to(viewer))
        events = (await self._session.scalars(query)).all()
        # Audience is a short JSON list; filtering it here keeps the SQL portable.
        visible = [e for e in events if viewer.sees_all or _in_audience(e, viewer)]
        return visible[offset : offset + limit]

    def visible(self, event: Event, viewer: Viewer) -> bool:
        """The same rule as `upcoming`, for one loaded event."""
        if viewer.sees_all:
            return True
        if event.landscapes:
            in_place = any(landscape.id in viewer.landscape_ids for landscape in event.landscapes)
        else:
            in_place = event.programme_id is None or event.programme_id in viewer.programme_ids
        return in_place and _in_audience(event, viewer)

    async def audience(
        self,
        event: Event,
        *,
        after: int = 0,
        limit: int | None = None,
        excluding: Collection[int] = (),
    ) -> list[int]:
        """The registered, active partners an event is for (its reminders' recipients): in its
        landscapes, else its programme, else anywhere; of its stakeholder types and roles. By
        id: those above `after` and not `excluding`, at most `limit`."""
        query = _audience_of(event, select(Partner.id)).where(Partner.id > after)
        if excluding:
            query = query.where(Partner.id.not_in(sorted(excluding)))
        return list(await self._session.scalars(query.order_by(Partner.id).limit(limit)))

    async def audience_zones(self, event: Event) -> list[str | None]:
        """The time zones of an event's audience, most partners first (None: not chosen)."""
        count = func.count(Partner.id)
        query = _audience_of(event, select(Partner.timezone, count)).group_by(Partner.timezone)
        rows = await self._session.execute(query.order_by(count.desc(), Partner.timezone))
        return [zone for zone, _ in rows]

    async def add(self, event: Event, landscapes: Sequence[Landscape]) -> Event:
        event.landscapes = list(landscapes)
        self._session.add(event)
        await self._session.flush()
        return event

    async def set_landscapes(self, event: Event, landscapes: Sequence[Landscape]) -> None:
        event.landscapes = list(landscapes)
        await self._session.flush()

    async def flush(self) -> None:
        await self._session.flush()


def _visible_to(viewer: Viewer) -> Any:
    has_landscapes = exists().where(EventLandscape.event_id == Event.id)
    in_landscape = (
        exists().where(
            EventLandscape.event_id == Event.id,
            EventLandscape.landscape_id.in_(list(viewer.landscape_ids)),
        )
        if viewer.landscape_ids
        else false()
    )
    programme_wide = ~has_landscapes & (
        Event.programme_id.is_(None)
        | (Event.programme_id.in_(list(viewer.programme_ids)) if viewer.programme_ids else false())
    )
    return or_(programme_wide, in_landscape)


def _in_audience(event: Event, viewer: Viewer) -> bool:
    if viewer.in_group and event.audience_roles:
        return False
    return not event.audience or viewer.stakeholder_type in event.audience


def _audience_of(event: Event, query: Select[*Columns]) -> Select[*Columns]:
    """`query` limited to the partners `event` is for (see EventRepository.audience)."""
    query = query.where(
        Partner.joined_at.is_not(None),
        Partner.status == PartnerStatus.ACTIVE,
        Partner.telegram_id.is_not(None),
    )
    if event.landscapes:
        landscape_ids = [landscape.id for landscape in event.landscapes]
        query = query.where(
            Partner.id.in_(
                select(PartnerLandscape.partner_id).where(
                    PartnerLandscape.landscape_id.in_(landscape_ids)
                )
            )
        )
    elif event.programme_id is not None:
        query = query.where(
            Partner.id.in_(
                select(PartnerLandscape.partner_id)
                .join(Landscape, Landscape.id == PartnerLandscape.landscape_id)
                .where(Landscape.programme_id == event.programme_id)
            )
        )
    if event.audience:
        query = query.where(Partner.stakeholder_type.in_(list(event.audience)))
    if event.audience_roles:
        query = query.where(Partner.role.in_(list(event.audience_roles)))
    return query
