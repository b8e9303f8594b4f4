"""Whether this replica can do its work: the database answers and is at the newest migration,
the sender is running and not stuck, and Telegram answered recently.

Telegram is asked in the background (getMe once a minute), never by a probe: a load balancer
probing every few seconds must not spend the bot's requests.
"""

from __future__ import annotations

import asyncio
import logging
import time

from sqlalchemy.exc import SQLAlchemyError
from telegram import Bot
from telegram.error import TelegramError

from bot.delivery.dispatcher import Dispatcher
from bot.services import Services
from storage.database import latest_revision

log = logging.getLogger(__name__)

DATABASE_TIMEOUT = 3.0  # seconds a probe waits for the database
TELEGRAM_EVERY = 60.0  # seconds between two getMe calls
TELEGRAM_STALE = 3 * TELEGRAM_EVERY  # two getMe calls may fail before readiness does
OK = "ok"


class Readiness:
    def __init__(self, services: Services, bot: Bot) -> None:
        self.services = services
        self.bot = bot
        self.latest = latest_revision()
        self.dispatcher: Dispatcher | None = None  # set once it runs
        self.telegram_seen: float | None = None  # monotonic time of the last getMe answer

    async def check(self) -> dict[str, str]:
        """Each check's name and "ok" or what is wrong with it."""
        checks = {"database": OK, "migrations": OK}
        try:
            revision = await asyncio.wait_for(self.services.db.revision(), DATABASE_TIMEOUT)
        except (SQLAlchemyError, OSError, TimeoutError) as error:
            log.warning("readiness: database unreachable: %s", type(error).__name__)
            checks["database"] = checks["migrations"] = "unreachable"
        else:
            if revision != self.latest:
                checks["migrations"] = f"at {revision}, expected {self.latest}"
        checks["dispatcher"] = self._dispatcher()
        checks["telegram"] = self._telegram()
        return checks

    def _dispatcher(self) -> str:
        if self.dispatcher is None or not self.dispatcher.running:
            return "not running"
        idle = time.monotonic() - self.dispatcher.last_round
        limit = self.services.settings.health.stuck_seconds
        return OK if idle <= limit else f"stuck: no round for {idle:.0f} s"

    def _telegram(self) -> str:
        if self.telegram_seen is None:
            return "no answer to getMe yet"
        silent = time.monotonic() - self.telegram_seen
        return OK if silent <= TELEGRAM_STALE else f"no answer to getMe for {silent:.0f} s"

    async def watch_telegram(self) -> None:
        """Ask Telegram who the bot is, once a minute, until cancelled."""
        while True:
            try:
                await self.bot.get_me()
                self.telegram_seen = time.monotonic()
            except TelegramError as error:  # the token never appears in these messages
                log.warning("readiness: Telegram did not answer getMe: %s", error)
            await asyncio.sleep(TELEGRAM_EVERY)
