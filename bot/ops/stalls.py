"""Whether anything holds the event loop: every update, reply and scheduled send waits while it
does. A task asks to wake every CHECK_SECONDS; how late it wakes is the loop's lag, observed in
`landscape_bot_event_loop_lag_seconds` and logged as a warning from STALL_SECONDS.

A hold of S seconds delays the next wake by between S - CHECK_SECONDS and S, so a stall shows
at most CHECK_SECONDS shorter than it was; twenty wakes a second cost about 0.5 ms of CPU.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from types import TracebackType
from typing import Protocol

log = logging.getLogger(__name__)

CHECK_SECONDS = 0.05
STALL_SECONDS = 0.1  # a partner notices a reply this much slower


class Observer(Protocol):
    def observe(self, amount: float) -> None: ...


class StallWatch:
    """An async context manager: watching the running loop inside the block."""

    def __init__(self, lag: Observer) -> None:  # the metric's histogram
        self._lag = lag
        self._task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> StallWatch:
        self._task = asyncio.create_task(self._watch(), name="stall watch")
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        assert self._task is not None
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task

    async def _watch(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            due = loop.time() + CHECK_SECONDS
            await asyncio.sleep(CHECK_SECONDS)
            lag = max(0.0, loop.time() - due)
            self._lag.observe(lag)
            if lag >= STALL_SECONDS:
                log.warning("the event loop was held for %.0f ms", lag * 1000)
