"""A message that says how far a long job has come ("Preparing… 40 %"), edited as it goes and
replaced by a last line when the job is done.

Edits come at most every INTERVAL seconds, within Telegram's limits on editing one message.
The message is not stored as a reply: it reports work in this process, which a restart would
not resume either. If Telegram refuses, the job goes on without it.
"""

from __future__ import annotations

import logging
import time

from telegram import Bot
from telegram.constants import ParseMode
from telegram.error import BadRequest, TelegramError

log = logging.getLogger(__name__)

INTERVAL = 2.0  # seconds between two edits of the message


class ProgressMessage:
    def __init__(self, bot: Bot, chat_id: int) -> None:
        self._bot = bot
        self._chat_id = chat_id
        self._message_id: int | None = None
        self._shown = ""
        self._at = 0.0

    async def start(self, text: str) -> None:
        try:
            message = await self._bot.send_message(self._chat_id, text, parse_mode=ParseMode.HTML)
        except TelegramError as error:
            log.warning("could not show progress in chat %s: %s", self._chat_id, error)
            return
        self._message_id, self._shown, self._at = message.message_id, text, time.monotonic()

    async def update(self, text: str) -> None:
        """Show `text` unless the last edit was too recent."""
        if time.monotonic() - self._at >= INTERVAL:
            await self._edit(text)

    async def finish(self, text: str) -> None:
        """Replace the progress with `text` (a new message when there is none to edit)."""
        if self._message_id is None:
            await self.start(text)
        else:
            await self._edit(text)

    async def _edit(self, text: str) -> None:
        if self._message_id is None or text == self._shown:
            return
        self._at = time.monotonic()
        try:
            await self._bot.edit_message_text(
                text, self._chat_id, self._message_id, parse_mode=ParseMode.HTML
            )
        except BadRequest as error:
            if "not modified" not in str(error).lower():
                log.warning("could not edit progress in chat %s: %s", self._chat_id, error)
            return
        except TelegramError as error:
            log.warning("could not edit progress in chat %s: %s", self._chat_id, error)
            return
        self._shown = text
