"""Long polling that loses nothing: each batch from getUpdates is stored in the inbox before the
next call's offset confirms it. (PTB's updater confirms updates as soon as they are queued in
memory, so a crash loses what was queued.) Until the inbox takes a batch, the offset stays and
Telegram sends the batch again."""

from __future__ import annotations

import asyncio
import logging

from telegram import Bot, Update
from telegram.error import Conflict, NetworkError, RetryAfter, TimedOut

from bot.inbox import Inbox, is_outage

log = logging.getLogger(__name__)

LONG_POLL = 30  # seconds Telegram holds a getUpdates call open when nothing arrives
PAUSES = (1, 2, 5, 10, 30)  # seconds between tries while Telegram or the database is away


async def poll(bot: Bot, inbox: Inbox, *, hold: int = LONG_POLL) -> None:
    """Receive updates until cancelled."""
    offset: int | None = None
    trouble = 0
    while True:
        try:
            updates = await bot.get_updates(
                offset=offset, timeout=hold, allowed_updates=Update.ALL_TYPES
            )
            if updates:
                await inbox.receive(updates)
                offset = updates[-1].update_id + 1
            trouble = 0
        except TimedOut:
            continue  # a long poll that outlived the HTTP timeout: ask again
        except Conflict as error:
            trouble += 1
            log.warning("another process is polling with this token: %s", error)
        except (NetworkError, RetryAfter) as error:
            trouble += 1
            log.warning("could not reach Telegram: %s", error)
        except Exception as error:
            if not is_outage(error):
                raise
            trouble += 1
            log.warning("could not store updates; Telegram will send them again: %s", error)
        if trouble:
            await asyncio.sleep(PAUSES[min(trouble, len(PAUSES)) - 1])
