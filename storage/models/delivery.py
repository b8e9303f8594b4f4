"""The durable delivery path: every scheduled message is a row before it is a send.

A `Batch` is a message decided for an audience (a reminder at one offset, a broadcast, the
check-in prompts of one period). When it falls due it is expanded into one `Delivery` per
recipient then in the audience; each delivery is sent at most once — its key is
(kind, source, partner) and a row marked sent is never sent again.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, utcnow


class DeliveryStatus(enum.StrEnum):
    PENDING = "pending"
    SENDING = "sending"  # claimed by the sender; back to pending if that sender died
    SENT = "sent"
    BLOCKED = "blocked"  # the partner blocked the bot
    FAILED = "failed"  # Telegram refused it or it kept failing; `error` says why
    SKIPPED = "skipped"  # no longer worth sending (event started, answered, forgotten...)


FINAL_STATUSES = frozenset(
    {DeliveryStatus.SENT, DeliveryStatus.BLOCKED, DeliveryStatus.FAILED, DeliveryStatus.SKIPPED}
)


class Batch(Base):
    __tablename__ = "batch"
    __table_args__ = (UniqueConstraint("kind", "source"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # which feature renders and expands it
    source: Mapped[str] = mapped_column(String(64))  # what decided it, e.g. "event:12:1:1440"
    due_at: Mapped[datetime] = mapped_column(index=True)
    expires_at: Mapped[datetime | None]  # expanded after this, nothing is sent
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    expanded_at: Mapped[datetime | None]
    # The last partner id written while expanding page by page (None: not started).
    expanded_through: Mapped[int | None] = mapped_column(Integer)
    recipients: Mapped[int | None] = mapped_column(Integer)  # counted as pages are written
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Delivery(Base):
    __tablename__ = "delivery"
    __table_args__ = (
        UniqueConstraint("kind", "source", "partner_id"),
        UniqueConstraint("linked_chat_id", "kind", "source"),
        # The sender's query: what is pending and due, most urgent first.
        Index("ix_delivery_pending", "status", "priority", "due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    source: Mapped[str] = mapped_column(String(64))
    # The recipient: a partner, or a linked group (one of the two).
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partner.id", ondelete="CASCADE"))
    linked_chat_id: Mapped[int | None] = mapped_column(
        ForeignKey("linked_chat.id", ondelete="CASCADE")
    )
    priority: Mapped[int] = mapped_column(Integer, default=1)  # 0 goes before 1 (bulk)
    due_at: Mapped[datetime]
    expires_at: Mapped[datetime | None]  # never sent after this (an event's start)
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[DeliveryStatus] = mapped_column(String(8), default=DeliveryStatus.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    error: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
