"""Replies draw on the process's one sending budget (`bot.delivery.limits`), ahead of bulk.

Plugged into python-telegram-bot in place of its AIORateLimiter, so every request the
application's bot makes to a chat (replies, edits, files, apologies) takes a slot. Like PTB's
limiter with retries, a RetryAfter answer is waited out and the request tried again; unlike
it, the wait is the shared pause, so scheduled messages hold too.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

from bot.delivery.limits import Limits
from bot.delivery.sender import retry_after_seconds
from bot.ops.metrics import Metrics

log = logging.getLogger(__name__)

MAX_RETRIES = 3  # RetryAfter answers waited out before the error reaches the caller

JSON = bool | dict[str, Any] | list[dict[str, Any]]


class ReplyLimiter(BaseRateLimiter[int]):
    def __init__(self, limits: Limits, metrics: Metrics, max_retries: int = MAX_RETRIES) -> None:
        self.limits = limits
        self.metrics = metrics
        self.max_retries = max_retries

    async def initialize(self) -> None:
        """Nothing to set up: the budget lives as long as the process."""

    async def shutdown(self) -> None:
        """Nothing to release."""

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, JSON]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> JSON:
        """Take a reply's slot when the request goes to a chat, then send; wait out RetryAfter."""
        # Telegram's limits count messages: reading a chat (getChatMember) takes no slot.
        chat = None if endpoint.startswith("get") else data.get("chat_id")
        retries = self.max_retries if rate_limit_args is None else rate_limit_args
        attempt = 0
        while True:
            if chat is not None:
                await self.limits.acquire(_chat_key(chat), reply=True)
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as error:
                if attempt == retries:
                    raise
                attempt += 1
                wait = retry_after_seconds(error)
                log.warning(
                    "Telegram asked to wait %.0f s (%s); pausing every send", wait, endpoint
                )
                self.limits.pause(wait)
                self.metrics.retry_after_pauses.inc()
                self.metrics.retry_after_seconds.inc(wait)


def _chat_key(chat: object) -> int | None:
    """The chat as the limits key it (an int id); None for a "@channel" name."""
    if isinstance(chat, int):
        return chat
    if isinstance(chat, str) and chat.removeprefix("-").isdigit():
        return int(chat)
    return None
