"""The dispatcher: wakes at each due time (PTB's JobQueue) and on a short safety poll, expands
due batches into deliveries, claims due deliveries, renders each for its recipient and hands it
to the sender, recording every outcome.

The database is the only schedule: after a restart the next due time is read from the rows.
Claimed rows are sent by at most `concurrency` tasks and their outcomes written at least every
tenth of a second, so a crash can repeat at most `concurrency + flush_size` messages (those
sent but not yet recorded); everything else claimed goes back to pending and out once.
"""

from __future__ import annotations

import asyncio
import logging
import math
import os
import secrets
import socket
import time
from collections.abc import Sequence
from datetime import datetime, timedelta

from telegram import Bot

from bot.delivery.kinds import (
    ExpandContext,
    Message,
    Recipient,
)
from bot.delivery.leadership import Leadership
from bot.delivery.limits import Limits
from bot.delivery.outcomes import Recorder
from bot.delivery.rendering import render_due
from bot.delivery.sender import Sender
from bot.ptb import Context, Jobs
from bot.services import Services
from storage.deliveries import NewDelivery, Outcome
from storage.models import Batch, Delivery, DeliveryStatus
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)

DUE_JOB = "deliveries.due"
# Recipients written per transaction while expanding a batch: ~50 ms of SQLite's write lock,
# so a partner's turn waits at most that long behind a 100,000-partner broadcast.
EXPAND_PAGE = 1000
STOP_TIMEOUT = 10.0  # seconds a stopping sender may take to finish what it has in flight
# How long a claim is honoured: a sender records what it claimed within a second or so, unless
# Telegram makes it wait (RetryAfter); after this, its rows are taken as abandoned.
CLAIM_LEASE = timedelta(seconds=20)
TAKE_OVER_POLL = 0.2  # seconds between looks at the previous sender's claims


