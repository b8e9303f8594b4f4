"""Replicas and crashes, with real processes: two bots on one PostgreSQL share one broadcast
and every message goes out exactly once; a bot killed mid-broadcast delivers the rest when it
comes back, repeating at most the messages it had in flight."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.sandbox.api_server import LocalBotApi
from storage.database import Database
from storage.models import Delivery, DeliveryStatus
from tests.support.replicas import (
    Replica,
    deliveries_per_chat,
    partners_and_broadcast,
    replica_settings,
    wait_for,
)

RECIPIENTS = 300


async def final_rows(database_url: str) -> dict[str, int]:
    db = Database(database_url)
    try:
        async with db.unit_of_work() as uow:
            rows = await uow.session.execute(
                select(Delivery.claimed_by, func.count())
                .where(Delivery.status == DeliveryStatus.SENT)
                .group_by(Delivery.claimed_by)
            )
            return {owner or "": count for owner, count in rows.all()}
    finally:
        await db.dispose()


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
async def test_two_replicas_send_one_broadcast_exactly_once(
    api: LocalBotApi, database_url: str, tmp_path: Path
) -> None:
    await partners_and_broadcast(api, database_url, RECIPIENTS)
    poller = Replica(tmp_path, "poller", replica_settings(
        api, database_url, receive_updates=True, per_second=100))  # fmt: skip
    sender = Replica(tmp_path, "sender", replica_settings(
        api, database_url, receive_updates=False, per_second=100))  # fmt: skip
    await poller.start()
    await sender.start()
    try:
        # Whichever holds the lock starts; stopping it midway hands the rest to the other.
        await wait_for(lambda: sum(deliveries_per_chat(api, RECIPIENTS).values()) >= 60, 30,
                       "the first messages")  # fmt: skip
        leaders = await final_rows(database_url)
        first = poller if any(poller_owns(owner, poller) for owner in leaders) else sender
        assert await first.stop(signal.SIGTERM) == 0
        await wait_for(lambda: min(deliveries_per_chat(api, RECIPIENTS).values()) >= 1, 60,
                       "every recipient")  # fmt: skip
    finally:
        for replica in (poller, sender):
            await replica.stop()
    counts = deliveries_per_chat(api, RECIPIENTS)
    assert set(counts.values()) == {1}, f"repeated: {[c for c, n in counts.items() if n > 1]}"
    by_owner = await final_rows(database_url)
    assert len(by_owner) == 2, by_owner  # both replicas delivered part of it
    assert sum(by_owner.values()) == RECIPIENTS
    # Only the poller polled (Telegram allows one poller per token).
    assert "receiving updates by long polling" in poller.output()
    assert "receiving updates" not in sender.output().replace("not receiving updates", "")


def poller_owns(owner: str, replica: Replica) -> bool:
    process = replica.process
    return process is not None and f":{process.pid}:" in owner


async def test_a_killed_bot_delivers_the_rest_after_restart(
    api: LocalBotApi, database_url: str, tmp_path: Path
) -> None:
    await partners_and_broadcast(api, database_url, RECIPIENTS, ("en", "fr", "ar"))
    settings = replica_settings(api, database_url, receive_updates=True, per_second=100)
    bot = Replica(tmp_path, "bot", settings)
    await bot.start()
    await wait_for(lambda: sum(deliveries_per_chat(api, RECIPIENTS).values()) >= 100, 30,
                   "the first hundred messages")  # fmt: skip
    await bot.stop(signal.SIGKILL)
    before = sum(deliveries_per_chat(api, RECIPIENTS).values())
    assert before < RECIPIENTS  # it really was killed midway
    again = Replica(tmp_path, "bot-again", settings)
    await again.start()
    try:
        await wait_for(lambda: min(deliveries_per_chat(api, RECIPIENTS).values()) >= 1, 60,
                       "every recipient")  # fmt: skip
    finally:
        assert await again.stop() == 0
    counts = deliveries_per_chat(api, RECIPIENTS)
    repeated = sum(n - 1 for n in counts.values())
    # At most the sends in flight (concurrency 8) and one unrecorded flush (per_second / 10).
    assert repeated <= 8 + 10, repeated
    rows = await final_rows(database_url)
    assert sum(rows.values()) == RECIPIENTS
