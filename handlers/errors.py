"""PTB's error handler: log what failed in a scheduled job with enough context to fix it (an
update's failure is the inbox's to apologise for, `bot.notices`)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from typing import Any

from bot.ptb import Context
from bot.services import Services

log = logging.getLogger(__name__)

ErrorHandler = Callable[[object, Context], Coroutine[Any, Any, None]]


def error_handler(_services: Services) -> ErrorHandler:
    """For PTB: errors it catches come from jobs (updates are handled by the inbox)."""

    async def on_error(update: object, context: Context) -> None:
        log.error("a scheduled job failed", exc_info=context.error)

    return on_error
