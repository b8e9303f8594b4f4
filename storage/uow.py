"""A unit of work: one session and the repositories that share it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar, overload

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

R = TypeVar("R")


class _Repository(Generic[R]):
    """A repository of the unit of work, made on first use and kept for the rest of it."""

    def __init__(self, make: Callable[[AsyncSession], R]) -> None:
        self._make = make

    def __set_name__(self, owner: type, name: str) -> None:
        self._name = name

    @overload
    def __get__(self, uow: None, owner: type) -> _Repository[R]: ...
    @overload
    def __get__(self, uow: UnitOfWork, owner: type) -> R: ...
    def __get__(self, uow: UnitOfWork | None, owner: type) -> R | _Repository[R]:
        if uow is None:
            return self
        repository = self._make(uow.session)
        uow.__dict__[self._name] = repository  # the next lookup finds it without this
        return repository


class UnitOfWork:
    """One session and its repositories, each made when first used: a turn touches a few."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    partners = _Repository(Partners)
    places = _Repository(Places)
    programmes = _Repository(Programmes)
    events = _Repository(Events)
    faq = _Repository(FaqEntries)
    questions = _Repository(Questions)
    invites = _Repository(Invites)
    audit = _Repository(AuditLog)
    conversations = _Repository(Conversations)
    inbox = _Repository(Inbox)
    erasure = _Repository(Erasure)
    replies = _Repository(Replies)
    deliveries = _Repository(Deliveries)
    checkin_export = _Repository(CheckinExport)
    checkins = _Repository(Checkins)
    checkin_stats = _Repository(CheckinStats)
    checkin_reviews = _Repository(CheckinReviews)
    broadcasts = _Repository(Broadcasts)
    rsvps = _Repository(Rsvps)
    linked_chats = _Repository(LinkedChats)
