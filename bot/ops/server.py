"""The operator's port: GET /healthz (the process answers), /readyz (it can do its work, see
`bot.ops.readiness`) and /metrics (Prometheus text format). Bound to 127.0.0.1 by default; off
when `health.enabled` is false."""

from __future__ import annotations

import asyncio
import logging
from contextlib import suppress
from types import TracebackType

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy.exc import SQLAlchemyError
from telegram import Bot

from bot.delivery.dispatcher import Dispatcher
from bot.ops.readiness import DATABASE_TIMEOUT, OK, Readiness
from bot.ops.response_rates import ResponseRates
from bot.services import Services
from bot.settings import StartupError

log = logging.getLogger(__name__)

BACKLOG_CAP = 10_000  # due deliveries counted at most, so a scrape stays cheap


class OpsServer:
    """An async context manager: listening inside the block (if enabled), closed after it."""

    def __init__(self, services: Services, bot: Bot) -> None:
        self.services = services
        self.readiness = Readiness(services, bot)
        self.response_rates = ResponseRates(services)
        self._runner: web.AppRunner | None = None
        self._watch: asyncio.Task[None] | None = None

    def watch(self, dispatcher: Dispatcher) -> None:
        """Include the sender in readiness and metrics, once it runs."""
        self.readiness.dispatcher = dispatcher

    async def __aenter__(self) -> OpsServer:
        health = self.services.settings.health
        if not health.enabled:
            return self
        app = web.Application()
        app.router.add_get("/healthz", self._healthz)
        app.router.add_get("/readyz", self._readyz)
        app.router.add_get("/metrics", self._metrics)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        try:
            await web.TCPSite(self._runner, health.listen, health.port).start()
        except OSError as error:
            await self._runner.cleanup()
            raise StartupError(
                f"cannot listen on {health.listen}:{health.port} for health checks: "
                f"{error.strerror or error} (set health.port, or health.enabled = false)"
            ) from None
        self._watch = asyncio.create_task(self.readiness.watch_telegram(), name="getMe")
        log.info("health and metrics on http://%s:%s", health.listen, health.port)
        return self

    async def __aexit__(
        self,
        _type: type[BaseException] | None,
        _error: BaseException | None,
        _traceback: TracebackType | None,
    ) -> None:
        if self._watch is not None:
            self._watch.cancel()
            with suppress(asyncio.CancelledError):
                await self._watch
        if self._runner is not None:
            await self._runner.cleanup()

    async def _healthz(self, _request: web.Request) -> web.Response:
        return web.json_response({"status": "alive"})

    async def _readyz(self, _request: web.Request) -> web.Response:
        checks = await self.readiness.check()
        ready = all(result == OK for result in checks.values())
        body = {"status": "ready" if ready else "not ready", "checks": checks}
        return web.json_response(body, status=200 if ready else 503)

    async def _metrics(self, _request: web.Request) -> web.Response:
        await self._refresh()
        return web.Response(
            body=generate_latest(self.services.metrics.registry),
            headers={"Content-Type": CONTENT_TYPE_LATEST},
        )

    async def _refresh(self) -> None:
        """Set the gauges that are read rather than observed."""
        metrics, services = self.services.metrics, self.services
        for name, result in (await self.readiness.check()).items():
            metrics.ready.labels(name).set(1 if result == OK else 0)
        dispatcher = self.readiness.dispatcher
        leading = dispatcher is not None and dispatcher.leadership.leading
        metrics.sending_leader.set(1 if leading else 0)
        priorities = {kind.priority for kind in services.kinds.values()}
        now = services.clock()
        try:
            async with asyncio.timeout(DATABASE_TIMEOUT), services.db.unit_of_work() as uow:
                due, oldest = await uow.deliveries.backlog(now, priorities, BACKLOG_CAP)
        except (SQLAlchemyError, OSError, TimeoutError):
            # Unknown, not zero: an alert on the queue's age must not clear while blind.
            metrics.due_deliveries.set(float("nan"))
            metrics.oldest_due_age.set(float("nan"))
            return
        metrics.due_deliveries.set(due)
        metrics.oldest_due_age.set((now - oldest).total_seconds() if oldest else 0)
        with suppress(SQLAlchemyError, OSError, TimeoutError):  # the last rates stand meanwhile
            async with asyncio.timeout(DATABASE_TIMEOUT):
                await self.response_rates.refresh()
