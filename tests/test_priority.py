"""Foreground first on SQLite: the sender's transactions wait for partners' turns in flight,
never longer than the bound, and not at all on PostgreSQL."""

from __future__ import annotations

import asyncio

from storage.priority import ForegroundFirst


async def test_background_work_waits_for_the_turns_in_flight() -> None:
    priority = ForegroundFirst(enabled=True, max_wait=5)
    async with priority.foreground():
        waiting = asyncio.create_task(priority.background())
        await asyncio.sleep(0.05)
        assert not waiting.done()
        async with priority.foreground():  # a second turn overlapping the first
            pass
        await asyncio.sleep(0.05)
        assert not waiting.done()
    await asyncio.wait_for(waiting, 1)


async def test_background_work_never_waits_past_the_bound() -> None:
    priority = ForegroundFirst(enabled=True, max_wait=0.05)
    async with priority.foreground():
        await asyncio.wait_for(priority.background(), 1)


async def test_nothing_waits_where_the_database_locks_rows() -> None:
    priority = ForegroundFirst(enabled=False, max_wait=5)
    async with priority.foreground():
        await asyncio.wait_for(priority.background(), 0.1)
