"""Which processes are alive. On PostgreSQL each process holds an advisory lock named after it
for as long as it runs; when it dies its connection closes and the lock goes with it. So what a
dead process claimed (replies, deliveries) is taken over at once, not when the claim's lease
lapses, and a chat's replies keep their order across a crash. SQLite serves one process (see
`Database.exclusive`): every other owner is dead."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from contextlib import suppress
from types import TracebackType
from typing import TYPE_CHECKING

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

if TYPE_CHECKING:
    from storage.database import Database


def owner_key(owner: str) -> int:
    """A 64-bit advisory lock key for a process (the single-key space; chats use two keys)."""
    return int.from_bytes(hashlib.blake2b(owner.encode(), digest_size=8).digest(), signed=True)


class Presence:
    """Held while the process runs: `async with Presence(db, owner): ...`."""

    def __init__(self, db: Database, owner: str) -> None:
        self._db = db
        self._owner = owner
        self._connection: AsyncConnection | None = None

    async def __aenter__(self) -> Presence:
        if not self._db.is_sqlite:
            connection = await self._db.engine.connect()
            connection = await connection.execution_options(isolation_level="AUTOCOMMIT")
            await connection.execute(
                text("SELECT pg_advisory_lock(:key)"), {"key": owner_key(self._owner)}
            )
            self._connection = connection
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            with suppress(DBAPIError, OSError):  # closing the connection releases the lock
                await connection.close()


async def dead_owners(session: AsyncSession, owners: Iterable[str]) -> set[str]:
    """Those of `owners` whose process is gone (tested inside the caller's transaction)."""
    owners = set(owners)
    if session.get_bind().dialect.name != "postgresql":
        return owners
    dead = set()
    for owner in owners:
        free = await session.scalar(
            text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": owner_key(owner)}
        )
        if free:
            dead.add(owner)
    return dead
