"""A turn: one update being handled — who sent it, in which language, within which unit of work,
and the small set of ways a handler answers (queued until the unit of work commits)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import IO

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    LinkPreviewOptions,
    Update,
    User,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import CallbackContext

from bot.callbacks import Callback, InvalidCallback
from bot.i18n import Translator
from bot.services import Services
from bot.splitting import split_html
from storage.models import Conversation, Partner
from storage.uow import UnitOfWork

Keyboard = Sequence[Sequence[InlineKeyboardButton]]
# Line breaks stay; every other control character, and the invisible marks that reorder text
# (used to disguise what a message says), go.
_CONTROLS = dict.fromkeys(
    [c for c in range(32) if chr(c) not in "\n\t"]
    + [127, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
)


def without_controls(text: str) -> str:
    return text.translate(_CONTROLS)


@dataclass(frozen=True)
class _Outgoing:
    kind: str  # "send", "edit" (the pressed message), "document" or "photo"
    text: str
    keyboard: Keyboard | None = None
    # (file name, content) of a document or photo; a file object is closed once sent.
    file: tuple[str, bytes | IO[bytes]] | None = None


@dataclass
class Turn:
    update: Update
    context: CallbackContext  # type: ignore[type-arg]
    services: Services
    uow: UnitOfWork
    user: User
    partner: Partner | None
    conversation: Conversation | None
    t: Translator
    callback: Callback | None = None
    args: list[str] = field(default_factory=list)  # command arguments
    _outbox: list[_Outgoing] = field(default_factory=list)
    _answer: tuple[str | None, bool] | None = None
    _after: list[Callable[[], Awaitable[object]]] = field(default_factory=list)

    @property
    def chat_id(self) -> int:
        chat = self.update.effective_chat
        return chat.id if chat else self.user.id

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

    async def reply(self, text: str, keyboard: Keyboard | None = None) -> None:
        """Send a new message to this chat once the unit of work has committed."""
        self._outbox.append(_Outgoing("send", text, keyboard))

    async def send_document(
        self, filename: str, data: bytes | IO[bytes], caption: str = ""
    ) -> None:
        """Send a file (a calendar entry, an export) once the unit of work has committed."""
        self._outbox.append(_Outgoing("document", caption, None, (filename, data)))

    async def send_photo(self, filename: str, data: bytes | IO[bytes], caption: str = "") -> None:
        """Send an image (a chart) once the unit of work has committed."""
        self._outbox.append(_Outgoing("photo", caption, None, (filename, data)))

    async def settle(self, text: str, keyboard: Keyboard | None = None) -> None:
        """After a button press, replace the pressed message (so its buttons cannot be pressed
        again); on a text turn, send a new message."""
        kind = "edit" if self.update.callback_query is not None else "send"
        self._outbox.append(_Outgoing(kind, text, keyboard))

    async def answer(self, text: str | None = None, *, alert: bool = False) -> None:
        """Answer the button press (clients show a spinner until this happens)."""
        if self.update.callback_query is not None and self._answer is None:
            self._answer = (text, alert)

    def after_commit(self, action: Callable[[], Awaitable[object]]) -> None:
        """Run `action` once the unit of work has committed (e.g. tell another partner). What
        it queues (a file built from a read after the commit) is sent when it returns."""
        self._after.append(action)

    def discard(self) -> None:
        """Forget queued replies: what they announced was rolled back."""
        self._outbox.clear()
        self._after.clear()
        self._answer = None

    async def deliver(self) -> None:
        query = self.update.callback_query
        if query is not None:
            text, alert = self._answer or (None, False)
            await query.answer(text, show_alert=alert)
        await self._send_outbox()
        for action in self._after:
            await action()
            await self._send_outbox()
        self._after.clear()

    async def _send_outbox(self) -> None:
        query = self.update.callback_query
        for item in self._outbox:
            if item.file is not None:
                await self._send_file(item.kind, item.text, *item.file)
                continue
            # Long texts go out in pieces; the buttons belong under the last one.
            chunks = split_html(item.text)
            for n, chunk in enumerate(chunks):
                last = n == len(chunks) - 1
                markup = InlineKeyboardMarkup(item.keyboard) if item.keyboard and last else None
                if n == 0 and item.kind == "edit" and query is not None and query.message:
                    await self._edit(chunk, markup)
                else:
                    await self.context.bot.send_message(
                        self.chat_id,
                        chunk,
                        parse_mode=ParseMode.HTML,
                        reply_markup=markup,
                        link_preview_options=LinkPreviewOptions(is_disabled=True),
                    )
        self._outbox.clear()

    async def _send_file(
        self, kind: str, caption: str, filename: str, data: bytes | IO[bytes]
    ) -> None:
        upload = InputFile(data, filename=filename)
        if not isinstance(data, bytes):
            data.close()  # InputFile has read it
        send = self.context.bot.send_photo if kind == "photo" else self.context.bot.send_document
        await send(self.chat_id, upload, caption=caption or None, parse_mode=ParseMode.HTML)

    async def _edit(self, text: str, markup: InlineKeyboardMarkup | None) -> None:
        query = self.update.callback_query
        assert query is not None
        try:
            await query.edit_message_text(text, parse_mode=ParseMode.HTML, reply_markup=markup)
        except BadRequest as error:
            # A double tap edits to the same content; anything else is a real problem.
            if "not modified" not in str(error).lower():
                raise
