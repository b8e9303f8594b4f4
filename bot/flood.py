"""Per-chat flood control for incoming updates: a token bucket per chat, so one person sending
twenty messages a second is answered at a person's pace, in order, without delaying anyone
else. Nothing is dropped: updates beyond the bucket stay stored in the inbox and are handled
as tokens come back, and the user is told once per flood why answers are slower.
"""

from __future__ import annotations

import time
from collections.abc import Callable


class FloodGate:
    def __init__(
        self,
        burst: float,
        per_second: float,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._burst = burst
        self._rate = per_second
        self._clock = clock
        self._buckets: dict[int, tuple[float, float]] = {}  # chat → (tokens, when counted)

    def take(self, chat_id: int) -> float:
        """Take a token for one of the chat's updates: 0.0 when it may be handled now, else
        the seconds until one is back (nothing taken)."""
        tokens, now = self._tokens(chat_id)
        if tokens >= 1:
            self._buckets[chat_id] = (tokens - 1, now)
            return 0.0
        self._buckets[chat_id] = (tokens, now)
        return (1 - tokens) / self._rate

    def give_back(self, chat_id: int) -> None:
        """Return a token taken for an update that was not there (or not handled)."""
        tokens, now = self._tokens(chat_id)
        self._buckets[chat_id] = (min(self._burst, tokens + 1), now)

    def forget_full(self) -> None:
        """Drop the buckets that have refilled (a chat without one has a full bucket)."""
        self._buckets = {
            chat: (tokens, at)
            for chat, (tokens, at) in self._buckets.items()
            if self._tokens(chat)[0] < self._burst
        }

    def _tokens(self, chat_id: int) -> tuple[float, float]:
        now = self._clock()
        tokens, at = self._buckets.get(chat_id, (self._burst, now))
        return min(self._burst, tokens + (now - at) * self._rate), now
