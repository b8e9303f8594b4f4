"""Telegram's sending limits, kept in one place for every scheduled message.

Overall messages per second (paced, with a burst of 1/20 of a second's worth so a late wake-up
does not lose throughput), a minimum interval between two messages to one chat, a sliding
minute for each group, and a pause for everyone when Telegram answers 429 RetryAfter.
All state is in memory: only the replica holding the sending lock sends.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable

from bot.ops.metrics import Metrics


class Limits:
    def __init__(
        self,
        per_second: float,
        per_chat_interval: float,
        group_per_minute: int,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        metrics: Metrics | None = None,
    ) -> None:
        self._interval = 1 / per_second
        self._burst = max(1.0, per_second / 20) * self._interval
        self._per_chat = per_chat_interval
        self._group_per_minute = group_per_minute
        self._clock = clock
        self._sleep = sleep
        self._metrics = metrics
        self._next_slot = 0.0
        self._paused_until = 0.0
        self._chat_ready: dict[int, float] = {}
        self._group_sends: dict[int, deque[float]] = {}

    async def acquire(self, chat_id: int) -> None:
        """Wait until a message to `chat_id` may be sent, and count it as sent."""
        now = started = self._clock()
        # Reserve this chat's slot first, so two messages to one chat never go out together.
        ready = max(now, self._chat_ready.get(chat_id, 0.0))
        self._chat_ready[chat_id] = ready + self._per_chat
        if chat_id < 0:
            ready = max(ready, self._group_slot(chat_id, ready))
        await self._until(ready)
        while True:
            now = self._clock()
            if now < self._paused_until:
                await self._until(self._paused_until)
                continue
            # Up to a burst's worth of unused slots may be caught up at once.
            slot = max(self._next_slot, now - self._burst)
            self._next_slot = slot + self._interval
            await self._until(slot)
            self._count_wait(self._clock() - started)
            return

    def pause(self, seconds: float) -> None:
        """Telegram said RetryAfter: nobody sends for `seconds`."""
        self._paused_until = max(self._paused_until, self._clock() + seconds)

    def forget_idle_chats(self) -> None:
        """Drop per-chat state that can no longer delay anything (keeps memory flat)."""
        now = self._clock()
        self._chat_ready = {c: t for c, t in self._chat_ready.items() if t > now}
        self._group_sends = {
            g: times for g, times in self._group_sends.items() if times and times[-1] > now - 60
        }

    def _group_slot(self, chat_id: int, earliest: float) -> float:
        sends = self._group_sends.setdefault(chat_id, deque())
        while sends and sends[0] <= earliest - 60:
            sends.popleft()
        slot = earliest if len(sends) < self._group_per_minute else sends[0] + 60
        sends.append(slot)
        return slot

    def _count_wait(self, waited: float) -> None:
        if self._metrics is not None and waited > 0:
            self._metrics.rate_limit_waits.inc()
            self._metrics.rate_limit_wait_seconds.inc(waited)

    async def _until(self, moment: float) -> None:
        delay = moment - self._clock()
        if delay > 0:
            await self._sleep(delay)
