"""Telegram groups and channels linked to a programme: where the bot posts reminders for that
programme (or some of its landscapes), in the group's language."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, utcnow

GROUP, CHANNEL = "group", "channel"  # LinkedChat.kind


class LinkedChat(Base):
    __tablename__ = "linked_chat"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Telegram's id; it changes when a group becomes a supergroup, and the link follows.
    chat_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    title: Mapped[str] = mapped_column(String(128))
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme.id", ondelete="CASCADE"))
    landscape_ids: Mapped[list[int]] = mapped_column(default=list)  # empty: the whole programme
    language: Mapped[str] = mapped_column(String(8))
    # In a forum supergroup, the topic the bot posts to (None: General, or not a forum).
    thread_id: Mapped[int | None] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(8), default=GROUP, server_default=GROUP)
    linked_by: Mapped[int | None] = mapped_column(ForeignKey("partner.id", ondelete="SET NULL"))
    linked_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Set when unlinked or the bot was removed; the row stays for the deliveries it had.
    unlinked_at: Mapped[datetime | None]

    @property
    def active(self) -> bool:
        return self.unlinked_at is None

    @property
    def is_channel(self) -> bool:
        return self.kind == CHANNEL
