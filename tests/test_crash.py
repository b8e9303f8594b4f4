"""A restart loses nothing and repeats only what the README admits: real bot processes killed
with SIGKILL while partners write, on both engines, by long polling and by webhook."""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path

import pytest

from bot.inbox import CONCURRENT_CHATS
from bot.sandbox.api_server import LocalBotApi
from tests.support.crash import (
    Outcome,
    answered,
    burst,
    free_port,
    outcome,
    partners_at_the_name_step,
    webhook_settings,
)
from tests.support.replicas import Replica, replica_settings, wait_for


@pytest.mark.parametrize("before", [0, 20, 40])
async def test_a_burst_survives_a_kill_while_polling(
    api: LocalBotApi, database_url: str, tmp_path: Path, before: int
) -> None:
    """Killed right after the burst arrives, a third of the way through, two thirds."""
    count = 60
    await partners_at_the_name_step(api, database_url, count)
    settings = replica_settings(api, database_url, receive_updates=True, per_second=30)
    bot = Replica(tmp_path, "bot", settings)
    await bot.start()
    await wait_for(lambda: "receiving updates" in bot.output(), 60, "the bot to start")
    await burst(api, count)
    await wait_for(lambda: answered(api, count) >= before, 30, f"{before} answers")
    await bot.stop(signal.SIGKILL)
    assert answered(api, count) < count  # killed midway
    await _restart_until_answered(api, tmp_path, settings, count)
    _assert_nothing_lost(await outcome(api, database_url, count))


async def test_updates_acknowledged_by_the_webhook_survive_a_kill(
    api: LocalBotApi, database_url: str, tmp_path: Path
) -> None:
    count = 30
    await partners_at_the_name_step(api, database_url, count)
    settings = replica_settings(api, database_url, receive_updates=True, per_second=30)
    settings["webhook"] = webhook_settings(free_port())
    bot = Replica(tmp_path, "bot", settings)
    await bot.start()
    await wait_for(lambda: "receiving updates by webhook" in bot.output(), 60, "the bot")
    await burst(api, count)
    await wait_for(lambda: len(api.pending_updates) <= count, 30, "half the updates taken")
    await bot.stop(signal.SIGKILL)
    assert 2 * count - len(api.pending_updates) >= count  # acknowledged before the kill
    await _restart_until_answered(api, tmp_path, settings, count)
    _assert_nothing_lost(await outcome(api, database_url, count))


async def _restart_until_answered(
    api: LocalBotApi, tmp_path: Path, settings: dict[str, object], count: int
) -> None:
    again = Replica(tmp_path, "again", settings)
    await again.start()
    try:
        await wait_for(lambda: answered(api, count) == count, 90, "every partner's answer")
        await asyncio.sleep(0.5)  # anything sent twice would have arrived by now
    finally:
        assert await again.stop() == 0


def _assert_nothing_lost(result: Outcome) -> None:
    assert (result.unanswered, result.misapplied) == (0, 0), result
    # Replies sent but not yet marked sent when the process died go out again: at most those
    # of the chats being answered at that moment.
    assert result.repeated <= CONCURRENT_CHATS, result
