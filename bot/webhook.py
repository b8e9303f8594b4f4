"""Webhook mode: a small aiohttp server that takes Telegram's POSTs (only with the secret
header) and answers health checks for the load balancer."""

from __future__ import annotations

import hmac
import logging
from urllib.parse import urlsplit

from aiohttp import web
from sqlalchemy import text
from telegram import Update
from telegram.ext import Application

from bot.services import Services

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header name, not a secret


def webhook_app(application: Application, services: Services) -> web.Application:  # type: ignore[type-arg]
    webhook = services.settings.webhook
    assert webhook.url is not None
    assert webhook.secret is not None
    secret = webhook.secret.get_secret_value()
    path = urlsplit(webhook.url).path or "/"

    async def receive(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), secret.encode()):
            log.warning("refused a webhook call without the right secret from %s", request.remote)
            return web.Response(status=403)
        try:
            update = Update.de_json(await request.json(), application.bot)
        except (ValueError, TypeError, KeyError):
            return web.Response(status=400)
        await application.update_queue.put(update)
        return web.Response(status=200)

    async def health(_request: web.Request) -> web.Response:
        try:
            async with services.db.session() as session:
                await session.execute(text("SELECT 1"))
        except Exception:  # any database failure means "not healthy"
            log.warning("health check: database unreachable", exc_info=True)
            return web.json_response({"status": "unhealthy", "database": "unreachable"}, status=503)
        return web.json_response({"status": "ok"})

    app = web.Application()
    app.router.add_post(path, receive)
    app.router.add_get("/healthz", health)
    return app
