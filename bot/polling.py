"""Long polling that loses nothing: each batch from getUpdates is stored in the inbox before the
next call's offset confirms it. (PTB's updater confirms updates as soon as they are queued in
memory, so a crash loses what was queued.) Until the inbox takes a batch, the offset stays and
Telegram sends the batch again."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

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
            updates = await _get_updates(bot, offset, hold)
            if updates:
                await inbox.receive(updates)
                offset = updates[-1]["update_id"] + 1
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


async def _get_updates(bot: Bot, offset: int | None, hold: int) -> list[dict[str, Any]]:
    """A batch as Telegram sent it, stored as it is and parsed once by the inbox
    (`Bot.get_updates` parses it into objects the inbox had to turn back into JSON). ExtBot's
    get_updates adds only the callback data cache, which this bot does not use."""
    # Bot._post is what get_updates calls (do_api_request warns for endpoints PTB has methods
    # for); ExtBot sends getUpdates past the rate limiter. The read timeout is get_updates's:
    # the getUpdates connection's own plus the time Telegram holds the call.
    read_timeout = (bot._request[0].read_timeout or 0) + hold
    data = {"offset": offset, "timeout": hold, "allowed_updates": Update.ALL_TYPES}
    updates: list[dict[str, Any]] = await bot._post("getUpdates", data, read_timeout=read_timeout)
    return updates
