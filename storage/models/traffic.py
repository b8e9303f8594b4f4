"""Traffic with Telegram that must survive a crash: updates stored before they are acknowledged,
and the replies a handled update owes, stored with the state they report."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Index, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, utcnow


class InboundUpdate(Base):
    """A raw update, stored before Telegram is told it arrived; handled once, each chat's in
    order. Keyed by bot as well, so a new token on an old database keeps its own update ids."""

    __tablename__ = "inbound_update"
    __table_args__ = (
        UniqueConstraint("bot_id", "update_id"),
        Index("ix_inbound_update_chat", "bot_id", "chat_id", "update_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    bot_id: Mapped[int] = mapped_column(BigInteger)
    update_id: Mapped[int] = mapped_column(BigInteger)
    chat_id: Mapped[int] = mapped_column(BigInteger)  # the user's id when there is no chat
    body: Mapped[dict[str, Any]] = mapped_column()
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    handled_at: Mapped[datetime | None] = mapped_column(index=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)  # handler errors, not outages


class Reply(Base):
    """A message owed to a chat: written in the update's unit of work, sent after the commit
    (and after a restart if the process died first), then deleted."""

    __tablename__ = "reply"

    id: Mapped[int] = mapped_column(primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(16))  # send, edit, markup, document, photo
    body: Mapped[dict[str, Any]] = mapped_column()  # text, keyboard, message id, caption
    file_name: Mapped[str | None] = mapped_column(String(255))
    file_data: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_at: Mapped[datetime | None] = mapped_column(index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
