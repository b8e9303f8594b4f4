"""Events on the partnership's calendar and who they are for.

An event with no programme is for everyone; with a programme and no landscapes, for that
programme's partners; with landscapes, for partners of those landscapes only. A non-empty
`audience` further limits it to those kinds of partner, and `audience_roles` to those roles.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.models.base import Base, Localized, utcnow

if TYPE_CHECKING:
    from storage.models.places import Landscape, Programme


class Event(Base):
    __tablename__ = "event"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str | None] = mapped_column(String(40), unique=True)  # set by content files
    programme_id: Mapped[int | None] = mapped_column(
        ForeignKey("programme.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[Localized] = mapped_column(JSON)
    description: Mapped[Localized] = mapped_column(JSON, default=dict)
    starts_at: Mapped[datetime] = mapped_column(index=True)
    ends_at: Mapped[datetime]
    timezone: Mapped[str] = mapped_column(String(64))  # where it is organised; shown per partner
    online_url: Mapped[str | None] = mapped_column(String(500))
    place: Mapped[Localized] = mapped_column(JSON, default=dict)
    audience: Mapped[list[str]] = mapped_column(JSON, default=list)  # stakeholder types
    audience_roles: Mapped[list[str]] = mapped_column(JSON, default=list)  # empty: every role
    # Minutes before the start at which to remind; None means the configured default.
    reminder_minutes: Mapped[list[int] | None] = mapped_column(JSON)
    # Bumped whenever the time changes, so calendar apps replace the entry they imported.
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    cancelled_at: Mapped[datetime | None]
    created_by: Mapped[int | None] = mapped_column(ForeignKey("partner.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    programme: Mapped[Programme | None] = relationship()
    landscapes: Mapped[list[Landscape]] = relationship(
        secondary="event_landscape", order_by="Landscape.name"
    )

    @property
    def default_language(self) -> str:
        return self.programme.default_language if self.programme else "en"


class EventLandscape(Base):
    __tablename__ = "event_landscape"

    event_id: Mapped[int] = mapped_column(
        ForeignKey("event.id", ondelete="CASCADE"), primary_key=True
    )
    landscape_id: Mapped[int] = mapped_column(
        ForeignKey("landscape.id", ondelete="CASCADE"), primary_key=True, index=True
    )
