"""The delivery path on both engines, through real HTTP to the local Bot API server: each row
is sent once, faults end in a recorded outcome, late rows are skipped, batches expand when due,
and the schedule survives a new dispatcher (a restart)."""

from __future__ import annotations

import asyncio
import dataclasses
from collections import Counter
from collections.abc import Sequence
from datetime import timedelta

from sqlalchemy import select

from bot.delivery.kinds import ExpandContext, Kind, Recipient
from bot.sandbox.api_server import LocalBotApi
from storage.deliveries import NewDelivery
from storage.models import Delivery, DeliveryStatus, Partner, PartnerStatus, utcnow
from tests.support.delivery import (
    KIND,
    add_partners,
    enqueue,
    expand,
    render,
    running,
    services_for,
)

FIRST_CHAT = 50_000


def register_chats(api: LocalBotApi, count: int, first: int = FIRST_CHAT) -> None:
    for n in range(count):
        api.add_user(first + n, f"User {n}")


async def rows(services, source: str) -> list[Delivery]:  # type: ignore[no-untyped-def]
    async with services.db.unit_of_work() as uow:
        result = await uow.session.scalars(select(Delivery).where(Delivery.source == source))
        return list(result)


def received(api: LocalBotApi, count: int, first: int = FIRST_CHAT) -> Counter[int]:
    return Counter({first + n: len(api.messages(first + n)) for n in range(count)})


async def test_each_due_row_is_sent_once_and_recorded(api: LocalBotApi, database_url: str) -> None:
    services = services_for(api, database_url)
    register_chats(api, 30)
    partners = await add_partners(services, FIRST_CHAT, 30)
    now = utcnow()
    await enqueue(services, partners, "once", now - timedelta(seconds=1), n=1)
    # Planned again (a redelivered update, a second replica deciding the same): no new rows.
    assert await enqueue(services, partners, "once", now, n=1) == 0
    async with running(services, api) as first:
        assert await first.drain() == 30
    # A new dispatcher (a restart) finds nothing left to send.
    async with running(services, api) as second:
        assert await second.drain() == 0
    assert set(received(api, 30).values()) == {1}
    stored = await rows(services, "once")
    assert {row.status for row in stored} == {DeliveryStatus.SENT}
    assert all(row.message_id for row in stored)
    await services.db.dispose()


async def test_rows_not_yet_due_wait_and_the_next_due_time_is_known(
    api: LocalBotApi, database_url: str
) -> None:
    services = services_for(api, database_url)
    register_chats(api, 2)
    partners = await add_partners(services, FIRST_CHAT, 2)
    later = utcnow() + timedelta(hours=1)
    await enqueue(services, partners, "later", later)
    async with running(services, api) as sender:
        assert await sender.drain() == 0
    async with services.db.unit_of_work() as uow:
        assert await uow.deliveries.next_due() == later
    assert sum(received(api, 2).values()) == 0
    await services.db.dispose()


