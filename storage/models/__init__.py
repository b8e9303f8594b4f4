"""The tables, one module per area; import them from here."""

from storage.models.answers import FaqEntry, Question
from storage.models.base import Base, Localized, UTCDateTime, utcnow
from storage.models.calendar import Event, EventLandscape
from storage.models.people import (
    Invite,
    Partner,
    PartnerLandscape,
    PartnerStatus,
    Role,
    StakeholderType,
)
from storage.models.places import Landscape, Programme, ProgrammeFigure
from storage.models.records import AuditEntry, Conversation, HandledUpdate

__all__ = [
    "AuditEntry",
    "Base",
    "Conversation",
    "Event",
    "EventLandscape",
    "FaqEntry",
    "HandledUpdate",
    "Invite",
    "Landscape",
    "Localized",
    "Partner",
    "PartnerLandscape",
    "PartnerStatus",
    "Programme",
    "ProgrammeFigure",
    "Question",
    "Role",
    "StakeholderType",
    "UTCDateTime",
    "utcnow",
]
