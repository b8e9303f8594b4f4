"""The real bot, built by the production factory and run by the production runner, polling a
local Bot API server over HTTP — so tests exercise what Telegram would."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path

from bot.app import build_services
from bot.content import apply_content, read_content_file
from bot.delivery.dispatcher import STOP_TIMEOUT
from bot.delivery.kinds import Kind
from bot.i18n import Catalogs
from bot.runner import serve
from bot.sandbox.api_server import LocalBotApi
from bot.services import Services
from bot.settings import Settings
from storage.database import Database
from storage.models import utcnow
from tests.support.chat import ChatUser

TOKEN = "123456789:AAHtest-token-for-the-local-bot-api-0"
EXAMPLE_CONTENT = Path(__file__).parents[2] / "bot" / "examples" / "content.toml"


class BotHarness:
    def __init__(
        self,
        api: LocalBotApi,
        database_url: str,
        *,
        admins: list[int],
        health_port: int | None = None,
        delivery: dict[str, object] | None = None,
        kinds: Mapping[str, Kind] | None = None,
        flood: dict[str, object] | None = None,
    ) -> None:
        """`delivery`, `flood`: settings other than the defaults; `kinds`: message kinds of
        the test's own, beside the features'."""
        self.api = api
        self.settings = Settings(
            telegram={"token": TOKEN, "base_url": api.base_url, "base_file_url": api.base_file_url},
            database={"url": database_url},
            access={"admins": admins},
            # Prompts follow the calendar (the first Monday of a month, in every test's
            # partner's zone): tests that want them plan them for a moment of their choosing.
            checkins={"prompts": False},
            # Tests run side by side (and beside other bots): a health port only when asked.
            health={"enabled": False} if health_port is None else {"port": health_port},
            delivery=delivery or {},
            # A test types faster than a person; flood control has its own tests.
            flood=flood or {"burst": 1000, "per_second": 1000},
        )
        self.kinds = kinds or {}
        self.clock: Callable[[], datetime] = utcnow
        self.services: Services | None = None
        self._stop: asyncio.Event | None = None
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        services = build_services(self.settings, clock=lambda: self.clock())
        self.services = dataclasses.replace(services, kinds={**services.kinds, **self.kinds})
        await self.services.db.upgrade()
        self._stop, ready = asyncio.Event(), asyncio.Event()
        self._task = asyncio.create_task(serve(self.services, self._stop, ready))
        await asyncio.wait_for(ready.wait(), timeout=10)

    async def stop(self) -> None:
        assert self._stop is not None
        assert self._task is not None
        assert self.services is not None
        self._stop.set()
        # The sender may use all of its STOP_TIMEOUT (a send waiting for a group's minute).
        await asyncio.wait_for(self._task, timeout=STOP_TIMEOUT + 5)
        await self.services.db.dispose()

    async def restart(self) -> None:
        """Stop the bot and start a new one on the same database: nothing may be lost."""
        await self.stop()
        await self.start()

    def user(
        self,
        user_id: int,
        first_name: str,
        *,
        language_code: str | None = None,
        username: str | None = None,
    ) -> ChatUser:
        return ChatUser(
            self.api,
            user_id=user_id,
            first_name=first_name,
            username=username,
            language_code=language_code,
        )

    async def load_example_content(self) -> None:
        database = Database(self.settings.database.url)
        try:
            await database.upgrade()
            async with database.unit_of_work() as uow:
                await apply_content(uow, read_content_file(EXAMPLE_CONTENT))
        finally:
            await database.dispose()

    @property
    def catalogs(self) -> Catalogs:
        assert self.services is not None
        return self.services.catalogs

    @property
    def db(self) -> Database:
        assert self.services is not None
        return self.services.db
