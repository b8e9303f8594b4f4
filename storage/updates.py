"""Handled update ids: the first claim of an update wins, a redelivery is recognised."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import HandledUpdate, utcnow


class HandledUpdates:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def claim(self, update_id: int) -> bool:
        """True the first time; False when this update was already handled (and committed)."""
        dialect = self._session.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        statement = (
            insert(HandledUpdate)
            .values(update_id=update_id, at=utcnow())
            .on_conflict_do_nothing(index_elements=["update_id"])
        )
        result = await self._session.execute(statement)
        return bool(getattr(result, "rowcount", 0) == 1)

    async def prune(self, before: datetime) -> int:
        """Forget ids older than Telegram could redeliver (it keeps updates for 24 hours)."""
        result = await self._session.execute(delete(HandledUpdate).where(HandledUpdate.at < before))
        return int(getattr(result, "rowcount", 0))
