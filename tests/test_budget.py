"""One sending budget for replies and scheduled messages, on a simulated clock shared by many
senders: a reply takes the next free slot however much bulk waits, bulk takes the rest, the
two together keep the overall rate, and a RetryAfter seen by a reply holds everyone."""

from __future__ import annotations

import asyncio
import heapq
import itertools
from collections.abc import Awaitable
from datetime import timedelta
from typing import Any

import pytest
from telegram.error import RetryAfter

from bot.delivery.limits import Limits
from bot.delivery.reply_limiter import ReplyLimiter
from bot.ops.metrics import Metrics

RATE = 20


class SharedTime:
    """A clock many tasks sleep on: time jumps to the earliest wake-up once all are idle."""

    def __init__(self) -> None:
        self.now = 1000.0
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._order = itertools.count()

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        future = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (self.now + max(0.0, seconds), next(self._order), future))
        await future

    async def run(self, *coroutines: Awaitable[None]) -> None:
        tasks = [asyncio.ensure_future(c) for c in coroutines]
        while not all(task.done() for task in tasks):
            for _ in range(20):  # let every task run until it sleeps or waits
                await asyncio.sleep(0)
            if self._sleepers:
                when, _n, future = heapq.heappop(self._sleepers)
                self.now = max(self.now, when)
                future.set_result(None)
        await asyncio.gather(*tasks)


def budget(time: SharedTime, per_chat: float = 1.0) -> Limits:
    return Limits(RATE, per_chat, 20, clock=time.clock, sleep=time.sleep)


def most_in_any_window(times: list[float], window: float) -> int:
    return max(sum(1 for t in times if start <= t < start + window) for start in times)


async def bulk(limits: Limits, chats: list[int], sent: list[tuple[str, float]]) -> None:
    for chat in chats:
        await limits.acquire(chat)
        sent.append(("bulk", limits._clock()))


def senders(limits: Limits, count: int, sent: list[tuple[str, float]]) -> list[Awaitable[None]]:
    """Eight bulk senders (the dispatcher's default concurrency) sharing `count` chats."""
    chats = list(range(1, count + 1))
    return [bulk(limits, chats[n::8], sent) for n in range(8)]


async def test_a_reply_takes_the_next_free_slot_while_bulk_waits() -> None:
    time = SharedTime()
    limits = budget(time)
    sent: list[tuple[str, float]] = []
    asked: list[int] = []

    async def reply() -> None:
        await time.sleep(2.0)  # forty bulk messages out, a hundred and sixty waiting
        asked.append(len(sent))
        await limits.acquire(10**9, reply=True)  # a user's private chat
        sent.append(("reply", time.now))

    await time.run(reply(), *senders(limits, 200, sent))
    position = [kind for kind, _at in sent].index("reply")
    assert position - asked[0] <= 1  # at most the slot already due went first
    assert len(sent) == 201


async def test_replies_and_bulk_together_keep_the_overall_rate() -> None:
    time = SharedTime()
    limits = budget(time)
    sent: list[tuple[str, float]] = []

    async def user(chat: int) -> None:
        for _ in range(10):
            await time.sleep(0.5)
            await limits.acquire(chat, reply=True)
            sent.append(("reply", time.now))

    users = [user(10_000 + n) for n in range(6)]
    await time.run(*users, *senders(limits, 300, sent))
    times = [at for _kind, at in sent]
    assert most_in_any_window(times, 2.0) <= 2 * RATE + 2  # plus the small burst (one slot)
    assert sum(1 for kind, _at in sent if kind == "reply") == 60


async def test_a_reply_to_a_chat_holds_back_a_scheduled_message_to_it() -> None:
    time = SharedTime()
    limits = budget(time)
    sent: list[tuple[str, float]] = []

    async def one(chat: int, reply: bool) -> None:
        await limits.acquire(chat, reply=reply)
        sent.append(("reply" if reply else "bulk", time.now))

    await time.run(one(7, True))
    await time.run(one(7, True), one(7, False))
    replies = [at for kind, at in sent if kind == "reply"]
    bulk_at = next(at for kind, at in sent if kind == "bulk")
    assert replies[1] - replies[0] < 1.0  # a conversation is not held to one a second
    assert bulk_at - replies[1] >= 1.0  # but a scheduled message keeps its distance


class Telegram:
    """A send that answers RetryAfter `refusals` times, then succeeds."""

    def __init__(self, refusals: int) -> None:
        self.refusals = refusals
        self.calls = 0

    async def __call__(self) -> dict[str, Any]:
        self.calls += 1
        if self.calls <= self.refusals:
            raise RetryAfter(timedelta(seconds=3))
        return {"ok": True}


def limiter(time: SharedTime) -> tuple[Limits, ReplyLimiter]:
    limits = budget(time)
    return limits, ReplyLimiter(limits, Metrics(), max_retries=3)


async def test_retry_after_on_a_reply_is_waited_out_and_pauses_bulk_too() -> None:
    time = SharedTime()
    limits, replies = limiter(time)
    telegram = Telegram(refusals=1)
    after: list[float] = []
    started = time.now

    async def reply() -> None:
        answer = await replies.process_request(
            telegram, (), {}, "sendMessage", {"chat_id": 42}, None
        )
        assert answer == {"ok": True}

    async def scheduled() -> None:
        await time.sleep(0.5)  # after the refusal
        await limits.acquire(77)
        after.append(time.now)

    await time.run(reply(), scheduled())
    assert telegram.calls == 2
    assert after[0] - started >= 3  # the scheduled message waited for Telegram's pause


async def test_retry_after_past_the_retries_reaches_the_caller() -> None:
    time = SharedTime()
    _limits, replies = limiter(time)
    telegram = Telegram(refusals=10)

    async def reply() -> None:
        with pytest.raises(RetryAfter):
            await replies.process_request(telegram, (), {}, "sendMessage", {"chat_id": 1}, None)

    await time.run(reply())
    assert telegram.calls == 4  # the first try and three retries
