"""People: partners, the landscapes they belong to, and the invites that bring them in."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import BigInteger, Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.models.base import Base, utcnow

if TYPE_CHECKING:
    from storage.models.places import Landscape


class Role(enum.StrEnum):
    PARTNER = "partner"
    COORDINATOR = "coordinator"
    ADMIN = "admin"


class StakeholderType(enum.StrEnum):
    GOVERNMENT = "government"
    COMMUNITY = "community"
    FUNDER = "funder"
    NGO = "ngo"
    RESEARCH = "research"
    PRIVATE = "private"


class PartnerStatus(enum.StrEnum):
    ACTIVE = "active"
    BLOCKED = "blocked"  # blocked the bot: keep the data, stop sending
    FORGOTTEN = "forgotten"  # personal data erased on request; the row keeps aggregates whole


class PartnerLandscape(Base):
    __tablename__ = "partner_landscape"

    partner_id: Mapped[int] = mapped_column(
        ForeignKey("partner.id", ondelete="CASCADE"), primary_key=True
    )
    landscape_id: Mapped[int] = mapped_column(
        ForeignKey("landscape.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class Partner(Base):
    __tablename__ = "partner"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Null once the partner asked to be forgotten.
    telegram_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    username: Mapped[str | None] = mapped_column(String(32), index=True)  # lower case, no "@"
    name: Mapped[str | None] = mapped_column(String(64))
    organisation: Mapped[str | None] = mapped_column(String(100))
    stakeholder_type: Mapped[StakeholderType | None] = mapped_column(String(16))
    language: Mapped[str | None] = mapped_column(String(8))
    timezone: Mapped[str | None] = mapped_column(String(64))
    role: Mapped[Role] = mapped_column(String(16), default=Role.PARTNER)
    status: Mapped[PartnerStatus] = mapped_column(String(16), default=PartnerStatus.ACTIVE)
    consent_at: Mapped[datetime | None]
    joined_at: Mapped[datetime | None]  # set when onboarding completes
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    forgotten_at: Mapped[datetime | None]
    # `/away until <date>`: no check-in prompts, not counted as missing, through this day.
    away_until: Mapped[date | None] = mapped_column(Date)

    landscapes: Mapped[list[Landscape]] = relationship(
        secondary="partner_landscape", order_by="Landscape.name"
    )

    @property
    def registered(self) -> bool:
        return self.joined_at is not None and self.status != PartnerStatus.FORGOTTEN


class Invite(Base):
    __tablename__ = "invite"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    landscape_id: Mapped[int] = mapped_column(ForeignKey("landscape.id", ondelete="CASCADE"))
    stakeholder_type: Mapped[StakeholderType | None] = mapped_column(String(16))
    role: Mapped[Role] = mapped_column(String(16), default=Role.PARTNER)
    uses_left: Mapped[int] = mapped_column(Integer)
    expires_at: Mapped[datetime]
    created_by: Mapped[int | None] = mapped_column(ForeignKey("partner.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    landscape: Mapped[Landscape] = relationship()
