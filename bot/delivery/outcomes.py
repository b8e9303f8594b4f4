"""Writes send outcomes in small batches: at least every tenth of a second, or as soon as
`flush_size` have accumulated, so the rows sent but not yet recorded stay few."""

from __future__ import annotations

import asyncio
import logging
from contextlib import suppress
from datetime import datetime

from bot.ops.metrics import Metrics
from storage.database import Database
from storage.deliveries import NewDelivery, Outcome
from storage.linked_chats import UNLINKED
from storage.models import LinkedChat, utcnow
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)

FLUSH_SECONDS = 0.1


class Recorder:
    def __init__(self, db: Database, flush_size: int, metrics: Metrics) -> None:
        self._db = db
        self._metrics = metrics
        self._flush_size = flush_size
        self._outcomes: list[Outcome] = []
        self._blocked: set[int] = set()
        self._removed: set[int] = set()  # linked chats whose group removed the bot
        self._moved: dict[int, int] = {}  # linked chat → the id its group moved to
        self._lock = asyncio.Lock()
        self._timer: asyncio.Task[None] | None = None

    async def add(
        self,
        kind: str,
        outcome: Outcome,
        *,
        blocked_partner: int | None = None,
        removed_chat: int | None = None,
        moved_chat: tuple[int, int] | None = None,
    ) -> None:
        """Record what happened to one delivery of `kind` (soon, in a batch); a partner who
        blocked the bot is marked, a group that removed it unlinked, one that moved to a new
        id (linked chat, new id) followed."""
        self.keep(
            kind,
            outcome,
            blocked_partner=blocked_partner,
            removed_chat=removed_chat,
            moved_chat=moved_chat,
        )
        if len(self._outcomes) >= self._flush_size:
            await self.flush()

    def keep(
        self,
        kind: str,
        outcome: Outcome,
        *,
        blocked_partner: int | None = None,
        removed_chat: int | None = None,
        moved_chat: tuple[int, int] | None = None,
    ) -> None:
        """Like `add`, but never writing now: for a caller inside a transaction that holds the
        rows (rendering), where writing would wait for that very transaction to end."""
        status = "retry" if outcome.retry_at else outcome.status.value
        self._metrics.deliveries.labels(kind, status).inc()
        self._outcomes.append(outcome)
        if blocked_partner is not None:
            self._blocked.add(blocked_partner)
        if removed_chat is not None:
            self._removed.add(removed_chat)
        if moved_chat is not None:
            self._moved[moved_chat[0]] = moved_chat[1]
        if self._timer is None:
            self._timer = asyncio.create_task(self._flush_soon())

    async def flush(self) -> None:
        async with self._lock:
            outcomes, self._outcomes = self._outcomes, []
            blocked, self._blocked = self._blocked, set()
            removed, self._removed = self._removed, set()
            moved, self._moved = self._moved, {}
            if not outcomes:
                return
            try:
                await self._db.priority.background()
                async with self._db.unit_of_work() as uow:
                    await uow.deliveries.record(outcomes)
                    if blocked:
                        await uow.partners.mark_blocked(blocked)
                    if removed:
                        now = utcnow()
                        await _tell_linkers(
                            uow, await uow.linked_chats.unlink_ids(removed, now), now
                        )
                    for link_id, chat_id in moved.items():
                        await uow.linked_chats.move_id(link_id, chat_id)
            except Exception:
                # Keep them for the next flush; if that never comes, the rows stay claimed and
                # the next drain sends them again (the documented at-most-in-flight repeat).
                self._outcomes[:0] = outcomes
                self._blocked |= blocked
                self._removed |= removed
                self._moved = moved | self._moved
                raise

    async def close(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            with suppress(asyncio.CancelledError):
                await self._timer
        await self.flush()

    async def _flush_soon(self) -> None:
        await asyncio.sleep(FLUSH_SECONDS)
        self._timer = None
        try:
            await self.flush()
        except Exception:
            log.exception("could not record send outcomes; will retry")


async def _tell_linkers(uow: UnitOfWork, unlinked: list[LinkedChat], now: datetime) -> None:
    """Whoever linked a chat the bot was removed from hears of it in private: a delivery of its
    own, written with the unlink, so it survives a crash like every scheduled message."""
    for chat in unlinked:
        if chat.linked_by is not None:
            await uow.deliveries.enqueue(
                UNLINKED,
                f"{UNLINKED}:{chat.id}:{now:%Y%m%dT%H%M%S}",
                [NewDelivery(chat.linked_by, due_at=now, payload={"chat": chat.id})],
            )
