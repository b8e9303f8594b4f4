"""Unfinished flows, one per user, kept in the database so restarts and replicas continue them."""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import Select, bindparam, delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Conversation


class Conversations:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, telegram_id: int) -> Conversation | None:
        # Every turn asks, and most find none: `session.get` would build its query each time.
        query = _by_telegram_id()
        return (await self._session.scalars(query, {"telegram_id": telegram_id})).one_or_none()

    async def begin(
        self, telegram_id: int, flow: str, step: str, data: dict[str, Any] | None = None
    ) -> Conversation:
        """Start a flow, replacing any unfinished one."""
        conversation = await self.get(telegram_id)
        if conversation is None:
            conversation = Conversation(telegram_id=telegram_id)
            self._session.add(conversation)
        conversation.flow = flow
        conversation.step = step
        conversation.data = dict(data or {})
        await self._session.flush()
        return conversation

    async def move(self, conversation: Conversation, step: str, **changes: Any) -> Conversation:
        conversation.step = step
        # A new dict, so SQLAlchemy sees the JSON column change.
        conversation.data = {**conversation.data, **changes}
        await self._session.flush()
        return conversation

    async def end(self, telegram_id: int) -> bool:
        result = await self._session.execute(
            delete(Conversation).where(Conversation.telegram_id == telegram_id)
        )
        return bool(getattr(result, "rowcount", 0))


@cache
def _by_telegram_id() -> Select[Conversation]:
    return select(Conversation).where(Conversation.telegram_id == bindparam("telegram_id"))
