"""The tables, one module per area; import them from here."""

from storage.models.answers import FaqEntry, Question
from storage.models.base import Base, Localized, UTCDateTime, utcnow
from storage.models.calendar import Event, EventLandscape
from storage.models.checkins import (
    Cadence,
    Checkin,
    CheckinAnswer,
    CheckinQuestion,
    CheckinStatus,
    CheckinTemplate,
    QuestionKind,
)
from storage.models.delivery import FINAL_STATUSES, Batch, Delivery, DeliveryStatus
from storage.models.groups import CHANNEL, GROUP, LinkedChat
from storage.models.meetings import Broadcast, BroadcastAck, BroadcastStatus, Rsvp, RsvpAnswer
from storage.models.people import (
    Invite,
    Partner,
    PartnerLandscape,
    PartnerStatus,
    Role,
    StakeholderType,
)
from storage.models.places import Landscape, Programme, ProgrammeFigure
from storage.models.records import AuditEntry, Conversation
from storage.models.traffic import InboundUpdate, Reply

__all__ = [
    "CHANNEL",
    "FINAL_STATUSES",
    "GROUP",
    "AuditEntry",
    "Base",
    "Batch",
    "Broadcast",
    "BroadcastAck",
    "BroadcastStatus",
    "Cadence",
    "Checkin",
    "CheckinAnswer",
    "CheckinQuestion",
    "CheckinStatus",
    "CheckinTemplate",
    "Conversation",
    "Delivery",
    "DeliveryStatus",
    "Event",
    "EventLandscape",
    "FaqEntry",
    "InboundUpdate",
    "Invite",
    "Landscape",
    "LinkedChat",
    "Localized",
    "Partner",
    "PartnerLandscape",
    "PartnerStatus",
    "Programme",
    "ProgrammeFigure",
    "Question",
    "QuestionKind",
    "Reply",
    "Role",
    "Rsvp",
    "RsvpAnswer",
    "StakeholderType",
    "UTCDateTime",
    "utcnow",
]
