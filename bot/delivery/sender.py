"""Sends one rendered message and says what happened, in the terms the delivery rows use.

Telegram's answers map to outcomes: RetryAfter pauses every send and tries again; a 403 means
the partner blocked the bot; network errors and 5xx are retried later with backoff; any other
refusal is a failure with its reason. A group that became a supergroup is followed to its new
id at once (the link is moved when the outcome is recorded), and a deleted forum topic falls back
to the group's General topic.
"""

from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from telegram import Bot, InlineKeyboardMarkup, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
)
from telegram.warnings import PTBDeprecationWarning

from bot.delivery.kinds import Message
from bot.delivery.limits import Limits
from bot.ops.metrics import Metrics
from storage.models import DeliveryStatus

log = logging.getLogger(__name__)

RETRY_AFTER_TRIES = 5  # RetryAfter answers in a row before the row is put back for later
MAX_BACKOFF = timedelta(minutes=10)


@dataclass(frozen=True)
class Result:
    status: DeliveryStatus
    message_id: int | None = None
    error: str | None = None
    retry_at: datetime | None = None
    moved_to: int | None = None  # the group's new id, when it had become a supergroup


class Sender:
    def __init__(self, bot: Bot, limits: Limits, max_attempts: int, metrics: Metrics) -> None:
        self.bot = bot
        self.metrics = metrics
        self.limits = limits
        self.max_attempts = max_attempts

    async def send(self, chat_id: int, message: Message, attempt: int, now: datetime) -> Result:
        """Send `message`; `attempt` counts this row's tries so far, this one included."""
        markup = InlineKeyboardMarkup(message.keyboard) if message.keyboard else None
        moved_to: int | None = None
        for _ in range(RETRY_AFTER_TRIES):
            await self.limits.acquire(chat_id)
            try:
                sent = await self.bot.send_message(
                    chat_id,
                    message.text,
                    parse_mode=ParseMode.HTML,
                    reply_markup=markup,
                    link_preview_options=LinkPreviewOptions(is_disabled=True),
                    message_thread_id=message.thread_id,
                )
            except RetryAfter as error:
                wait = retry_after_seconds(error)
                log.warning("Telegram asked to wait %.0f s; pausing every send", wait)
                self.limits.pause(wait)
                self.metrics.retry_after_pauses.inc()
                self.metrics.retry_after_seconds.inc(wait)
                continue
            except Forbidden as error:
                return Result(DeliveryStatus.BLOCKED, error=str(error))
            except ChatMigrated as error:
                if moved_to is not None:  # moved twice in one send: not a migration we know
                    return Result(DeliveryStatus.FAILED, error=f"chat moved to {error.new_chat_id}")
                # The migration's own update was missed (the bot was down longer than Telegram
                # keeps updates): follow the group now rather than fail every message to it.
                chat_id = moved_to = error.new_chat_id
                log.info("group moved to %s; sending there", moved_to)
                continue
            except BadRequest as error:
                if message.thread_id is not None and "thread not found" in str(error).lower():
                    # The forum topic chosen at /link was deleted: General still reaches the
                    # group, which is better than a reminder nobody sees.
                    log.info(
                        "topic %s of %s is gone; posting in General", message.thread_id, chat_id
                    )
                    message = replace(message, thread_id=None)
                    continue
                return Result(DeliveryStatus.FAILED, error=str(error))
            except NetworkError as error:  # timeouts, connection errors and 5xx answers
                return self._later(attempt, now, f"network: {error}")
            except TelegramError as error:
                return Result(DeliveryStatus.FAILED, error=str(error))
            return Result(DeliveryStatus.SENT, message_id=sent.message_id, moved_to=moved_to)
        return self._later(attempt, now, "Telegram kept asking to wait")

    def _later(self, attempt: int, now: datetime, error: str) -> Result:
        if attempt >= self.max_attempts:
            return Result(DeliveryStatus.FAILED, error=error)
        backoff = min(timedelta(seconds=2**attempt), MAX_BACKOFF)
        return Result(DeliveryStatus.PENDING, error=error, retry_at=now + backoff)


def retry_after_seconds(error: RetryAfter) -> float:
    # PTB 22 hands out seconds and warns that a timedelta will replace them; either is fine.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)
