"""The application factory: services and a python-telegram-bot Application, built on demand
from settings (nothing is created at import time)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from datetime import datetime, timedelta
from typing import Any

from telegram import Bot
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder, CallbackContext
from telegram.request import HTTPXRequest

import handlers
from bot.callbacks import CallbackCodec, codec_key
from bot.i18n import Catalogs
from bot.menus import publish_defaults, publish_for
from bot.pipeline import Pipeline
from bot.routing import Command
from bot.services import Services
from bot.settings import Settings
from bot.understanding import Understanding
from bot.updates import PerChatUpdateProcessor
from handlers.broadcast_progress import INTERVAL, progress_job
from handlers.checkin_prompts import PLAN_EVERY, prompt_planner
from handlers.errors import error_handler
from storage.database import Database
from storage.models import Role, utcnow

log = logging.getLogger(__name__)

# Telegram keeps undelivered updates for 24 hours; ids older than that cannot come back.
HANDLED_UPDATE_RETENTION = timedelta(hours=48)


def build_services(settings: Settings, *, clock: Callable[[], datetime] = utcnow) -> Services:
    token = settings.require_token()
    commands = tuple(route for route in handlers.routes() if isinstance(route, Command))
    return Services(
        settings=settings,
        db=Database(settings.database.url, echo=settings.database.echo),
        catalogs=Catalogs.load(settings.locale.default_language),
        codec=CallbackCodec(codec_key(token)),
        understanding=Understanding.shipped(settings.understanding.embedder),
        commands=commands,
        kinds={kind.name: kind for kind in handlers.kinds()},
        clock=clock,
    )


def sending_bot(services: Services) -> Bot:
    """The bot the dispatcher sends through: the sender keeps Telegram's limits itself, so it
    has no rate limiter of PTB's, and enough connections for its sends in flight."""
    telegram, delivery = services.settings.telegram, services.settings.delivery
    pool = delivery.concurrency + 2
    return Bot(
        services.settings.require_token(),
        base_url=telegram.base_url,
        base_file_url=telegram.base_file_url,
        request=HTTPXRequest(connection_pool_size=pool, pool_timeout=10.0),
    )


def build_application(services: Services) -> Application:  # type: ignore[type-arg]
    telegram = services.settings.telegram
    application = (
        ApplicationBuilder()
        .token(services.settings.require_token())
        .base_url(telegram.base_url)
        .base_file_url(telegram.base_file_url)
        # A cancelled long poll can keep its connection checked out; a second one lets the
        # final getUpdates (which confirms handled updates at shutdown) go through.
        .get_updates_connection_pool_size(2)
        # Replies honour RetryAfter and the group limits; bulk sending has its own sender.
        .rate_limiter(AIORateLimiter(max_retries=3))
        .concurrent_updates(PerChatUpdateProcessor())
        .build()
    )
    Pipeline(services, handlers.routes(), handlers.fallbacks()).install(application)
    application.add_error_handler(error_handler(services))
    return application


async def on_start(application: Application, services: Services) -> None:  # type: ignore[type-arg]
    """Once connected: publish the command menus and schedule housekeeping."""
    bot = application.bot
    await publish_defaults(bot, services.catalogs, services.commands)
    async with services.db.unit_of_work() as uow:
        staff = await uow.partners.with_roles([Role.COORDINATOR, Role.ADMIN])
    for partner in staff:
        if partner.telegram_id is not None:
            await publish_for(
                bot, services.catalogs, services.commands, partner.telegram_id, partner
            )
    assert application.job_queue is not None
    application.job_queue.run_repeating(_prune(services), interval=3600, first=60, name="prune")
    if services.settings.checkins.prompts:
        application.job_queue.run_repeating(
            prompt_planner(services), interval=PLAN_EVERY, first=1, name="checkin-prompts"
        )
    application.job_queue.run_repeating(progress_job(services), interval=INTERVAL, name="progress")
    log.info("bot @%s is up", bot.username)


def _prune(
    services: Services,
) -> Callable[[CallbackContext], Coroutine[Any, Any, None]]:  # type: ignore[type-arg]
    async def prune(_context: CallbackContext) -> None:  # type: ignore[type-arg]
        async with services.db.unit_of_work() as uow:
            removed = await uow.updates.prune(services.clock() - HANDLED_UPDATE_RETENTION)
        log.debug("pruned %s handled update ids", removed)

    return prune
