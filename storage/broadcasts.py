"""Broadcasts: who an audience reaches, the announcements coordinators confirmed, their
progress from scheduled to done, and the partners who pressed "Got it".

Status changes are conditional updates, so a cancel, the sender starting the broadcast and a
progress job finishing it can race on several replicas and exactly one of them wins.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from typing import Any, TypeVarTuple

from sqlalchemy import Select, false, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    Batch,
    Broadcast,
    BroadcastAck,
    BroadcastStatus,
    Delivery,
    DeliveryStatus,
    Landscape,
    LinkedChat,
    Localized,
    Partner,
    PartnerLandscape,
    PartnerStatus,
)
from storage.upserts import insert

KIND = "broadcast"  # the delivery kind; one batch per broadcast
PROGRESS_CLAIMED = 0  # progress_message_id while one replica sends the first progress message
# Whether a broadcast also reaches the linked groups and channels of its audience's programme
# and landscapes (audience["groups"]); partners only when the key is missing.
GROUPS_CHOICES = ("no", "also", "only")

Columns = TypeVarTuple("Columns")


def source_of(broadcast_id: int) -> str:
    return f"{KIND}:{broadcast_id}"


class Broadcasts:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    # -- the audience -----------------------------------------------------------------------

    async def audience_ids(
        self, audience: Mapping[str, Any], *, after: int = 0, limit: int | None = None
    ) -> list[int]:
        """Registered, active partners matching every filter of `audience`, by id: those
        above `after`, at most `limit` (a page of a large audience)."""
        query = _audience_query(select(Partner.id), audience).where(Partner.id > after)
        return list(await self._session.scalars(query.order_by(Partner.id).limit(limit)))

    async def audience_languages(self, audience: Mapping[str, Any]) -> dict[str | None, int]:
        """How many partners of `audience` read each language."""
        query = _audience_query(select(Partner.language, func.count(Partner.id)), audience)
        rows = await self._session.execute(query.group_by(Partner.language))
        return dict(rows.all())

    async def audience_chats(self, audience: Mapping[str, Any]) -> list[LinkedChat]:
        """The linked groups and channels `audience` includes: those of its programme (all,
        for everyone) whose landscapes meet the chosen ones (a chat for the whole programme
        meets any), in one of the chosen languages; by title. Stakeholder types and roles
        are partners' and do not narrow chats."""
        if audience.get("groups", "no") == "no":
            return []
        query = select(LinkedChat).where(LinkedChat.unlinked_at.is_(None))
        if audience.get("programme") is not None:
            query = query.where(LinkedChat.programme_id == int(audience["programme"]))
        if audience.get("languages"):
            query = query.where(LinkedChat.language.in_(list(audience["languages"])))
        chosen = {int(i) for i in audience.get("landscapes") or []}
        chats = await self._session.scalars(query.order_by(LinkedChat.title, LinkedChat.id))
        return [
            c for c in chats if not (chosen and c.landscape_ids) or chosen & set(c.landscape_ids)
        ]

    # -- broadcasts -------------------------------------------------------------------------

    async def create(
        self,
        *,
        created_by: int,
        audience: Mapping[str, Any],
        text: Localized,
        default_language: str,
        ask_ack: bool,
        send_at: datetime,
        progress_chat_id: int | None,
        progress_message_id: int | None,
    ) -> Broadcast:
        broadcast = Broadcast(
            created_by=created_by,
            audience=dict(audience),
            text=dict(text),
            default_language=default_language,
            ask_ack=ask_ack,
            send_at=send_at,
            status=BroadcastStatus.SCHEDULED,
            progress_chat_id=progress_chat_id,
            progress_message_id=progress_message_id,
        )
        self._session.add(broadcast)
        await self._session.flush()
        return broadcast

    async def get(self, broadcast_id: int) -> Broadcast | None:
        return await self._session.get(Broadcast, broadcast_id)

    async def recent(self, limit: int, programmes: Collection[int] | None) -> Sequence[Broadcast]:
        """The newest broadcasts; with `programmes`, only those addressed to one of them."""
        query = select(Broadcast).order_by(Broadcast.id.desc()).limit(limit)
        if programmes is not None:
            query = query.where(Broadcast.audience["programme"].as_integer().in_(list(programmes)))
        return (await self._session.scalars(query)).all()

    async def sending(self) -> Sequence[Broadcast]:
        query = select(Broadcast).where(Broadcast.status == BroadcastStatus.SENDING)
        return (await self._session.scalars(query.order_by(Broadcast.id))).all()

    async def start_sending(self, broadcast_id: int) -> BroadcastStatus | None:
        """Scheduled → sending, as its batch is expanded; returns the status it now has."""
        await self._move(broadcast_id, BroadcastStatus.SCHEDULED, status=BroadcastStatus.SENDING)
        return await self._session.scalar(
            select(Broadcast.status).where(Broadcast.id == broadcast_id)
        )

    async def cancel(self, broadcast_id: int) -> bool:
        """Scheduled → cancelled; False once sending has begun. The batch row is locked first,
        in the order the sender takes them, so a cancel and an expansion never deadlock."""
        await self._session.execute(
            select(Batch.id)
            .where(Batch.kind == KIND, Batch.source == source_of(broadcast_id))
            .with_for_update()
        )
        return await self._move(
            broadcast_id, BroadcastStatus.SCHEDULED, status=BroadcastStatus.CANCELLED
        )

    async def finish(self, broadcast_id: int, at: datetime) -> bool:
        """Sending → done; True for the one caller that made the change."""
        return await self._move(
            broadcast_id, BroadcastStatus.SENDING, status=BroadcastStatus.DONE, finished_at=at
        )

    async def claim_progress_message(self, broadcast_id: int) -> bool:
        """True for the one caller that may send the first progress message."""
        result = await self._session.execute(
            update(Broadcast)
            .where(Broadcast.id == broadcast_id, Broadcast.progress_message_id.is_(None))
            .values(progress_message_id=PROGRESS_CLAIMED)
            .execution_options(synchronize_session=False)
        )
        return getattr(result, "rowcount", 0) == 1

    async def set_progress_message(self, broadcast_id: int, chat_id: int, message_id: int) -> None:
        await self._session.execute(
            update(Broadcast)
            .where(Broadcast.id == broadcast_id)
            .values(progress_chat_id=chat_id, progress_message_id=message_id)
            .execution_options(synchronize_session=False)
        )

    async def _move(self, broadcast_id: int, current: BroadcastStatus, **values: Any) -> bool:
        result = await self._session.execute(
            update(Broadcast)
            .where(Broadcast.id == broadcast_id, Broadcast.status == current)
            .values(**values)
        )
        return getattr(result, "rowcount", 0) == 1

    # -- acknowledgements -------------------------------------------------------------------

    async def received(self, broadcast_id: int, partner_id: int) -> bool:
        """Was this broadcast sent to this partner?"""
        found = await self._session.scalar(
            select(Delivery.id).where(
                Delivery.kind == KIND,
                Delivery.source == source_of(broadcast_id),
                Delivery.partner_id == partner_id,
                Delivery.status == DeliveryStatus.SENT,
            )
        )
        return found is not None

    async def acknowledge(self, broadcast_id: int, partner_id: int, at: datetime) -> bool:
        """Record "Got it" once; True the first time."""
        statement = insert(self._session, BroadcastAck).values(
            broadcast_id=broadcast_id, partner_id=partner_id, at=at
        )
        result = await self._session.execute(statement.on_conflict_do_nothing())
        return getattr(result, "rowcount", 0) == 1

    async def ack_count(self, broadcast_id: int) -> int:
        query = select(func.count()).where(BroadcastAck.broadcast_id == broadcast_id)
        return int(await self._session.scalar(query) or 0)


def _audience_query(query: Select[*Columns], audience: Mapping[str, Any]) -> Select[*Columns]:
    query = query.where(
        Partner.joined_at.is_not(None),
        Partner.status == PartnerStatus.ACTIVE,
        Partner.telegram_id.is_not(None),
    )
    if audience.get("groups") == "only":
        return query.where(false())
    programme, landscapes = audience.get("programme"), audience.get("landscapes") or []
    if programme is not None:
        places = select(PartnerLandscape.partner_id).join(
            Landscape, Landscape.id == PartnerLandscape.landscape_id
        )
        places = places.where(Landscape.programme_id == int(programme))
        if landscapes:
            places = places.where(Landscape.id.in_([int(i) for i in landscapes]))
        query = query.where(Partner.id.in_(places))
    for column, key in (
        (Partner.stakeholder_type, "kinds"),
        (Partner.role, "roles"),
        (Partner.language, "languages"),
    ):
        if audience.get(key):
            query = query.where(column.in_(list(audience[key])))
    return query
