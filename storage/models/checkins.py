"""Progress check-ins: a programme's template (typed questions and a cadence) and what partners
answered, one row per answer so totals are computed by the database.

Answers are keyed by the question's `key`, not its id, so a re-imported template keeps history
and exports keep their columns. A question with `parts` (women / men; funding by source) stores
one answer row per part.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.models.base import Base, Localized, utcnow


class Cadence(enum.StrEnum):
    WEEKLY = "weekly"
    MONTHLY = "monthly"  # on the first `weekday` of the month


class QuestionKind(enum.StrEnum):
    NUMBER = "number"
    PERCENTAGE = "percentage"
    YES_NO = "yes_no"
    CHOICE = "choice"
    TEXT = "text"
    PHOTO = "photo"
    LOCATION = "location"


class CheckinStatus(enum.StrEnum):
    SUBMITTED = "submitted"
    REVIEWED = "reviewed"
    FLAGGED = "flagged"  # a coordinator asked something back; its barriers stay open


class CheckinTemplate(Base):
    __tablename__ = "checkin_template"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(
        ForeignKey("programme.id", ondelete="CASCADE"), unique=True
    )
    cadence: Mapped[Cadence] = mapped_column(String(8), default=Cadence.MONTHLY)
    weekday: Mapped[int] = mapped_column(Integer, default=0)  # 0 = Monday
    hour: Mapped[int] = mapped_column(Integer, default=9)  # partner's local hour
    window_days: Mapped[int] = mapped_column(Integer, default=7)  # how long answers are due
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    questions: Mapped[list[CheckinQuestion]] = relationship(
        order_by="CheckinQuestion.position", cascade="all, delete-orphan"
    )


class CheckinQuestion(Base):
    __tablename__ = "checkin_question"
    __table_args__ = (UniqueConstraint("template_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[int] = mapped_column(
        ForeignKey("checkin_template.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    key: Mapped[str] = mapped_column(String(40))  # stable: answers and export columns use it
    kind: Mapped[QuestionKind] = mapped_column(String(12))
    text: Mapped[Localized] = mapped_column(JSON)
    # A few words naming the indicator where the question does not fit: summaries, buttons.
    short: Mapped[Localized] = mapped_column(JSON, default=dict)
    required: Mapped[bool] = mapped_column(Boolean, default=True)
    unit: Mapped[Localized] = mapped_column(JSON, default=dict)  # number: "ha", "USD"
    minimum: Mapped[float | None] = mapped_column(Float)
    maximum: Mapped[float | None] = mapped_column(Float)
    integer: Mapped[bool] = mapped_column(Boolean, default=False)
    # choice: [{"key": "fire", "label": {...}}]; number with parts: [{"key": "women", ...}]
    choices: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    parts: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    max_length: Mapped[int | None] = mapped_column(Integer)  # text
    barrier: Mapped[bool] = mapped_column(Boolean, default=False)  # answers are open barriers


class Checkin(Base):
    __tablename__ = "checkin"
    __table_args__ = (
        # One check-in per partner, programme and period: a repeat submission replaces it.
        UniqueConstraint("partner_id", "programme_id", "period_start"),
        Index("ix_checkin_programme_period", "programme_id", "period_start"),
        Index("ix_checkin_landscape_period", "landscape_id", "period_start"),
        # Who reported in a period, answered from the index alone: without it PostgreSQL reads
        # every check-in ever made to find who has not reported this month.
        Index("ix_checkin_period_partner", "period_start", "partner_id", "programme_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id", ondelete="CASCADE"))
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme.id", ondelete="CASCADE"))
    landscape_id: Mapped[int | None] = mapped_column(
        ForeignKey("landscape.id", ondelete="SET NULL")
    )
    period_start: Mapped[date] = mapped_column(Date)  # first day of the cadence period
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    status: Mapped[CheckinStatus] = mapped_column(String(12), default=CheckinStatus.SUBMITTED)
    review_comment: Mapped[str | None] = mapped_column(Text)
    reviewed_by: Mapped[int | None] = mapped_column(ForeignKey("partner.id", ondelete="SET NULL"))
    reviewed_at: Mapped[datetime | None]

    answers: Mapped[list[CheckinAnswer]] = relationship(cascade="all, delete-orphan")


class CheckinAnswer(Base):
    __tablename__ = "checkin_answer"
    # SQLite keeps the rows in primary-key order, so a check-in's answers are one short range
    # read from one B-tree (summaries and exports join by check-in), not an index and a table.
    __table_args__ = ({"sqlite_with_rowid": False},)

    checkin_id: Mapped[int] = mapped_column(
        ForeignKey("checkin.id", ondelete="CASCADE"), primary_key=True
    )
    question_key: Mapped[str] = mapped_column(String(40), primary_key=True)
    part: Mapped[str] = mapped_column(String(40), primary_key=True, default="")
    number: Mapped[float | None] = mapped_column(Float)  # number, percentage, yes/no as 1/0
    text: Mapped[str | None] = mapped_column(Text)  # choice key, free text, file id, "lat,lon"
