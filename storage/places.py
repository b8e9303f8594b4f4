"""Landscapes: where partners work."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from storage.models import Landscape, Programme


class Places:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def landscapes(self) -> Sequence[Landscape]:
        query = (
            select(Landscape)
            .options(selectinload(Landscape.programme))
            .order_by(Landscape.programme_id, Landscape.name)
        )
        return (await self._session.scalars(query)).all()

    async def landscapes_by_ids(self, ids: Sequence[int]) -> Sequence[Landscape]:
        if not ids:
            return []
        query = select(Landscape).where(Landscape.id.in_(ids)).order_by(Landscape.name)
        return (await self._session.scalars(query)).all()

    async def landscape(self, landscape_id: int) -> Landscape | None:
        return await self._session.get(Landscape, landscape_id)

    async def landscape_by_slug(self, slug: str) -> Landscape | None:
        query = select(Landscape).where(Landscape.slug == slug)
        return (await self._session.scalars(query)).one_or_none()

    async def upsert_landscape(
        self, slug: str, *, programme: Programme, name: str, country: str, timezone: str
    ) -> Landscape:
        landscape = await self.landscape_by_slug(slug)
        if landscape is None:
            landscape = Landscape(slug=slug)
            self._session.add(landscape)
        landscape.programme_id = programme.id
        landscape.name = name
        landscape.country = country
        landscape.timezone = timezone
        await self._session.flush()
        return landscape
