"""The sender's limits on a simulated clock: no more than the overall rate (plus its small
burst) in any second, one message a second to one chat, twenty a minute to one group, and a
RetryAfter pause that holds every send."""

from __future__ import annotations

import asyncio
import itertools

from bot.delivery.limits import Limits


class FakeTime:
    def __init__(self) -> None:
        self.now = 1000.0

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds
        await asyncio.sleep(0)


def limits(time: FakeTime, per_second: float, per_chat: float = 1.0, group: int = 20) -> Limits:
    return Limits(per_second, per_chat, group, clock=time.clock, sleep=time.sleep)


def most_in_any_window(times: list[float], window: float) -> int:
    return max(sum(1 for t in times if start <= t < start + window) for start in times)


async def send_all(limit: Limits, time: FakeTime, chats: list[int]) -> list[float]:
    sent = []
    for chat in chats:
        await limit.acquire(chat)
        sent.append(time.now)
    return sent


async def test_the_overall_rate_holds_in_every_second() -> None:
    time = FakeTime()
    sent = await send_all(limits(time, 30), time, list(range(1, 301)))
    # 300 messages at 30/s take about ten seconds; a late wake-up may catch up 1/20 s worth.
    assert 9.5 <= sent[-1] - sent[0] <= 10.5
    assert most_in_any_window(sent, 1.0) <= 30 + 2


async def test_one_chat_gets_one_message_a_second() -> None:
    time = FakeTime()
    sent = await send_all(limits(time, 1000), time, [7] * 5)
    gaps = [later - earlier for earlier, later in itertools.pairwise(sent)]
    assert all(gap >= 1.0 for gap in gaps)


async def test_a_group_gets_twenty_a_minute() -> None:
    time = FakeTime()
    sent = await send_all(limits(time, 1000, per_chat=0), time, [-100] * 45)
    assert most_in_any_window(sent, 60.0) <= 20
    assert sent[-1] - sent[0] >= 120  # 45 messages need three minutes' windows


async def test_retry_after_pauses_every_send() -> None:
    time = FakeTime()
    limit = limits(time, 1000)
    await limit.acquire(1)
    limit.pause(5)
    start = time.now
    await limit.acquire(2)  # another chat: still waits for Telegram's pause
    assert time.now - start >= 5


async def test_idle_chats_are_forgotten() -> None:
    time = FakeTime()
    limit = limits(time, 1000)
    await send_all(limit, time, list(range(1, 101)))
    time.now += 120
    limit.forget_idle_chats()
    assert limit._chat_ready == {}
