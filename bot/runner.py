"""Running the bot: migrate, start the application, receive updates by long polling or webhook,
and stop cleanly on a signal."""

from __future__ import annotations

import asyncio
import logging
import signal

from aiohttp import web
from sqlalchemy.exc import DBAPIError
from telegram import Update
from telegram.error import InvalidToken, NetworkError

from bot.app import build_application, build_inbox, build_services, on_start, sending_bot
from bot.delivery.dispatcher import Dispatcher, process_owner
from bot.delivery.limits import Limits
from bot.ops.server import OpsServer
from bot.ops.stalls import StallWatch
from bot.polling import poll
from bot.services import Services
from bot.settings import Settings, StartupError
from bot.webhook import webhook_app
from storage.database import DatabaseBusy
from storage.presence import Presence

log = logging.getLogger(__name__)


async def run_bot(settings: Settings, *, migrate: bool, stop: asyncio.Event | None = None) -> None:
    settings.require_webhook_secret()
    settings.require_free_health_port()
    services = build_services(settings)
    ready = asyncio.Event()
    try:
        with services.db.exclusive():
            if migrate:
                await services.db.upgrade()
            await serve(services, stop or _stop_on_signals(), ready)
    except DatabaseBusy as error:
        raise StartupError(str(error)) from None
    except InvalidToken:
        raise StartupError("Telegram refused the bot token: check telegram.token") from None
    except (OSError, DBAPIError, NetworkError) as error:
        if ready.is_set():
            raise
        what = (
            f"Telegram at {settings.telegram.base_url}"
            if isinstance(error, NetworkError)
            else f"the database at {services.db.safe_url}"
        )
        raise StartupError(f"cannot reach {what}: {_first_line(error)}") from None
    finally:
        await services.db.dispose()


def _first_line(error: BaseException) -> str:
    lines = str(getattr(error, "orig", None) or error).strip().splitlines()
    return lines[0] if lines else type(error).__name__


async def serve(
    services: Services, stop: asyncio.Event, ready: asyncio.Event | None = None
) -> None:
    """Run until `stop` is set; set `ready` once updates are being received."""
    limits = Limits.from_settings(services.settings.delivery, services.metrics)  # one budget
    application = build_application(services, limits)
    webhook = services.settings.webhook
    owner = process_owner()
    async with (
        Presence(services.db, owner),
        application,
        sending_bot(services) as bot,
        OpsServer(services, bot) as ops,  # listening before anything starts, so /healthz answers
        StallWatch(services.metrics.loop_lag),
    ):
        await application.start()
        inbox = build_inbox(services, application.bot, owner)
        await on_start(application, services, inbox)
        await services.understanding.warm(services.db)
        dispatcher = Dispatcher(services, bot, owner=owner, limits=limits)
        dispatcher.start(application.job_queue)
        ops.watch(dispatcher)
        runner: web.AppRunner | None = None
        polling: asyncio.Task[None] | None = None
        if not services.settings.telegram.receive_updates:
            log.info("not receiving updates: this replica only sends scheduled messages")
        elif webhook.url:
            runner = web.AppRunner(webhook_app(inbox, services))
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
            await application.bot.delete_webhook()
            polling = asyncio.create_task(poll(application.bot, inbox), name="polling")
            log.info("receiving updates by long polling")
        if ready is not None:
            ready.set()
        await stop.wait()
        log.info("stopping")
        if polling is not None:
            polling.cancel()
            await asyncio.gather(polling, return_exceptions=True)
        if runner is not None:
            await runner.cleanup()
        await inbox.close()
        await dispatcher.stop()
        await services.understanding.close()
        await application.stop()


def _stop_on_signals() -> asyncio.Event:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    return stop
