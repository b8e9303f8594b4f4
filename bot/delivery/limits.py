"""Telegram's sending limits, kept in one place for everything the process sends: one budget
that replies and scheduled messages share.

Overall messages per second (paced, with a burst of 1/20 of a second's worth so a late wake-up
does not lose throughput), a minimum interval between two messages to one chat, a sliding
minute for each group, and a pause for everyone when Telegram answers 429 RetryAfter.

Replies come first. A waiting send does not book a slot ahead: it sleeps until the next free
slot, then takes it, unless it is bulk and a reply is waiting, in which case it steps back
until no reply waits. So a reply waits at most for the next free slot, and bulk sending takes
only the slots replies leave (with none reserved for replies, an idle bot can broadcast at
the full rate). A reply is not held to the one-message-a-second interval of a private chat
(the user is talking; the inbox's flood control keeps that to about one update a second), but
it counts towards it, so a scheduled message to that chat waits; groups keep their twenty a
minute for both.

All state is in memory, one budget per process. Across replicas: each has its own budget for
the replies it sends, and only the replica holding the sending lock sends scheduled messages,
so with R replicas the worst case is one budget of bulk plus replies on each; no distributed
limiter is attempted.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable

from bot.ops.metrics import Metrics
from bot.settings import DeliverySettings


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
        self._replies_waiting = 0
        self._replies_idle = asyncio.Event()
        self._replies_idle.set()

    @classmethod
    def from_settings(cls, settings: DeliverySettings, metrics: Metrics) -> Limits:
        return cls(
            settings.per_second,
            settings.per_chat_interval,
            settings.group_per_minute,
            metrics=metrics,
        )

    async def acquire(self, chat_id: int | None, *, reply: bool = False) -> None:
        """Wait until a message to `chat_id` may be sent, and count it as sent; a `reply` goes
        before every bulk send waiting (`None`: a chat the limits cannot key, e.g. "@channel")."""
        started = self._clock()
        if reply:
            self._replies_waiting += 1
            self._replies_idle.clear()
        try:
            if chat_id is not None:
                await self._until(self._chat_slot(chat_id, started, reply))
            await self._overall_slot(reply)
        finally:
            if reply:
                self._replies_waiting -= 1
                if not self._replies_waiting:
                    self._replies_idle.set()
        self._count_wait(self._clock() - started)

    def _chat_slot(self, chat_id: int, now: float, reply: bool) -> float:
        """Reserve the chat's slot first, so two messages to one chat never go out together."""
        chat_ready = self._chat_ready.get(chat_id, 0.0)
        ready = now if reply else max(now, chat_ready)
        self._chat_ready[chat_id] = max(chat_ready, ready) + self._per_chat
        if chat_id < 0:
            ready = max(ready, self._group_slot(chat_id, ready))
        return ready

    async def _overall_slot(self, reply: bool) -> None:
        while True:
            now = self._clock()
            if now < self._paused_until:
                await self._until(self._paused_until)
                continue
            # Up to a burst's worth of unused slots may be caught up at once.
            slot = max(self._next_slot, now - self._burst)
            if slot > now:
                await self._until(slot)  # not booked: whoever may take it when it comes does
                continue
            if not reply and self._replies_waiting:
                await self._replies_idle.wait()
                continue
            self._next_slot = slot + self._interval
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
