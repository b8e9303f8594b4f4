"""Foreground first on SQLite: a partner waiting for a reply goes before the sender's bulk work.

SQLite lets one transaction write at a time, for the whole file. A writer that finds the file
taken polls for it, sleeping up to 100 ms between tries, while the sender — committing a page
of a broadcast and starting the next at once — takes it again first: a partner's one short
turn could wait seconds behind a batch of 100,000. The process is the only one on the file
(`Database.exclusive`), so it can order its own writers: background transactions start only
once the foreground ones in flight are done (or after a short wait, so bulk work never
starves). PostgreSQL locks rows, not the database: there it waits for nothing.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress

MAX_WAIT = 0.5  # seconds background work waits at most, so a busy bot still sends


class ForegroundFirst:
    def __init__(self, *, enabled: bool, max_wait: float = MAX_WAIT) -> None:
        self._enabled = enabled
        self._max_wait = max_wait
        self._active = 0
        self._idle = asyncio.Event()
        self._idle.set()

    @asynccontextmanager
    async def foreground(self) -> AsyncIterator[None]:
        """Work someone is waiting for (a partner's turn, from storing it to its reply)."""
        self._active += 1
        self._idle.clear()
        try:
            yield
        finally:
            self._active -= 1
            if not self._active:
                self._idle.set()

    async def background(self) -> None:
        """Call before a background transaction: waits while foreground work is in flight."""
        if not self._enabled or not self._active:
            return
        with suppress(TimeoutError):
            await asyncio.wait_for(self._idle.wait(), self._max_wait)
