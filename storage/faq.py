"""FAQ entries: coordinator-written answers and the phrases that lead to them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from storage.models import FaqEntry


class FaqEntries:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    def _query(self) -> Any:
        return select(FaqEntry).options(selectinload(FaqEntry.programme))

    async def all(self) -> Sequence[FaqEntry]:
        return (await self._session.scalars(self._query().order_by(FaqEntry.id))).all()

    async def get(self, entry_id: int) -> FaqEntry | None:
        query = self._query().where(FaqEntry.id == entry_id)
        return (await self._session.scalars(query)).one_or_none()

    async def by_slug(self, slug: str) -> FaqEntry | None:
        query = self._query().where(FaqEntry.slug == slug)
        return (await self._session.scalars(query)).one_or_none()

    async def page(
        self, programme_ids: Sequence[int] | None, *, offset: int, limit: int
    ) -> Sequence[FaqEntry]:
        """Entries of these programmes (None: every entry), newest first."""
        query = self._query().order_by(FaqEntry.updated_at.desc(), FaqEntry.id.desc())
        if programme_ids is not None:
            query = query.where(FaqEntry.programme_id.in_(programme_ids))
        return (await self._session.scalars(query.offset(offset).limit(limit))).all()

    async def revision(self) -> tuple[int, datetime | None]:
        """Changes whenever an entry is added, edited or removed: the matcher's cache key."""
        row = (
            await self._session.execute(
                select(func.count(FaqEntry.id), func.max(FaqEntry.updated_at))
            )
        ).one()
        return int(row[0]), row[1]

    async def triggers(self) -> Sequence[tuple[int, dict[str, list[str]], dict[str, str]]]:
        """(id, triggers, question) of every entry: what the matcher indexes."""
        query = select(FaqEntry.id, FaqEntry.triggers, FaqEntry.question)
        return [(row[0], row[1], row[2]) for row in await self._session.execute(query)]

    async def add(self, entry: FaqEntry) -> FaqEntry:
        self._session.add(entry)
        await self._session.flush()
        return entry

    async def upsert(self, slug: str, **fields: Any) -> FaqEntry:
        entry = await self.by_slug(slug)
        if entry is None:
            entry = FaqEntry(slug=slug)
            self._session.add(entry)
        for key, value in fields.items():
            setattr(entry, key, value)
        await self._session.flush()
        return entry

    async def remove(self, entry: FaqEntry) -> None:
        await self._session.delete(entry)
        await self._session.flush()
