"""Programmes, their headline figures, and the landscapes partners work in.

A programme's texts are `Localized`; `default_language` is the one every text has, shown (with
a marker) to a partner whose language is missing.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, Float, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.models.base import Base, Localized, utcnow


class Programme(Base):
    __tablename__ = "programme"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    default_language: Mapped[str] = mapped_column(String(8), default="en")
    name: Mapped[Localized] = mapped_column(JSON, default=dict)
    # Other names partners use, per language ("the Mechanism", "산림청 지원 사업").
    aliases: Mapped[dict[str, list[str]]] = mapped_column(JSON, default=dict)
    summary: Mapped[Localized] = mapped_column(JSON, default=dict)
    phase: Mapped[Localized] = mapped_column(JSON, default=dict)
    funder: Mapped[Localized] = mapped_column(JSON, default=dict)
    starts_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    countries: Mapped[list[str]] = mapped_column(JSON, default=list)  # ISO 3166-1 alpha-2
    status: Mapped[Localized] = mapped_column(JSON, default=dict)
    status_as_of: Mapped[date | None] = mapped_column(Date)
    status_updated_at: Mapped[datetime | None]
    status_updated_by: Mapped[int | None] = mapped_column(
        ForeignKey("partner.id", ondelete="SET NULL")
    )
    # Any change to the programme or its figures: what the answer index is rebuilt on.
    updated_at: Mapped[datetime | None] = mapped_column(default=utcnow, onupdate=utcnow)

    landscapes: Mapped[list[Landscape]] = relationship(
        back_populates="programme", order_by="Landscape.name"
    )
    figures: Mapped[list[ProgrammeFigure]] = relationship(
        order_by="ProgrammeFigure.position", cascade="all, delete-orphan"
    )


class ProgrammeFigure(Base):
    """A headline number ("40 million USD leveraged"), true as of a date."""

    __tablename__ = "programme_figure"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(
        ForeignKey("programme.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    label: Mapped[Localized] = mapped_column(JSON)
    value: Mapped[float] = mapped_column(Float)
    unit: Mapped[Localized] = mapped_column(JSON, default=dict)
    as_of: Mapped[date] = mapped_column(Date)


class Landscape(Base):
    __tablename__ = "landscape"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme.id", ondelete="CASCADE"))
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    country: Mapped[str] = mapped_column(String(2))  # ISO 3166-1 alpha-2
    timezone: Mapped[str] = mapped_column(String(64))

    programme: Mapped[Programme] = relationship(back_populates="landscapes")