def process_owner() -> str:
    """Who claimed a row: this host and process, unique across restarts."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"[-64:]


class Dispatcher:
    def __init__(
        self,
        services: Services,
        bot: Bot,
        *,
        owner: str | None = None,
        limits: Limits | None = None,
    ) -> None:
        """`limits`: the process's sending budget, shared with replies (one of its own if
        not given)."""
        settings = services.settings.delivery
        self.services = services
        self.owner = owner or process_owner()
        self.limits = limits or Limits.from_settings(settings, services.metrics)
        self.sender = Sender(bot, self.limits, settings.max_attempts, services.metrics)
        # Stepping aside for a few polls lets a replica with a healthy connection win the lock.
        self.leadership = Leadership(services.db, step_aside=3 * settings.poll_seconds)
        self.chunk = max(2 * settings.concurrency, math.ceil(settings.per_second / 5))
        self.flush_size = max(1, math.ceil(settings.per_second / 10))
        self._concurrency = settings.concurrency
        self._wake = asyncio.Event()
        self._stopping = False
        self._task: asyncio.Task[None] | None = None
        self._job_queue: Jobs | None = None
        # When a round last ended or claimed work (monotonic): readiness calls a sender stuck
        # when this grows old.
        self.last_round = time.monotonic()

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    def start(self, job_queue: Jobs | None = None) -> None:
        """Begin sending: poll every few seconds and wake at every due time."""
        self._job_queue = job_queue
        if job_queue is not None:
            job_queue.run_repeating(
                self._on_job, interval=self.services.settings.delivery.poll_seconds, first=0
            )
        self.services.doorbell.connect(self.wake)
        self._task = asyncio.create_task(self._run(), name="deliveries")
        self.wake()

    def wake(self) -> None:
        self._wake.set()

    async def stop(self) -> None:
        """Finish the messages in flight, record them, and let another replica lead."""
        self._stopping = True
        self.wake()
        if self._task is not None:
            try:
                await asyncio.wait_for(self._task, STOP_TIMEOUT)
            except TimeoutError:
                log.warning("the sender did not finish in %s s; stopping it", STOP_TIMEOUT)
        await self.leadership.release()

    async def drain(self) -> int:
        """Send everything due now (if this replica leads); returns how many rows were handled."""
        if not await self._leads():
            self.last_round = time.monotonic()
            return 0
        handled = 0
        while not self._stopping:
            now = self.services.clock()
            expanded = await self._expand_due(now)
            sent = await self._send_due()
            handled += sent
            if not expanded and not sent:
                break
        self.limits.forget_idle_chats()
        await self._schedule_next()
        self.last_round = time.monotonic()
        return handled

    async def _leads(self) -> bool:
        """True while this replica holds the sending lock and has settled its predecessor's
        claims; asked before every claim, so a new term is noticed even mid-drain."""
        if not await self.leadership.hold():
            return False
        if self.leadership.new_term:
            if not await self._take_over():
                return False
            self.leadership.new_term = False
        return True

    async def _take_over(self) -> bool:
        """Settle the previous sender's claims before sending anything. A sender that is gone
        left its claims: they go back to pending. One that is alive but lost the lock may
        still have them in flight: wait until it records them (or its lease lapses), so
        nothing is sent twice and the two never send at once — the rate limit holds across
        the hand-over. False if this replica lost the lock meanwhile."""
        while not self._stopping:
            lapsed = self.services.clock() - CLAIM_LEASE
            async with self.services.db.unit_of_work() as uow:
                released = await uow.deliveries.release_abandoned(self.owner, lapsed)
                in_flight = await uow.deliveries.claimed_elsewhere(self.owner)
            if released:
                log.warning("%s deliveries were left half-done by a stopped sender", released)
            if not in_flight:
                return True
            log.info("waiting for the previous sender's %s deliveries in flight", in_flight)
            await asyncio.sleep(TAKE_OVER_POLL)
            if not await self.leadership.hold():
                return False
        return False

    async def _run(self) -> None:
        while not self._stopping:
            await self._wake.wait()
            self._wake.clear()
            try:
                await self.drain()
            except Exception:
                # The database or network is down: keep the rows, try again at the next wake.
                log.exception("sending scheduled messages failed; will retry")

    async def _on_job(self, _context: Context) -> None:
        self.wake()

    async def _schedule_next(self) -> None:
        if self._job_queue is None or self._stopping:
            return
        async with self.services.db.unit_of_work() as uow:
            due = await uow.deliveries.next_due()
        for job in self._job_queue.get_jobs_by_name(DUE_JOB):
            job.schedule_removal()
        if due is not None:
            delay = max(0.0, (due - self.services.clock()).total_seconds())
            self._job_queue.run_once(self._on_job, when=delay, name=DUE_JOB)

    async def _expand_due(self, now: datetime) -> int:
        """Turn each due batch into one delivery per recipient then in its audience, a page
        per transaction; returns the pages written."""
        pages = 0
        while not self._stopping:
            await self.services.db.priority.background()
            async with self.services.db.unit_of_work() as uow:
                batches = await uow.deliveries.due_batches(now, limit=1)
                if not batches:
                    return pages
                await self._expand_page(uow, batches[0], now)
            pages += 1
        return pages

    async def _expand_page(self, uow: UnitOfWork, batch: Batch, now: datetime) -> None:
        kind = self.services.kinds.get(batch.kind)
        recipients: Sequence[Recipient] = ()
        after = batch.expanded_through or 0
        if kind is None or kind.expand is None:
            log.error("no way to expand a %r batch (%s)", batch.kind, batch.source)
        else:
            context = ExpandContext(self.services, uow, batch, now, after, EXPAND_PAGE)
            recipients = await kind.expand(context)
        items = [
            NewDelivery(
                r.partner_id,
                due_at=r.due_at or batch.due_at,
                expires_at=r.expires_at or batch.expires_at,
                payload=r.payload,
                linked_chat_id=r.linked_chat_id,
            )
            for r in recipients
        ]
        await uow.deliveries.enqueue(
            batch.kind,
            batch.source,
            items,
            priority=kind.priority if kind else 1,
            payload=batch.payload,
        )
        batch.recipients = (batch.recipients or 0) + len(items)
        paged = [item.partner_id for item in items if item.partner_id is not None]
        through = max(paged, default=after)
        batch.expanded_through = through
        if len(paged) < EXPAND_PAGE or through <= after:  # the last page (or one going nowhere)
            batch.expanded_at = now

    async def _send_due(self) -> int:
        """Claim, render and send due deliveries until none is left; returns rows handled."""
        handled = 0
        slots = asyncio.Semaphore(self._concurrency)
        recorder = Recorder(self.services.db, self.flush_size, self.services.metrics)
        sending: set[asyncio.Task[None]] = set()
        try:
            # Asking before every claim stops a sender that lost the lock within one chunk.
            while not self._stopping and await self._leads():
                await self.services.db.priority.background()
                now = self.services.clock()
                async with self.services.db.unit_of_work() as uow:
                    rows = await uow.deliveries.claim(now, self.chunk, self.owner)
                    if not rows:
                        break
                    ready = await render_due(self.services, uow, rows, now, recorder)
                handled += len(rows)
                self.last_round = time.monotonic()
                for chat_id, row, message in ready:
                    await slots.acquire()
                    task = asyncio.create_task(self._send_one(chat_id, row, message, recorder))
                    sending.add(task)
                    task.add_done_callback(sending.discard)
                    task.add_done_callback(lambda _task: slots.release())
        finally:
            if sending:
                await asyncio.gather(*sending, return_exceptions=True)
            await recorder.close()
        return handled

    async def _send_one(
        self, chat_id: int, row: Delivery, message: Message, recorder: Recorder
    ) -> None:
        now = self.services.clock()
        result = await self.sender.send(chat_id, message, row.attempts, now)
        blocked = result.status == DeliveryStatus.BLOCKED  # a 403: blocked, or out of the group
        await recorder.add(
            row.kind,
            Outcome(
                row.id,
                result.status,
                at=self.services.clock(),
                due_at=row.due_at,
                message_id=result.message_id,
                error=result.error,
                retry_at=result.retry_at,
            ),
            blocked_partner=row.partner_id if blocked else None,
            removed_chat=row.linked_chat_id if blocked else None,
            moved_chat=(row.linked_chat_id, result.moved_to)
            if row.linked_chat_id is not None and result.moved_to is not None
            else None,
        )
