"""Running the bot: migrate, start the application, receive updates by long polling or webhook,
and stop cleanly on a signal."""

from __future__ import annotations

import asyncio
import logging
import signal

from aiohttp import web
from telegram import Update

from bot.app import build_application, build_services, on_start, sending_bot
from bot.delivery.dispatcher import Dispatcher
from bot.services import Services
from bot.settings import Settings
from bot.webhook import webhook_app

log = logging.getLogger(__name__)


async def run_bot(settings: Settings, *, migrate: bool, stop: asyncio.Event | None = None) -> None:
    settings.require_webhook_secret()
    services = build_services(settings)
    try:
        if migrate:
            await services.db.upgrade()
        await serve(services, stop or _stop_on_signals())
    finally:
        await services.db.dispose()


async def serve(
    services: Services, stop: asyncio.Event, ready: asyncio.Event | None = None
) -> None:
    """Run until `stop` is set; set `ready` once updates are being received."""
    application = build_application(services)
    webhook = services.settings.webhook
    async with application, sending_bot(services) as bot:
        await application.start()
        await on_start(application, services)
        await services.understanding.warm(services.db)
        dispatcher = Dispatcher(services, bot)
        dispatcher.start(application.job_queue)
        runner: web.AppRunner | None = None
        if not services.settings.telegram.receive_updates:
            log.info("not receiving updates: this replica only sends scheduled messages")
        elif webhook.url:
            runner = web.AppRunner(webhook_app(application, services))
            await runner.setup()
            await web.TCPSite(runner, webhook.listen, webhook.port).start()
            assert webhook.secret is not None
            await application.bot.set_webhook(
                webhook.url,
                secret_token=webhook.secret.get_secret_value(),
                allowed_updates=Update.ALL_TYPES,
            )
            log.info("receiving updates by webhook on port %s", webhook.port)
        else:
            assert application.updater is not None
            await application.bot.delete_webhook()
            await application.updater.start_polling(allowed_updates=Update.ALL_TYPES, timeout=30)
            log.info("receiving updates by long polling")
        if ready is not None:
            ready.set()
        await stop.wait()
        log.info("stopping")
        await dispatcher.stop()
        await services.understanding.close()
        if application.updater is not None and application.updater.running:
            await application.updater.stop()
        if runner is not None:
            await runner.cleanup()
        await application.stop()


def _stop_on_signals() -> asyncio.Event:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    return stop
