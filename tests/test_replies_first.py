"""Replies and a broadcast share one budget, through the real bot on both engines: partners who
chat while 200 scheduled messages wait are answered ahead of most of them, and everything sent
together stays within the overall rate."""

from __future__ import annotations

from bot.delivery.kinds import Kind
from bot.sandbox.api_server import LocalBotApi
from storage.models import utcnow
from tests.support.bot import BotHarness
from tests.support.delivery import KIND, add_partners, enqueue, expand, render
from tests.support.people import add_partner
from tests.support.waiting import until

RATE = 40  # messages a second, everything included
BULK = 200
FIRST_RECIPIENT = 50_000
HELP = "Here is what I can do for you:"


def most_in_any_window(times: list[float], window: float) -> int:
    return max(sum(1 for t in times if start <= t < start + window) for start in times)


def bulk_sent(api: LocalBotApi) -> int:
    return sum(1 for record in api.send_log if _is_bulk(record.chat_id))


def _is_bulk(chat_id: int | str) -> bool:
    return isinstance(chat_id, int) and chat_id >= FIRST_RECIPIENT


async def test_partners_chatting_during_a_broadcast_go_first_within_one_budget(
    api: LocalBotApi, database_url: str, understanding_warm: None
) -> None:
    harness = BotHarness(
        api,
        database_url,
        admins=[9000],
        delivery={"per_second": RATE, "per_chat_interval": 0},
        kinds={KIND: Kind(KIND, render, expand)},
    )
    await harness.load_example_content()
    await harness.start()
    try:
        assert harness.services is not None
        chatting = [7301 + n for n in range(4)]
        for telegram_id in chatting:
            await add_partner(harness.db, telegram_id, name="Kim")
        users = [harness.user(telegram_id, "Kim", language_code="en") for telegram_id in chatting]
        recipients = await add_partners(harness.services, FIRST_RECIPIENT, BULK)
        for n in range(BULK):
            api.add_user(FIRST_RECIPIENT + n, f"P{n}")
        await enqueue(harness.services, recipients, "broadcast", utcnow())
        harness.services.doorbell.ring()
        await until(lambda: bulk_sent(api) >= 10, within=20)
        for user in users:  # two questions each, all at once
            await user.send("/help")
            await user.send("/help")
        for user in users:
            await user.expect(HELP, within=10)
            await user.expect(HELP, within=10)
        await until(lambda: bulk_sent(api) >= BULK, within=30)

        log = api.send_log
        first_reply = min(n for n, r in enumerate(log) if r.chat_id in chatting)
        last_reply = max(n for n, r in enumerate(log) if r.chat_id in chatting)
        bulk_before = sum(1 for r in log[:last_reply] if _is_bulk(r.chat_id))
        assert bulk_before < BULK / 2, (first_reply, last_reply, bulk_before)
        assert sum(1 for r in log if r.chat_id in chatting) == 2 * len(chatting)
        started = next(r.time for r in log if _is_bulk(r.chat_id))
        times = [r.time for r in log if r.time >= started]
        # One slot of burst, and a few for the jitter between leaving the limiter and arriving
        # on a loaded machine; two limiters would show about twice the rate.
        assert most_in_any_window(times, 2.0) <= 2 * RATE + 5
    finally:
        await harness.stop()
