"""A unit of work: one session and the repositories that share it."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from storage.audit import AuditLog
from storage.broadcasts import Broadcasts
from storage.checkin_export import CheckinExport
from storage.checkin_reviews import CheckinReviews
from storage.checkin_stats import CheckinStats
from storage.checkins import Checkins
from storage.conversations import Conversations
from storage.deliveries import Deliveries
from storage.erasure import Erasure
from storage.events import Events
from storage.faq import FaqEntries
from storage.inbox import Inbox
from storage.invites import Invites
from storage.linked_chats import LinkedChats
from storage.partners import Partners
from storage.places import Places
from storage.programmes import Programmes
from storage.questions import Questions
from storage.replies import Replies
from storage.rsvps import Rsvps


class UnitOfWork:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.partners = Partners(session)
        self.places = Places(session)
        self.programmes = Programmes(session)
        self.events = Events(session)
        self.faq = FaqEntries(session)
        self.questions = Questions(session)
        self.invites = Invites(session)
        self.audit = AuditLog(session)
        self.conversations = Conversations(session)
        self.inbox = Inbox(session)
        self.erasure = Erasure(session)
        self.replies = Replies(session)
        self.deliveries = Deliveries(session)
        self.checkin_export = CheckinExport(session)
        self.checkins = Checkins(session)
        self.checkin_stats = CheckinStats(session)
        self.checkin_reviews = CheckinReviews(session)
        self.broadcasts = Broadcasts(session)
        self.rsvps = Rsvps(session)
        self.linked_chats = LinkedChats(session)