async def test_faults_end_sent_blocked_or_failed_and_nothing_is_lost(
    api: LocalBotApi, database_url: str
) -> None:
    """429 with retry_after, 403 blocked, 500 and a timeout, each for some recipients."""
    services = services_for(api, database_url, max_attempts=3)
    count = 40
    register_chats(api, count)
    partners = await add_partners(services, FIRST_CHAT, count)
    limited, blocked, broken, flaky, slow = (FIRST_CHAT + n for n in (1, 2, 3, 4, 5))
    faults = [
        (limited, 429, "Too Many Requests: retry after 1", 2),
        (blocked, 403, "Forbidden: bot was blocked by the user", 1),
        (broken, 500, "Internal Server Error", 10),
        (flaky, 502, "Bad Gateway", 1),
    ]
    for chat, code, description, times in faults:
        retry_after = 1 if code == 429 else None
        api.inject_fault("sendMessage", chat_id=chat, error_code=code, description=description,
                         retry_after=retry_after, times=times)  # fmt: skip
    # A timeout: Telegram carries the send out after the client stopped waiting.
    api.inject_fault("sendMessage", chat_id=slow, error_code=0, description="", delay=1.0)
    clock_offset = [timedelta(0)]
    services = services_for(
        api, database_url, max_attempts=3, clock=lambda: utcnow() + clock_offset[0]
    )
    await enqueue(services, partners, "faults", utcnow())
    async with running(services, api, read_timeout=0.3) as sender:
        for _ in range(6):  # each retry is due later: move the clock past the backoff
            await sender.drain()
            clock_offset[0] += timedelta(minutes=1)
    stored = {row.partner_id: row for row in await rows(services, "faults")}
    by_chat = {FIRST_CHAT + n: stored[partners[n]] for n in range(count)}
    assert by_chat[limited].status == DeliveryStatus.SENT
    assert by_chat[blocked].status == DeliveryStatus.BLOCKED
    assert by_chat[broken].status == DeliveryStatus.FAILED
    assert "network" in (by_chat[broken].error or "")
    assert by_chat[flaky].status == DeliveryStatus.SENT
    assert by_chat[slow].status == DeliveryStatus.SENT
    assert {row.status for row in stored.values()} <= {
        DeliveryStatus.SENT,
        DeliveryStatus.BLOCKED,
        DeliveryStatus.FAILED,
    }
    counts = received(api, count)
    # Everyone but the blocked and the broken got it; only the timed-out send can repeat
    # (Telegram carried it out after the client stopped waiting).
    assert counts[blocked] == counts[broken] == 0
    assert counts[slow] in (1, 2)
    assert all(counts[chat] == 1 for chat in counts if chat not in (blocked, broken, slow))
    async with services.db.unit_of_work() as uow:
        partner = await uow.session.get(Partner, by_chat[blocked].partner_id)
        assert partner is not None
        assert partner.status == PartnerStatus.BLOCKED
    await services.db.dispose()


async def test_a_blocked_partner_gets_nothing_more(api: LocalBotApi, database_url: str) -> None:
    services = services_for(api, database_url)
    register_chats(api, 1)
    [partner] = await add_partners(services, FIRST_CHAT, 1)
    async with services.db.unit_of_work() as uow:
        found = await uow.session.get(Partner, partner)
        assert found is not None
        found.status = PartnerStatus.BLOCKED
    await enqueue(services, [partner], "after-block", utcnow())
    async with running(services, api) as sender:
        await sender.drain()
    [row] = await rows(services, "after-block")
    assert row.status == DeliveryStatus.BLOCKED
    assert received(api, 1)[FIRST_CHAT] == 0
    await services.db.dispose()


async def test_expired_and_skipped_rows_are_recorded_not_sent(
    api: LocalBotApi, database_url: str
) -> None:
    services = services_for(api, database_url)
    register_chats(api, 2)
    late, skipped = await add_partners(services, FIRST_CHAT, 2)
    now = utcnow()
    async with services.db.unit_of_work() as uow:
        await uow.deliveries.enqueue(
            KIND, "late", [NewDelivery(late, now - timedelta(hours=2), now - timedelta(hours=1))]
        )
        await uow.deliveries.enqueue(KIND, "skip", [NewDelivery(skipped, now)], payload={"skip": 1})
    async with running(services, api) as sender:
        await sender.drain()
    [late_row] = await rows(services, "late")
    [skip_row] = await rows(services, "skip")
    assert (late_row.status, skip_row.status) == (DeliveryStatus.SKIPPED, DeliveryStatus.SKIPPED)
    assert "too late" in (late_row.error or "")
    assert skip_row.error == "asked to skip"
    assert sum(received(api, 2).values()) == 0
    await services.db.dispose()


async def test_a_batch_expands_when_due_into_one_delivery_each(
    api: LocalBotApi, database_url: str
) -> None:
    services = services_for(api, database_url)
    register_chats(api, 5)
    partners = await add_partners(services, FIRST_CHAT, 5)
    async with services.db.unit_of_work() as uow:
        await uow.deliveries.plan(KIND, "batch:1", utcnow(), payload={"partners": partners})
        again = await uow.deliveries.plan(KIND, "batch:1", utcnow(), payload={"partners": []})
        assert again.payload == {"partners": partners}  # the first decision stands
        await uow.deliveries.plan(
            KIND, "batch:later", utcnow() + timedelta(days=1), payload={"partners": partners}
        )
    async with running(services, api) as sender:
        assert await sender.drain() == 5
    assert set(received(api, 5).values()) == {1}
    async with services.db.unit_of_work() as uow:
        batch = await uow.deliveries.batch(KIND, "batch:1")
        later = await uow.deliveries.batch(KIND, "batch:later")
        assert batch is not None
        assert later is not None
        assert (batch.recipients, later.expanded_at) == (5, None)
    await services.db.dispose()


