"""Replicas and crashes, with real processes: two bots on one PostgreSQL share one broadcast
and every message goes out exactly once; a bot killed mid-broadcast delivers the rest when it
comes back, repeating at most the messages it had in flight; a double tap reaching two
replicas creates one broadcast."""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy import func, select, text

from bot.content import apply_content, read_content_file
from bot.delivery.leadership import LOCK_KEY
from bot.sandbox.api_server import LocalBotApi
from storage.database import Database
from storage.models import Broadcast, Delivery, DeliveryStatus, InboundUpdate, Role
from tests.support.bot import EXAMPLE_CONTENT
from tests.support.chat import ChatUser
from tests.support.crash import free_port, webhook_settings
from tests.support.people import add_partner
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


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
async def test_a_double_tap_reaching_two_replicas_sends_one_broadcast(
    api: LocalBotApi, database_url: str, tmp_path: Path
) -> None:
    """Behind a load balancer the two taps of "Send" land on different replicas at once; the
    chat's lock makes the second wait for the first, which has ended the draft."""
    db = Database(database_url)
    try:
        async with db.unit_of_work() as uow:
            await apply_content(uow, read_content_file(EXAMPLE_CONTENT))
    finally:
        await db.dispose()
    await add_partner_at(database_url, COORDINATOR_ID, Role.COORDINATOR)
    await add_partner_at(database_url, COORDINATOR_ID + 1, Role.PARTNER)
    ports = [free_port(), free_port()]
    replicas = []
    for n, port in enumerate(ports):
        settings = replica_settings(api, database_url, receive_updates=True, per_second=30)
        settings["webhook"] = webhook_settings(port)
        replicas.append(Replica(tmp_path, f"replica-{n}", settings))
    for replica in replicas:  # one after the other: Telegram delivers to the last webhook set
        await replica.start()
        await wait_for(lambda r=replica: "receiving updates by webhook" in r.output(), 60, "up")
    try:
        coordinator = ChatUser(api, user_id=COORDINATOR_ID, first_name="Cora", language_code="en")
        await coordinator.send("/broadcast")
        await coordinator.expect("Who should receive it?")
        await coordinator.press("Continue »")
        await coordinator.expect("Send the message in English")
        await coordinator.send("Field visit on Monday")
        await coordinator.expect("followed by (in English)")
        await coordinator.press("Continue »")
        await coordinator.expect("When should it go out?")
        await coordinator.press("Send now")
        await coordinator.expect("Add a “Got it” button")
        await coordinator.press("No")
        preview = await coordinator.expect("Preview")
        [send] = [b for row in preview.buttons for b in row if b.text == "Send"]
        taps = [_tap(COORDINATOR_ID, preview.message_id, send.callback_data, n) for n in (1, 2)]
        async with aiohttp.ClientSession() as session:
            statuses = await asyncio.gather(
                *(_post(session, port, tap) for port, tap in zip(ports, taps, strict=True))
            )
        assert statuses == [200, 200]
        await coordinator.expect("Sending")
        await asyncio.sleep(2)  # time for a second broadcast to appear, were there one
    finally:
        for replica in replicas:
            assert await replica.stop() == 0
    db = Database(database_url)
    try:
        async with db.unit_of_work() as uow:
            broadcasts = list(await uow.session.scalars(select(Broadcast)))
            handled = list(
                await uow.session.scalars(
                    select(InboundUpdate.update_id).where(InboundUpdate.handled_at.is_not(None))
                )
            )
    finally:
        await db.dispose()
    assert {900_001, 900_002} <= set(handled)
    assert len(broadcasts) == 1


COORDINATOR_ID = 90_100


async def add_partner_at(database_url: str, telegram_id: int, role: Role) -> None:
    db = Database(database_url)
    try:
        await add_partner(db, telegram_id, name=f"P{telegram_id}", role=role)
    finally:
        await db.dispose()


def _tap(user_id: int, message_id: int, data: str | None, n: int) -> dict[str, object]:
    return {
        "update_id": 900_000 + n,
        "callback_query": {
            "id": f"double-tap-{n}",
            "from": {"id": user_id, "is_bot": False, "first_name": "Cora"},
            "chat_instance": "1",
            "data": data,
            "message": {
                "message_id": message_id,
                "date": 0,
                "chat": {"id": user_id, "type": "private"},
                "text": "Preview",
            },
        },
    }


async def _post(session: aiohttp.ClientSession, port: int, update: dict[str, object]) -> int:
    url = f"http://127.0.0.1:{port}/telegram"
    headers = {"X-Telegram-Bot-Api-Secret-Token": "s" * 32}
    async with session.post(url, json=update, headers=headers) as response:
        return response.status


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
async def test_a_cut_lock_connection_hands_over_without_repeats_or_a_burst(
    api: LocalBotApi, database_url: str, tmp_path: Path
) -> None:
    """The sending replica's lock connection is killed mid-broadcast (a network blip, a
    failover): it stops claiming, the other takes over once the first has recorded what it
    had in flight, and the overall rate never goes above the limit."""
    per_second = 25
    await partners_and_broadcast(api, database_url, RECIPIENTS)
    replicas = [
        Replica(tmp_path, f"sender-{n}", replica_settings(
            api, database_url, receive_updates=False, per_second=per_second))
        for n in range(2)
    ]  # fmt: skip
    for replica in replicas:
        await replica.start()
    try:
        await wait_for(lambda: sum(deliveries_per_chat(api, RECIPIENTS).values()) >= 100, 60,
                       "the first hundred messages")  # fmt: skip
        assert await _cut_the_sending_lock(database_url) == 1
        await wait_for(lambda: min(deliveries_per_chat(api, RECIPIENTS).values()) >= 1, 60,
                       "every recipient")  # fmt: skip
        await asyncio.sleep(1)  # a repeat would have arrived by now
    finally:
        for replica in replicas:
            assert await replica.stop() == 0
    counts = deliveries_per_chat(api, RECIPIENTS)
    assert sum(n - 1 for n in counts.values()) == 0
    assert len(await final_rows(database_url)) == 2  # both replicas sent part of it
    # Over any two seconds: both replicas sending at once would show about twice the limit.
    # (The server sees each send a little early or late, so a one-second window can catch a
    # send or two more than the pacing allows; over two seconds that stays small.)
    sends = sorted(r.time for r in api.send_log if r.method == "sendMessage")
    busiest = max(sum(1 for t in sends[i:] if t < start + 2.0) for i, start in enumerate(sends))
    allowance = 5  # the limiter's catch-up burst and the arrival jitter
    assert busiest <= 2 * per_second + allowance, busiest


async def _cut_the_sending_lock(database_url: str) -> int:
    """Terminate the connection holding the sending lock; returns how many were cut."""
    db = Database(database_url)
    try:
        async with db.engine.connect() as connection:
            result = await connection.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory'"
                    " AND classid = 0 AND objid = :key AND objsubid = 1 AND granted"
                    # Advisory keys are per database; other tests' databases share the server.
                    " AND database = (SELECT oid FROM pg_database"
                    " WHERE datname = current_database())"
                ),
                {"key": LOCK_KEY},
            )
            return len(result.all())
    finally:
        await db.dispose()
