"""The tables: partners and their places, invites, audit, unfinished conversations, handled updates.

Every timestamp is stored as UTC and comes back timezone-aware on both engines.
"""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    String,
    TypeDecorator,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


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


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """An aware UTC datetime on every engine (SQLite hands back naive values)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime, dict[str, Any]: JSON}


class Programme(Base):
    __tablename__ = "programme"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    default_language: Mapped[str] = mapped_column(String(8), default="en")

    landscapes: Mapped[list[Landscape]] = relationship(
        back_populates="programme", order_by="Landscape.name"
    )


class Landscape(Base):
    __tablename__ = "landscape"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme.id", ondelete="CASCADE"))
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    country: Mapped[str] = mapped_column(String(2))  # ISO 3166-1 alpha-2
    timezone: Mapped[str] = mapped_column(String(64))

    programme: Mapped[Programme] = relationship(back_populates="landscapes")


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


class AuditEntry(Base):
    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("partner.id", ondelete="SET NULL"))
    actor_telegram_id: Mapped[int | None] = mapped_column(BigInteger)
    action: Mapped[str] = mapped_column(String(40), index=True)
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class Conversation(Base):
    """An unfinished flow (onboarding, a settings change...), so a restart or another replica
    continues where the user was."""

    __tablename__ = "conversation"

    telegram_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    flow: Mapped[str] = mapped_column(String(32))
    step: Mapped[str] = mapped_column(String(32))
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class HandledUpdate(Base):
    """Telegram delivers updates at least once; a row here makes handling them idempotent."""

    __tablename__ = "handled_update"

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