async def test_a_claim_with_more_skips_than_a_flush_records_them_all(
    api: LocalBotApi, database_url: str
) -> None:
    """At 1,000 messages a second a claim takes 200 rows and outcomes are written every 100:
    skips found while rendering must wait for the claim's transaction, not write inside it
    (SQLite: "database is locked"; PostgreSQL: waiting on its own row locks)."""
    services = services_for(api, database_url)  # per_second 1000
    partners = await add_partners(services, FIRST_CHAT, 250)
    await enqueue(services, partners, "skip:all", utcnow(), skip=1)
    async with running(services, api) as sender:
        assert await asyncio.wait_for(sender.drain(), timeout=60) == 250
    assert {row.status for row in await rows(services, "skip:all")} == {DeliveryStatus.SKIPPED}
    await services.db.dispose()


async def test_a_large_batch_expands_a_page_per_transaction_and_resumes(
    api: LocalBotApi, database_url: str
) -> None:
    """2,500 recipients are written 1,000 at a time, each page in a unit of work of its own, so
    partners are served in between; a restart after the first page resumes after it instead
    of starting over."""
    services = services_for(api, database_url)
    partners = await add_partners(services, FIRST_CHAT, 2500)
    pages: list[tuple[int, int]] = []  # (after, limit)
    units: list[object] = []

    async def recording(context: ExpandContext) -> Sequence[Recipient]:
        pages.append((context.after, context.limit))
        units.append(context.uow)
        return await expand(context)

    services = dataclasses.replace(services, kinds={KIND: Kind(KIND, render, recording)})
    async with services.db.unit_of_work() as uow:
        await uow.deliveries.plan(
            KIND, "batch:big", utcnow(), payload={"partners": partners, "skip": 1}
        )
        batch = await uow.deliveries.batch(KIND, "batch:big")
        assert batch is not None
        # As a replica left it when it died after writing the first page.
        first = [NewDelivery(p, utcnow()) for p in partners[:1000]]
        await uow.deliveries.enqueue(KIND, "batch:big", first, payload=batch.payload)
        batch.expanded_through, batch.recipients = partners[999], 1000
    async with running(services, api) as sender:
        assert await sender.drain() == 2500
    assert pages == [(partners[999], 1000), (partners[1999], 1000)]
    assert units[0] is not units[1]
    assert len(await rows(services, "batch:big")) == 2500
    async with services.db.unit_of_work() as uow:
        batch = await uow.deliveries.batch(KIND, "batch:big")
        assert batch is not None
        assert batch.recipients == 2500
        assert batch.expanded_at is not None
    await services.db.dispose()


async def test_withdrawn_rows_are_skipped_with_the_reason(
    api: LocalBotApi, database_url: str
) -> None:
    services = services_for(api, database_url)
    register_chats(api, 3)
    partners = await add_partners(services, FIRST_CHAT, 3)
    await enqueue(services, partners, "event:1:0:60", utcnow())
    await enqueue(services, partners, "event:12:0:60", utcnow())
    async with services.db.unit_of_work() as uow:
        assert await uow.deliveries.withdraw(KIND, "event:1:", "event moved", utcnow()) == 3
    async with running(services, api) as sender:
        await sender.drain()
    assert {row.error for row in await rows(services, "event:1:0:60")} == {"event moved"}
    assert {row.status for row in await rows(services, "event:12:0:60")} == {DeliveryStatus.SENT}
    await services.db.dispose()


async def test_claims_left_by_a_dead_sender_go_out_once_more(
    api: LocalBotApi, database_url: str
) -> None:
    """A sender that died after claiming: its rows are released and sent by the next one."""
    services = services_for(api, database_url)
    register_chats(api, 4)
    partners = await add_partners(services, FIRST_CHAT, 4)
    await enqueue(services, partners, "orphans", utcnow())
    async with services.db.unit_of_work() as uow:
        claimed = await uow.deliveries.claim(utcnow(), 10, "dead-sender")
        assert len(claimed) == 4
    async with running(services, api) as sender:
        assert await sender.drain() == 4
    assert set(received(api, 4).values()) == {1}
    await services.db.dispose()
