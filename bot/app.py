"""The application factory: services and a python-telegram-bot Application, built on demand
from settings (nothing is created at import time)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from telegram import Bot
from telegram.ext import ApplicationBuilder
from telegram.request import HTTPXRequest

import handlers
from bot.callbacks import CallbackCodec, codec_key
from bot.delivery.limits import Limits
from bot.delivery.reply_limiter import ReplyLimiter
from bot.i18n import Catalogs
from bot.inbox import Inbox
from bot.menus import publish_defaults, publish_for
from bot.pipeline import Pipeline
from bot.ptb import App, Context, Job
from bot.replies import ReplySender
from bot.routing import Command, GroupCommand
from bot.services import Services
from bot.settings import Settings
from bot.understanding import Understanding
from storage.database import Database
from storage.models import Role, utcnow

log = logging.getLogger(__name__)

# Telegram keeps undelivered updates for 24 hours; ids older than that cannot come back.
HANDLED_UPDATE_RETENTION = timedelta(hours=48)
CATCH_UP_EVERY = 5  # seconds between looks for updates and replies a stopped process left


def build_services(settings: Settings, *, clock: Callable[[], datetime] = utcnow) -> Services:
    token = settings.require_token()
    routes = handlers.routes()
    commands = tuple(route for route in routes if isinstance(route, Command))
    return Services(
        settings=settings,
        db=Database(settings.database.url, echo=settings.database.echo),
        catalogs=Catalogs.load(settings.locale.default_language),
        codec=CallbackCodec(codec_key(token)),
        understanding=Understanding.shipped(settings.understanding.embedder),
        commands=commands,
        group_commands=tuple(route for route in routes if isinstance(route, GroupCommand)),
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


def build_application(services: Services, limits: Limits) -> App:
    """`limits`: the process's sending budget; replies draw on it ahead of the dispatcher."""
    telegram = services.settings.telegram
    application = (
        ApplicationBuilder()
        .token(services.settings.require_token())
        .base_url(telegram.base_url)
        .base_file_url(telegram.base_file_url)
        # Updates come through the inbox (bot.polling or bot.webhook), not PTB's updater.
        .updater(None)
        .rate_limiter(ReplyLimiter(limits, services.metrics))
        .build()
    )
    application.add_error_handler(handlers.error_handler(services))
    return application


def build_inbox(services: Services, bot: Bot, owner: str) -> Inbox:
    pipeline = Pipeline(services, handlers.routes(), handlers.fallbacks())
    return Inbox(services, bot, pipeline, ReplySender(services, bot, owner))


async def on_start(application: App, services: Services, inbox: Inbox) -> None:
    """Once connected: publish the command menus, take over what a stopped process left
    (updates not handled, replies not sent) and schedule housekeeping."""
    bot = application.bot
    await publish_defaults(bot, services)
    async with services.db.unit_of_work() as uow:
        staff = await uow.partners.with_roles([Role.COORDINATOR, Role.ADMIN])
    for partner in staff:
        if partner.telegram_id is not None:
            await publish_for(
                bot, services.catalogs, services.commands, partner.telegram_id, partner
            )
    await inbox.replies.sweep()  # before any new update, so a chat's replies keep their order
    await inbox.catch_up(timedelta(0))
    assert application.job_queue is not None
    application.job_queue.run_repeating(
        _catch_up(inbox), interval=CATCH_UP_EVERY, first=CATCH_UP_EVERY, name="catch-up"
    )
    application.job_queue.run_repeating(_prune(services), interval=3600, first=60, name="prune")
    for job in handlers.jobs():
        if job.wanted(services.settings):
            application.job_queue.run_repeating(
                job.make(services), interval=job.interval, first=job.first, name=job.name
            )
    log.info("bot @%s is up", bot.username)


def _catch_up(inbox: Inbox) -> Job:
    async def catch_up(_context: Context) -> None:
        await inbox.replies.sweep()
        await inbox.catch_up()

    return catch_up


def _prune(services: Services) -> Job:
    async def prune(_context: Context) -> None:
        before = services.clock() - HANDLED_UPDATE_RETENTION
        async with services.db.unit_of_work() as uow:
            updates = await uow.inbox.prune(before)
        log.debug("pruned %s handled updates", updates)

    return prune
