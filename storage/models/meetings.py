"""What partners say about events (RSVPs) and broadcasts coordinators send."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, Localized, utcnow


class RsvpAnswer(enum.StrEnum):
    YES = "yes"
    MAYBE = "maybe"
    NO = "no"


class Rsvp(Base):
    __tablename__ = "rsvp"

    event_id: Mapped[int] = mapped_column(
        ForeignKey("event.id", ondelete="CASCADE"), primary_key=True
    )
    partner_id: Mapped[int] = mapped_column(
        ForeignKey("partner.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    answer: Mapped[RsvpAnswer] = mapped_column(String(8))
    at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class BroadcastStatus(enum.StrEnum):
    SCHEDULED = "scheduled"
    SENDING = "sending"
    DONE = "done"
    CANCELLED = "cancelled"


class Broadcast(Base):
    """A confirmed announcement. Composing one happens in a conversation; this row is written
    when the coordinator confirms, together with the batch that will send it."""

    __tablename__ = "broadcast"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("partner.id", ondelete="SET NULL"))
    # {"programme": id or None, "landscapes": [ids], "kinds", "roles", "languages": [...]}
    audience: Mapped[dict[str, Any]] = mapped_column(default=dict)
    text: Mapped[Localized] = mapped_column(JSON)  # HTML-escaped text per language
    default_language: Mapped[str] = mapped_column(String(8))
    ask_ack: Mapped[bool] = mapped_column(Boolean, default=False)
    send_at: Mapped[datetime]
    status: Mapped[BroadcastStatus] = mapped_column(String(12), default=BroadcastStatus.SCHEDULED)
    # The coordinator's live progress message, edited while sending.
    progress_chat_id: Mapped[int | None] = mapped_column(BigInteger)
    progress_message_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]


class BroadcastAck(Base):
    __tablename__ = "broadcast_ack"

    broadcast_id: Mapped[int] = mapped_column(
        ForeignKey("broadcast.id", ondelete="CASCADE"), primary_key=True
    )
    partner_id: Mapped[int] = mapped_column(
        ForeignKey("partner.id", ondelete="CASCADE"), primary_key=True
    )
    at: Mapped[datetime] = mapped_column(default=utcnow)
