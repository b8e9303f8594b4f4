"""The audit trail: who did or tried what, and when."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import AuditEntry, Partner


class AuditLog:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def record(
        self, action: str, *, actor: Partner | None, telegram_id: int | None, **detail: Any
    ) -> None:
        self._session.add(
            AuditEntry(
                action=action,
                actor_id=actor.id if actor else None,
                actor_telegram_id=telegram_id,
                detail=detail,
            )
        )
        await self._session.flush()

    async def recorded_since(self, action: str, telegram_id: int, since: datetime) -> bool:
        """Whether `action` was recorded for this Telegram user at `since` or later."""
        found = await self._session.scalar(
            select(AuditEntry.id)
            .where(
                AuditEntry.action == action,
                AuditEntry.actor_telegram_id == telegram_id,
                AuditEntry.at >= since,
            )
            .limit(1)
        )
        return found is not None

    async def recent(self, action: str | None = None, limit: int = 50) -> Sequence[AuditEntry]:
        query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
        if action is not None:
            query = query.where(AuditEntry.action == action)
        return (await self._session.scalars(query)).all()
