"""The inbox: raw updates stored before they are acknowledged, then handled once, each chat's in
the order Telegram numbered them, by whichever replica gets there first.

On PostgreSQL a transaction-scoped advisory lock per chat serialises the replicas that reach
one chat at once (two taps of "Send" landing on two replicas); SQLite runs one process, which
keeps one task per chat.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any, NamedTuple

from sqlalchemy import (
    Select,
    Table,
    TextClause,
    Update,
    bindparam,
    delete,
    func,
    select,
    text,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import InboundUpdate


@dataclass(frozen=True)
class Arrival:
    update_id: int
    chat_id: int
    body: dict[str, Any]


class Waiting(NamedTuple):
    """A waiting update as a turn reads it: plain values, not an ORM object the session would
    track (and load, and map) for a row the turn only marks handled."""

    id: int
    update_id: int
    received_at: datetime


class Inbox:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        self._postgres = session.get_bind().dialect.name == "postgresql"

    async def add(self, bot_id: int, arrivals: Sequence[Arrival], now: datetime) -> int:
        """Store updates not stored yet (a redelivery is ignored); returns how many were new."""
        if not arrivals:
            return 0
        rows = [
            {"bot_id": bot_id, "update_id": a.update_id, "chat_id": a.chat_id, "body": a.body,
             "received_at": now, "failures": 0}
            for a in arrivals
        ]  # fmt: skip
        statement = _add(self._postgres)
        # One row (as most polls and every webhook call bring) runs the statement built once.
        if len(rows) == 1:
            result = await self._session.execute(statement, rows[0])
        else:
            result = await self._session.execute(statement.values(rows))
        return max(getattr(result, "rowcount", 0), 0)

    async def lock_chat(self, chat_id: int) -> None:
        """Hold the chat until this transaction ends (PostgreSQL). The two-key form lives in a
        key space of its own, apart from the sending lock's single key."""
        if self._postgres:
            high, low = chat_id >> 32, chat_id & 0xFFFFFFFF
            low = low - (1 << 32) if low >= 1 << 31 else low
            await self._session.execute(_lock_chat(), {"high": high, "low": low})

    async def next_waiting(self, bot_id: int, chat_id: int) -> Waiting | None:
        """The chat's earliest update not handled yet."""
        first = await self.waiting(bot_id, chat_id, 1)
        return first[0] if first else None

    async def waiting(self, bot_id: int, chat_id: int, limit: int) -> list[Waiting]:
        """The chat's earliest `limit` updates not handled yet, in order (their bodies, which
        the update parsed on arrival makes unneeded, are read by `body`)."""
        where = {"bot_id": bot_id, "chat_id": chat_id, "limit": limit}
        return [Waiting(*row) for row in await self._session.execute(_waiting(), where)]

    async def body(self, row_id: int) -> dict[str, Any]:
        body = await self._session.scalar(
            select(InboundUpdate.body).where(InboundUpdate.id == row_id)
        )
        return body or {}

    async def mark_handled(self, row_id: int, at: datetime) -> None:
        await self._session.execute(_mark_handled(), {"row_id": row_id, "at": at})

    async def record_failure(self, row_id: int) -> int:
        """Count a handler error against the update; returns how many it has had."""
        await self._session.execute(
            update(InboundUpdate)
            .where(InboundUpdate.id == row_id)
            .values(failures=InboundUpdate.failures + 1)
        )
        failures = await self._session.scalar(
            select(InboundUpdate.failures).where(InboundUpdate.id == row_id)
        )
        return int(failures or 0)

    async def waiting_chats(self, bot_id: int, received_before: datetime) -> list[int]:
        """Chats with an update waiting since before `received_before`."""
        rows = await self._session.scalars(
            select(InboundUpdate.chat_id)
            .where(
                InboundUpdate.bot_id == bot_id,
                InboundUpdate.handled_at.is_(None),
                InboundUpdate.received_at < received_before,
            )
            .group_by(InboundUpdate.chat_id)
            .order_by(func.min(InboundUpdate.update_id))
        )
        return list(rows)

    async def prune(self, handled_before: datetime) -> int:
        """Forget updates handled before Telegram could still redeliver them (it keeps
        updates for 24 hours)."""
        result = await self._session.execute(
            delete(InboundUpdate).where(InboundUpdate.handled_at < handled_before)
        )
        return max(getattr(result, "rowcount", 0), 0)


# The statements every update runs, built once (building one costs more than running it) and
# given their values when run; plain statements on the table, without the ORM's bookkeeping.
@cache
def _add(postgres: bool) -> postgresql.Insert | sqlite.Insert:
    table = InboundUpdate.__table__
    assert isinstance(table, Table)
    return (postgresql.insert if postgres else sqlite.insert)(table).on_conflict_do_nothing()


@cache
def _lock_chat() -> TextClause:
    return text("SELECT pg_advisory_xact_lock(:high, :low)")


@cache
def _waiting() -> Select[int, int, datetime]:
    table = InboundUpdate.__table__
    assert isinstance(table, Table)
    return (
        select(table.c.id, table.c.update_id, table.c.received_at)
        .where(
            table.c.bot_id == bindparam("bot_id"),
            table.c.chat_id == bindparam("chat_id"),
            table.c.handled_at.is_(None),
        )
        .order_by(table.c.update_id)
        .limit(bindparam("limit"))
    )


@cache
def _mark_handled() -> Update:
    table = InboundUpdate.__table__
    assert isinstance(table, Table)
    return (
        update(table)
        .where(table.c.id == bindparam("row_id"), table.c.handled_at.is_(None))
        .values(handled_at=bindparam("at"))
    )
