"""Replies owed to chats: written in the unit of work of the update they answer, sent right
after its commit by the process that handled it, and taken over by any process once that
process is gone or its claim has lapsed (it died, or cannot reach Telegram). A reply done
with is deleted: the table holds only what is still owed."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime, timedelta
from functools import cache

from sqlalchemy import Delete, Table, bindparam, delete, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.dml import ReturningInsert

from storage.models import Reply
from storage.presence import dead_owners


class Replies:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, replies: Sequence[Reply]) -> None:
        """Store `replies` and give each its id. One plain insert rather than the session's
        flush: the rows are sent and forgotten, never changed through the session."""
        if not replies:
            return
        params = [
            {"chat_id": r.chat_id, "kind": r.kind, "body": r.body, "file_name": r.file_name,
             "file_data": r.file_data, "claimed_by": r.claimed_by, "claimed_at": r.claimed_at,
             "attempts": r.attempts or 0}
            for r in replies
        ]  # fmt: skip
        connection = await self._session.connection()
        ids = (await connection.execute(_add(), params)).scalars().all()
        for reply, reply_id in zip(replies, ids, strict=True):
            reply.id = reply_id

    async def claim_abandoned(
        self, owner: str, now: datetime, lease: timedelta, limit: int
    ) -> list[Reply]:
        """Take unsent replies whose process is gone or whose claim is older than `lease`,
        oldest first."""
        owners = await self._session.scalars(
            select(Reply.claimed_by).where(Reply.claimed_by != owner).distinct()
        )
        dead = await dead_owners(self._session, [o for o in owners if o is not None])
        ids = list(
            await self._session.scalars(
                select(Reply.id)
                .where(
                    or_(
                        Reply.claimed_at.is_(None),
                        Reply.claimed_at <= now - lease,
                        Reply.claimed_by.in_(dead),
                    ),
                )
                .order_by(Reply.id)
                .limit(limit)
                .with_for_update(skip_locked=True)
            )
        )
        if not ids:
            return []
        await self._session.execute(
            update(Reply)
            .where(Reply.id.in_(ids))
            .values(claimed_by=owner, claimed_at=now, attempts=Reply.attempts + 1)
            .execution_options(synchronize_session=False)
        )
        rows = await self._session.scalars(
            select(Reply)
            .where(Reply.id.in_(ids))
            .order_by(Reply.id)
            .execution_options(populate_existing=True)
        )
        return list(rows)

    async def done(self, reply_ids: Collection[int]) -> None:
        """Forget replies sent (or given up on)."""
        if reply_ids:
            await self._session.execute(_done(), {"ids": list(reply_ids)})


# Statements every turn runs, built once and given their values when run.
@cache
def _add() -> ReturningInsert[int]:
    table = _table()
    return insert(table).returning(table.c.id, sort_by_parameter_order=True)


@cache
def _done() -> Delete:
    table = _table()
    return delete(table).where(table.c.id.in_(bindparam("ids", expanding=True)))


def _table() -> Table:
    table = Reply.__table__
    assert isinstance(table, Table)
    return table
