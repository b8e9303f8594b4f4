"""A turn: one update being handled — who sent it, in which language, within which unit of work,
and the small set of ways a handler answers (stored with the unit of work, sent after it
commits)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import IO

from telegram import Bot, InlineKeyboardButton, Message, Update, User

from bot.callbacks import Callback, InvalidCallback
from bot.i18n import Translator, without_controls
from bot.replies import Keyboard, Outgoing
from bot.services import Services
from storage.models import Conversation, Partner
from storage.uow import UnitOfWork


@dataclass
class Turn:
    update: Update
    bot: Bot
    services: Services
    uow: UnitOfWork
    user: User
    partner: Partner | None
    conversation: Conversation | None
    t: Translator
    callback: Callback | None = None
    args: list[str] = field(default_factory=list)  # command arguments
    _outbox: list[Outgoing] = field(default_factory=list)
    _answer: tuple[str | None, bool, str | None] | None = None
    _after: list[Callable[[], Awaitable[object]]] = field(default_factory=list)

    @property
    def chat_id(self) -> int:
        chat = self.update.effective_chat
        return chat.id if chat else self.user.id

    @property
    def thread_id(self) -> int | None:
        """The forum topic the update came from, where the turn's replies go (None: General,
        or not a forum)."""
        message = self.update.effective_message
        if isinstance(message, Message) and message.is_topic_message:
            return message.message_thread_id
        return None

    @property
    def text(self) -> str:
        """The message's text without control characters (a NUL would not even store)."""
        message = self.update.effective_message
        return without_controls(message.text or "") if message else ""

    def arg(self, index: int = 0) -> str:
        """An argument of the pressed button; missing or malformed counts as a forged button."""
        if self.callback is None:
            raise InvalidCallback("not a button press")
        return self.callback.arg(index)

    def arg_int(self, index: int = 0) -> int:
        if self.callback is None:
            raise InvalidCallback("not a button press")
        return self.callback.arg_int(index)

    def button(self, label: str, action: str, *args: object) -> InlineKeyboardButton:
        return InlineKeyboardButton(label, callback_data=self.services.codec.encode(action, *args))

    async def reply(
        self, text: str, keyboard: Keyboard | None = None, *, quote: bool = False
    ) -> None:
        """Send a new message to this chat once the unit of work has committed; with `quote`,
        as a reply to the message being answered (in a busy group, so it is clear to whom)."""
        message = self.update.effective_message
        reply_to = message.message_id if quote and message is not None else None
        self._outbox.append(Outgoing("send", text, keyboard, reply_to=reply_to))

    async def send_document(
        self, filename: str, data: bytes | IO[bytes], caption: str = ""
    ) -> None:
        """Send a file (a calendar entry, an export) once the unit of work has committed."""
        self._outbox.append(Outgoing("document", caption, None, (filename, data)))

    async def send_photo(self, filename: str, data: bytes | IO[bytes], caption: str = "") -> None:
        """Send an image (a chart) once the unit of work has committed."""
        self._outbox.append(Outgoing("photo", caption, None, (filename, data)))

    async def tell(self, chat_id: int, text: str, keyboard: Keyboard | None = None) -> None:
        """Send a message to another chat than this turn's (someone else's, or the private
        chat of whoever acted in a channel) once the unit of work has committed."""
        self._outbox.append(Outgoing("send", text, keyboard, chat_id=chat_id))

    async def show_buttons(self, keyboard: Keyboard) -> None:
        """After a button press, replace only the buttons under the pressed message."""
        if self.update.callback_query is not None:
            self._outbox.append(Outgoing("markup", "", keyboard))

    async def settle(self, text: str, keyboard: Keyboard | None = None) -> None:
        """After a button press, replace the pressed message (so its buttons cannot be pressed
        again); on a text turn, send a new message."""
        kind = "edit" if self.update.callback_query is not None else "send"
        self._outbox.append(Outgoing(kind, text, keyboard))

    async def answer(
        self, text: str | None = None, *, alert: bool = False, url: str | None = None
    ) -> None:
        """Answer the button press (clients show a spinner until this happens); `url` (a
        t.me link to this bot) opens the private chat."""
        if self.update.callback_query is not None and self._answer is None:
            self._answer = (text, alert, url)

    def after_commit(self, action: Callable[[], Awaitable[object]]) -> None:
        """Run `action` once the unit of work has committed (republish a menu, build a large
        export from a fresh read). What it queues is sent when it returns, without being
        stored first: a crash at that moment loses it, so what it sends must be worth no more
        than asking again."""
        self._after.append(action)

    def discard(self) -> None:
        """Forget queued replies: what they announced was rolled back."""
        self._outbox.clear()
        self._after.clear()
        self._answer = None

    def take_outbox(self) -> list[Outgoing]:
        """The replies queued so far, handed over to be stored or sent."""
        items, self._outbox = self._outbox, []
        return items

    def take_after(self) -> list[Callable[[], Awaitable[object]]]:
        actions, self._after = self._after, []
        return actions

    @property
    def answer_due(self) -> tuple[str | None, bool, str | None] | None:
        """What the button press is answered with, once the turn is over."""
        if self.update.callback_query is None:
            return None
        return self._answer or (None, False, None)
