"""Answers to partners' questions: coordinator-written FAQ entries, and the questions the bot
could not answer, kept so coordinators can turn them into FAQ entries."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.models.base import Base, Localized, utcnow

if TYPE_CHECKING:
    from storage.models.places import Programme


class FaqEntry(Base):
    __tablename__ = "faq_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str | None] = mapped_column(String(40), unique=True)  # set by content files
    programme_id: Mapped[int | None] = mapped_column(
        ForeignKey("programme.id", ondelete="CASCADE"), index=True
    )
    question: Mapped[Localized] = mapped_column(JSON)
    answer: Mapped[Localized] = mapped_column(JSON)
    # Phrases that should lead to this answer, per language: {"fr": ["qui finance"], ...}
    triggers: Mapped[dict[str, list[str]]] = mapped_column(JSON, default=dict)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("partner.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow, index=True)

    programme: Mapped[Programme | None] = relationship()

    @property
    def default_language(self) -> str:
        return self.programme.default_language if self.programme else "en"


class Question(Base):
    """A free-text question nothing matched."""

    __tablename__ = "question"

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partner.id", ondelete="SET NULL"))
    language: Mapped[str] = mapped_column(String(8))
    text: Mapped[str] = mapped_column(String(500))
    asked_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    answered_by: Mapped[int | None] = mapped_column(  # the FAQ entry made from it
        ForeignKey("faq_entry.id", ondelete="SET NULL"), index=True
    )
    dismissed_at: Mapped[datetime | None]
