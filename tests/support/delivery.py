"""A dispatcher wired to the local Bot API server with a test message kind, for tests of the
delivery path itself (features' kinds are tested through the bot)."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import datetime

from telegram import Bot
from telegram.request import HTTPXRequest

from bot.app import build_services
from bot.delivery.dispatcher import Dispatcher
from bot.delivery.kinds import ExpandContext, Kind, Message, Recipient, RenderContext, Skip
from bot.sandbox.api_server import LocalBotApi
from bot.services import Services
from bot.settings import Settings
from storage.deliveries import NewDelivery
from storage.models import Partner
from tests.support.bot import TOKEN

KIND = "test"


async def render(context: RenderContext) -> Message | Skip:
    if context.delivery.payload.get("skip"):
        return Skip("asked to skip")
    number = context.delivery.payload.get("n", 0)
    return Message(context.t.gettext("Hello") + f" #{number} {context.partner.id}")


async def expand(context: ExpandContext) -> Sequence[Recipient]:
    ids = context.batch.payload["partners"]
    assert isinstance(ids, list)
    page = sorted(int(partner_id) for partner_id in ids if int(partner_id) > context.after)
    return [Recipient(partner_id) for partner_id in page[: context.limit]]


def services_for(
    api: LocalBotApi, database_url: str, *, clock: object = None, **delivery: object
) -> Services:
    settings = Settings(
        telegram={"token": TOKEN, "base_url": api.base_url, "base_file_url": api.base_file_url},
        database={"url": database_url},
        delivery={"per_second": 1000, "per_chat_interval": 0, **delivery},
    )
    services = build_services(settings, **({"clock": clock} if clock else {}))
    return dataclasses.replace(services, kinds={KIND: Kind(KIND, render, expand)})


def sending_bot_for(api: LocalBotApi, *, read_timeout: float = 5.0) -> Bot:
    return Bot(
        TOKEN,
        base_url=api.base_url,
        base_file_url=api.base_file_url,
        request=HTTPXRequest(connection_pool_size=20, read_timeout=read_timeout),
    )


@asynccontextmanager
async def running(
    services: Services, api: LocalBotApi, *, read_timeout: float = 5.0
) -> AsyncIterator[Dispatcher]:
    """A dispatcher that is not started (tests call `drain()`), stopped on the way out."""
    async with sending_bot_for(api, read_timeout=read_timeout) as bot:
        dispatcher = Dispatcher(services, bot, owner=f"test-{id(bot)}")
        try:
            yield dispatcher
        finally:
            await dispatcher.stop()


async def add_partners(services: Services, first_telegram_id: int, count: int) -> list[int]:
    async with services.db.unit_of_work() as uow:
        partners = [
            Partner(
                telegram_id=first_telegram_id + n,
                name=f"P{n}",
                language="en",
                timezone="UTC",
                joined_at=services.clock(),
                consent_at=services.clock(),
            )
            for n in range(count)
        ]
        uow.session.add_all(partners)
        await uow.session.flush()
        return [partner.id for partner in partners]


async def enqueue(
    services: Services, partner_ids: Sequence[int], source: str, due_at: datetime, **payload: object
) -> int:
    async with services.db.unit_of_work() as uow:
        return await uow.deliveries.enqueue(
            KIND, source, [NewDelivery(p, due_at) for p in partner_ids], payload=payload
        )
