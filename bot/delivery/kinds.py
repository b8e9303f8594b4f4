"""What a feature declares for each kind of scheduled message: who a batch reaches when it
falls due, and how one delivery reads for its recipient at the moment it is sent.

Rendering happens at send time, in the recipient's language and time zone, and may decide the
message is no longer worth sending (`Skip`) or must wait (`Postpone`, e.g. quiet hours).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from telegram import InlineKeyboardButton

from bot.i18n import Translator
from storage.models import Batch, Delivery, LinkedChat, Partner
from storage.uow import UnitOfWork

if TYPE_CHECKING:
    from bot.services import Services

Keyboard = Sequence[Sequence[InlineKeyboardButton]]


@dataclass(frozen=True)
class Recipient:
    partner_id: int | None  # None: a linked group, `linked_chat_id`
    due_at: datetime | None = None  # None: the batch's due time
    expires_at: datetime | None = None  # None: the batch's expiry
    payload: dict[str, object] | None = None  # merged over the batch's payload
    linked_chat_id: int | None = None


@dataclass(frozen=True)
class Message:
    text: str  # HTML; user-written parts already escaped
    keyboard: Keyboard | None = None
    thread_id: int | None = None  # a forum group's topic


@dataclass(frozen=True)
class Skip:
    reason: str  # recorded on the row, e.g. "answered", "event started"


@dataclass(frozen=True)
class Postpone:
    until: datetime


@dataclass
class ExpandContext:
    """One page of a batch's audience: the expander returns partners whose id is above
    `after`, in id order, at most `limit` of them (and linked groups, on the first page only).
    Fewer than `limit` partners ends the batch. Pages keep each transaction short, so partners
    are served while 100,000 rows are written, and memory holds one page."""

    services: Services
    uow: UnitOfWork
    batch: Batch
    now: datetime
    after: int = 0
    limit: int = 1000


@dataclass
class RenderContext:
    services: Services
    uow: UnitOfWork
    delivery: Delivery
    partner: Partner
    t: Translator
    now: datetime

    def button(self, label: str, action: str, *args: object) -> InlineKeyboardButton:
        return InlineKeyboardButton(label, callback_data=self.services.codec.encode(action, *args))


@dataclass
class GroupRenderContext:
    """Rendering for a linked group: in its language, its landscapes' time zone."""

    services: Services
    uow: UnitOfWork
    delivery: Delivery
    chat: LinkedChat
    t: Translator
    now: datetime

    def button(self, label: str, action: str, *args: object) -> InlineKeyboardButton:
        return InlineKeyboardButton(label, callback_data=self.services.codec.encode(action, *args))


Expander = Callable[[ExpandContext], Awaitable[Sequence[Recipient]]]
Renderer = Callable[[RenderContext], Awaitable[Message | Skip | Postpone]]
GroupRenderer = Callable[[GroupRenderContext], Awaitable[Message | Skip]]


@dataclass(frozen=True)
class Kind:
    name: str  # at most 16 characters; stored on every row
    render: Renderer
    expand: Expander | None = None  # None: deliveries are enqueued directly, never batched
    priority: int = 0  # 0 before 1: reminders and prompts overtake a long broadcast
    render_group: GroupRenderer | None = None  # for kinds that linked groups receive too
