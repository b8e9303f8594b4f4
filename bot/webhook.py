"""Webhook mode: a small aiohttp server that takes Telegram's POSTs (only with the secret
header) and answers health checks for the load balancer.

An update is answered 200 only once the inbox has stored it; when the database cannot take it
the answer is 503, and Telegram sends it again later."""

from __future__ import annotations

import hmac
import logging
from urllib.parse import urlsplit

from aiohttp import web
from sqlalchemy import text
from telegram import Update

from bot.inbox import Inbox, chat_of, is_outage
from bot.services import Services

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header name, not a secret
MAX_UPDATE_ID = 2**53  # Telegram's ids fit a double; anything larger is not from Telegram


def webhook_app(inbox: Inbox, services: Services) -> web.Application:
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
            body = await request.json()
        except (ValueError, RecursionError):
            return web.Response(status=400, text="not JSON")
        if not _looks_like_update(body):
            return web.Response(status=400, text="not an update")
        try:
            await inbox.receive([body])
        except Exception as error:
            if not is_outage(error):
                raise
            log.warning("could not store an update; Telegram will send it again: %s", error)
            return web.Response(status=503)
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


def _looks_like_update(body: object) -> bool:
    """A JSON object with a whole-number update id in range, whose parts parse as an update."""
    if not isinstance(body, dict):
        return False
    update_id = body.get("update_id")
    if isinstance(update_id, bool) or not isinstance(update_id, int):
        return False
    if not 0 <= update_id < MAX_UPDATE_ID:
        return False
    try:
        chat_of(Update.de_json(body, None))
    except (ValueError, TypeError, KeyError, AttributeError):
        return False
    return True
