"""A unit of work: one session and the repositories that share it."""

from __future__ import annotations

from functools import cached_property

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
    """The repositories are made when first used: a turn touches a few of them."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    @cached_property
    def partners(self) -> Partners:
        return Partners(self.session)

    @cached_property
    def places(self) -> Places:
        return Places(self.session)

    @cached_property
    def programmes(self) -> Programmes:
        return Programmes(self.session)

    @cached_property
    def events(self) -> Events:
        return Events(self.session)

    @cached_property
    def faq(self) -> FaqEntries:
        return FaqEntries(self.session)

    @cached_property
    def questions(self) -> Questions:
        return Questions(self.session)

    @cached_property
    def invites(self) -> Invites:
        return Invites(self.session)

    @cached_property
    def audit(self) -> AuditLog:
        return AuditLog(self.session)

    @cached_property
    def conversations(self) -> Conversations:
        return Conversations(self.session)

    @cached_property
    def inbox(self) -> Inbox:
        return Inbox(self.session)

    @cached_property
    def erasure(self) -> Erasure:
        return Erasure(self.session)

    @cached_property
    def replies(self) -> Replies:
        return Replies(self.session)

    @cached_property
    def deliveries(self) -> Deliveries:
        return Deliveries(self.session)

    @cached_property
    def checkin_export(self) -> CheckinExport:
        return CheckinExport(self.session)

    @cached_property
    def checkins(self) -> Checkins:
        return Checkins(self.session)

    @cached_property
    def checkin_stats(self) -> CheckinStats:
        return CheckinStats(self.session)

    @cached_property
    def checkin_reviews(self) -> CheckinReviews:
        return CheckinReviews(self.session)

    @cached_property
    def broadcasts(self) -> Broadcasts:
        return Broadcasts(self.session)

    @cached_property
    def rsvps(self) -> Rsvps:
        return Rsvps(self.session)

    @cached_property
    def linked_chats(self) -> LinkedChats:
        return LinkedChats(self.session)
