"""Batches and deliveries: planning them (idempotently), claiming due ones for the sender, and
recording what happened.

Claims use `FOR UPDATE SKIP LOCKED`, so on PostgreSQL two replicas never claim the same row;
SQLite ignores the clause and runs one process.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Batch, Delivery, DeliveryStatus, LinkedChat
from storage.presence import dead_owners
from storage.upserts import insert


@dataclass(frozen=True)
class NewDelivery:
    partner_id: int | None  # None: to a linked group
    due_at: datetime
    expires_at: datetime | None = None
    payload: Mapping[str, Any] | None = None
    linked_chat_id: int | None = None


@dataclass(frozen=True)
class Outcome:
    delivery_id: int
    status: DeliveryStatus
    at: datetime
    due_at: datetime
    message_id: int | None = None
    error: str | None = None
    retry_at: datetime | None = None  # back to pending, due then


class Deliveries:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        self.planned = False  # something new may be due: wake the sender after commit

    # -- planning ---------------------------------------------------------------------------

    async def plan(
        self,
        kind: str,
        source: str,
        due_at: datetime,
        *,
        expires_at: datetime | None = None,
        payload: Mapping[str, Any] | None = None,
    ) -> Batch:
        """A message for an audience, expanded when due. Planning the same (kind, source) again
        returns the batch already planned — also when another replica plans it at the same
        moment (the insert yields to the row that won)."""
        statement = insert(self._session, Batch).values(
            kind=kind,
            source=source,
            due_at=due_at,
            expires_at=expires_at,
            payload=dict(payload or {}),
        )
        result = await self._session.execute(
            statement.on_conflict_do_nothing(index_elements=["kind", "source"])
        )
        if getattr(result, "rowcount", 0) == 1:
            self.planned = True
        batch = await self.batch(kind, source)
        assert batch is not None
        return batch

    async def batch(self, kind: str, source: str) -> Batch | None:
        return await self._session.scalar(
            select(Batch).where(Batch.kind == kind, Batch.source == source)
        )

    async def enqueue(
        self,
        kind: str,
        source: str,
        items: Iterable[NewDelivery],
        *,
        priority: int = 0,
        payload: Mapping[str, Any] | None = None,
    ) -> int:
        """One delivery per item; an item whose (kind, source, partner or group) exists is left
        alone.
        Returns how many rows were new."""
        rows = [
            {
                "kind": kind,
                "source": source,
                "partner_id": item.partner_id,
                "linked_chat_id": item.linked_chat_id,
                "priority": priority,
                "due_at": item.due_at,
                "expires_at": item.expires_at,
                "payload": {**(payload or {}), **(item.payload or {})},
                "status": DeliveryStatus.PENDING,
                "attempts": 0,
            }
            for item in items
        ]
        if not rows:
            return 0
        # One statement, many parameter sets: built and compiled once however many rows (a
        # multi-row VALUES was rebuilt for every thousand, most of a 100,000-row expansion).
        # RETURNING counts the new rows (a row already planned returns nothing).
        statement = insert(self._session, Delivery).on_conflict_do_nothing().returning(Delivery.id)
        added = len((await self._session.execute(statement, rows)).all())
        self.planned = True
        return added

    async def withdraw(self, kind: str, source_prefix: str, reason: str, now: datetime) -> int:
        """Stop what is planned under `source_prefix` and not sent yet: unexpanded batches are
        deleted, pending deliveries skipped with `reason`. Returns the deliveries skipped."""
        await self._session.execute(
            delete(Batch).where(
                Batch.kind == kind,
                Batch.source.startswith(source_prefix, autoescape=True),
                Batch.expanded_at.is_(None),
            )
        )
        result = await self._session.execute(
            update(Delivery)
            .where(
                Delivery.kind == kind,
                Delivery.source.startswith(source_prefix, autoescape=True),
                Delivery.status == DeliveryStatus.PENDING,
            )
            .values(status=DeliveryStatus.SKIPPED, error=reason[:200], sent_at=now)
        )
        return max(getattr(result, "rowcount", 0), 0)

    # -- reports ----------------------------------------------------------------------------

    async def counts(self, kind: str, source: str) -> dict[DeliveryStatus, int]:
        rows = await self._session.execute(
            select(Delivery.status, func.count())
            .where(Delivery.kind == kind, Delivery.source == source)
            .group_by(Delivery.status)
        )
        return {DeliveryStatus(status): count for status, count in rows.all()}

    async def errors(self, kind: str, source: str) -> dict[str, int]:
        """Why deliveries failed or were skipped, most frequent first."""
        rows = await self._session.execute(
            select(Delivery.error, func.count())
            .where(
                Delivery.kind == kind,
                Delivery.source == source,
                Delivery.status.in_([DeliveryStatus.FAILED, DeliveryStatus.SKIPPED]),
            )
            .group_by(Delivery.error)
            .order_by(func.count().desc())
        )
        return {error or "": count for error, count in rows.all()}

    async def chat_outcomes(
        self, kind: str, source: str, limit: int
    ) -> list[tuple[LinkedChat, DeliveryStatus, str | None]]:
        """Each linked chat's delivery under (kind, source): the chat, its status and why, by
        title; at most `limit`."""
        rows = await self._session.execute(
            select(LinkedChat, Delivery.status, Delivery.error)
            .join(LinkedChat, LinkedChat.id == Delivery.linked_chat_id)
            .where(Delivery.kind == kind, Delivery.source == source)
            .order_by(LinkedChat.title, LinkedChat.id)
            .limit(limit)
        )
        return [(chat, DeliveryStatus(status), error) for chat, status, error in rows.all()]

    async def recipients(
        self, kind: str, source_prefix: str, statuses: Sequence[DeliveryStatus]
    ) -> list[int]:
        """Partners with a delivery under `source_prefix` in one of `statuses`."""
        rows = await self._session.scalars(
            select(Delivery.partner_id)
            .where(
                Delivery.kind == kind,
                Delivery.source.startswith(source_prefix, autoescape=True),
                Delivery.status.in_(list(statuses)),
                Delivery.partner_id.is_not(None),
            )
            .distinct()
        )
        return [partner_id for partner_id in rows if partner_id is not None]

    # -- the sender's side ------------------------------------------------------------------

    async def due_batches(self, now: datetime, limit: int) -> Sequence[Batch]:
        return (
            await self._session.scalars(
                select(Batch)
                .where(Batch.expanded_at.is_(None), Batch.due_at <= now)
                .order_by(Batch.due_at, Batch.id)
                .limit(limit)
                .with_for_update(skip_locked=True)
            )
        ).all()

    async def claim(self, now: datetime, limit: int, owner: str) -> list[Delivery]:
        """Take up to `limit` due pending deliveries, most urgent first, marking them sending."""
        ids = list(
            await self._session.scalars(
                select(Delivery.id)
                .where(Delivery.status == DeliveryStatus.PENDING, Delivery.due_at <= now)
                .order_by(Delivery.priority, Delivery.due_at, Delivery.id)
                .limit(limit)
                .with_for_update(skip_locked=True)
            )
        )
        if not ids:
            return []
        await self._session.execute(
            update(Delivery)
            .where(Delivery.id.in_(ids))
            .values(
                status=DeliveryStatus.SENDING,
                claimed_by=owner,
                claimed_at=now,
                attempts=Delivery.attempts + 1,
            )
            .execution_options(synchronize_session=False)
        )
        rows = await self._session.scalars(
            select(Delivery)
            .where(Delivery.id.in_(ids))
            .order_by(Delivery.priority, Delivery.due_at, Delivery.id)
            .execution_options(populate_existing=True)
        )
        return list(rows)

    async def record(self, outcomes: Sequence[Outcome]) -> None:
        """Write what happened to each delivery, in one round trip. `claimed_by` is left as
        it was: on a final row it says which sender sent it."""
        if not outcomes:
            return
        rows = [
            {
                "id": outcome.delivery_id,
                "status": DeliveryStatus.PENDING if outcome.retry_at else outcome.status,
                "due_at": outcome.retry_at or outcome.due_at,
                "sent_at": None if outcome.retry_at else outcome.at,
                "message_id": outcome.message_id,
                "error": outcome.error[:200] if outcome.error else None,
            }
            for outcome in outcomes
        ]
        await self._session.execute(update(Delivery), rows)

    async def release_abandoned(self, owner: str, lapsed_before: datetime) -> int:
        """Put back to pending the rows left `sending` by a process that is gone, or claimed
        before `lapsed_before`. Only the sender holding the sending lock may do this."""
        owners = await self._session.scalars(
            select(Delivery.claimed_by)
            .where(Delivery.status == DeliveryStatus.SENDING, Delivery.claimed_by != owner)
            .distinct()
        )
        dead = await dead_owners(self._session, [o for o in owners if o is not None])
        result = await self._session.execute(
            update(Delivery)
            .where(
                Delivery.status == DeliveryStatus.SENDING,
                Delivery.claimed_by != owner,
                or_(Delivery.claimed_by.in_(dead), Delivery.claimed_at < lapsed_before),
            )
            .values(status=DeliveryStatus.PENDING, claimed_by=None)
            .execution_options(synchronize_session=False)
        )
        return max(getattr(result, "rowcount", 0), 0)

    async def claimed_elsewhere(self, owner: str) -> int:
        """Rows another sender has claimed and not recorded yet."""
        count = await self._session.scalar(
            select(func.count()).where(
                Delivery.status == DeliveryStatus.SENDING, Delivery.claimed_by != owner
            )
        )
        return int(count or 0)

    async def backlog(
        self, now: datetime, priorities: Collection[int], cap: int
    ) -> tuple[int, datetime | None]:
        """How many deliveries are due and waiting (counted up to `cap`, so a huge backlog
        costs no more than `cap` index entries), and the earliest due time among them: one
        index seek per priority on ix_delivery_pending."""
        waiting = (
            select(Delivery.id)
            .where(Delivery.status == DeliveryStatus.PENDING, Delivery.due_at <= now)
            .limit(cap)
            .subquery()
        )
        count = await self._session.scalar(select(func.count()).select_from(waiting))
        firsts = [
            await self._session.scalar(
                select(func.min(Delivery.due_at)).where(
                    Delivery.status == DeliveryStatus.PENDING, Delivery.priority == priority
                )
            )
            for priority in sorted(priorities)
        ]
        due = [first for first in firsts if first is not None and first <= now]
        return int(count or 0), min(due, default=None)

    async def next_due(self) -> datetime | None:
        """The earliest time anything pending falls due (a batch or a delivery)."""
        batch = await self._session.scalar(
            select(func.min(Batch.due_at)).where(Batch.expanded_at.is_(None))
        )
        delivery = await self._session.scalar(
            select(func.min(Delivery.due_at)).where(Delivery.status == DeliveryStatus.PENDING)
        )
        times = [t for t in (batch, delivery) if t is not None]
        return min(times) if times else None
