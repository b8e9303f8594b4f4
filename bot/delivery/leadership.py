"""Only one replica sends at a time, so the overall flood limit holds across replicas.

On PostgreSQL the sender holds a session-level advisory lock on a connection of its own; if
that replica dies its connection closes, the lock is released and the next replica to ask
takes over (fail-over within one poll interval). The sender asks before every claim, so a
replica whose lock connection was cut stops claiming at once; it then steps aside for a few
poll intervals, so a replica whose connection is healthy takes over rather than the one whose
network just failed. SQLite runs one process, which always leads.
"""

from __future__ import annotations

import logging
import time
from contextlib import suppress

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.database import Database

log = logging.getLogger(__name__)

# Any number shared by every replica of this bot and used for nothing else in the database.
LOCK_KEY = 0x4C414E44  # "LAND"


class Leadership:
    def __init__(self, db: Database, *, step_aside: float) -> None:
        self._db = db
        self._step_aside = step_aside  # seconds without asking after the lock was lost
        self._lost_at = -step_aside
        self._connection: AsyncConnection | None = None
        self.leading = db.is_sqlite
        # Set when the lock is taken: the new leader must settle its predecessor's claims first.
        self.new_term = True

    async def hold(self) -> bool:
        """True while this replica holds the sending lock; tries to take it if free."""
        if self._db.is_sqlite:
            return True
        if self._connection is not None:
            try:
                await self._connection.execute(text("SELECT 1"))
                return True
            except DBAPIError:
                log.warning("lost the connection holding the sending lock")
                await self._drop()
                self._lost_at = time.monotonic()
                return False
        if time.monotonic() - self._lost_at < self._step_aside:
            return False
        connection = await self._db.engine.connect()
        connection = await connection.execution_options(isolation_level="AUTOCOMMIT")
        try:
            taken = await connection.scalar(
                text("SELECT pg_try_advisory_lock(:key)"), {"key": LOCK_KEY}
            )
        except DBAPIError:
            await connection.close()
            return False
        if not taken:
            await connection.close()
            return False
        self._connection = connection
        self.leading = self.new_term = True
        log.info("this replica now sends scheduled messages")
        return True

    async def release(self) -> None:
        if self._connection is not None:
            with suppress(DBAPIError):  # closing the connection releases it anyway
                await self._connection.execute(
                    text("SELECT pg_advisory_unlock(:key)"), {"key": LOCK_KEY}
                )
            await self._drop()

    async def _drop(self) -> None:
        connection, self._connection = self._connection, None
        self.leading = False
        if connection is not None:
            with suppress(DBAPIError, OSError):
                await connection.close()
