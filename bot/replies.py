"""Replies that survive a crash.

A handler's replies become `Reply` rows in the unit of work that changes the state they report;
once it commits, the process that handled the update sends them in order and marks them sent.
If it dies in between, any process sends them (at once when the process is gone, see
`storage.presence`): a crash can repeat the replies of the updates being answered at that
moment, never lose one.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import IO, Any

from telegram import Bot, InlineKeyboardButton, InputFile
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter

from bot.services import Services
from bot.splitting import split_html
from storage.models import Reply

log = logging.getLogger(__name__)

Keyboard = Sequence[Sequence[InlineKeyboardButton]]
MAX_ATTEMPTS = 5  # a reply that met a network error this often is given up
# How long a live process may take to send the replies it committed before another process
# sends them itself (it may be stuck on a network error; a dead process's are taken at once).
LEASE = timedelta(seconds=20)
SWEEP_LIMIT = 200
NO_PREVIEW = {"is_disabled": True}  # link previews would bury the reply's own text


@dataclass(frozen=True)
class Outgoing:
    """A reply as a handler queues it, before it becomes rows."""

    kind: str  # send, edit (the pressed message), markup (its buttons only), document, photo
    text: str
    keyboard: Keyboard | None = None
    file: tuple[str, bytes | IO[bytes]] | None = None  # (file name, content)
    chat_id: int | None = None  # another chat than the turn's (telling someone else)
    reply_to: int | None = None  # the message this one answers, quoted above it


def reply_rows(
    items: Sequence[Outgoing], chat_id: int, pressed: int | None, thread_id: int | None = None
) -> list[Reply]:
    """Rows for `items`, long texts cut into messages Telegram accepts; `pressed` is the id of
    the message whose button was pressed (what an edit replaces); `thread_id` the forum topic
    the update came from, where the turn's own chat is answered."""
    rows: list[Reply] = []
    for item in items:
        chat = item.chat_id or chat_id
        # Where a new message goes: the turn's topic, quoting what it answers.
        where: dict[str, object] = {}
        if item.chat_id is None and thread_id is not None:
            where["thread"] = thread_id
        if item.reply_to is not None:
            where["reply_to"] = item.reply_to
        if item.file is not None:
            name, content = item.file
            data = content if isinstance(content, bytes) else _read(content)
            rows.append(
                Reply(chat_id=chat, kind=item.kind, body={"caption": item.text, **where},
                      file_name=name, file_data=data)
            )  # fmt: skip
            continue
        keyboard = _keyboard_json(item.keyboard)
        if item.kind == "markup":
            if pressed is not None:
                rows.append(Reply(chat_id=chat, kind="markup",
                                  body={"message_id": pressed, "keyboard": keyboard}))  # fmt: skip
            continue
        chunks = split_html(item.text)
        for n, chunk in enumerate(chunks):
            last = n == len(chunks) - 1
            body: dict[str, object] = {"text": chunk, "keyboard": keyboard if last else None}
            kind = "send"
            if n == 0 and item.kind == "edit" and pressed is not None:
                kind, body["message_id"] = "edit", pressed
            else:
                body.update(where if n == 0 else {k: v for k, v in where.items() if k == "thread"})
            rows.append(Reply(chat_id=chat, kind=kind, body=body))
    return rows


class ReplySender:
    def __init__(self, services: Services, bot: Bot, owner: str) -> None:
        self.services = services
        self.bot = bot
        self.owner = owner

    async def deliver(self, rows: Sequence[Reply], *, record: bool = True) -> None:
        """Send `rows` in order; with `record`, forget those done with. A network error stops
        the chat's remaining rows, so they go out later in the same order."""
        done: list[int] = []
        stopped: set[int] = set()
        for row in rows:
            if row.chat_id in stopped:
                continue
            try:
                await self._send(row)
                done.append(row.id)
            except (NetworkError, RetryAfter) as error:
                if row.attempts >= MAX_ATTEMPTS:
                    log.error("gave up a reply to chat %s: %s", row.chat_id, error)
                    done.append(row.id)
                    continue
                log.warning("reply to chat %s not sent yet: %s", row.chat_id, error)
                stopped.add(row.chat_id)
        if record and done:
            async with self.services.db.unit_of_work() as uow:
                await uow.replies.done(done)

    async def sweep(self, lease: timedelta = LEASE) -> int:
        """Send the replies a process that is gone left unsent, or whose claim lapsed;
        returns how many were taken."""
        async with self.services.db.unit_of_work() as uow:
            rows = await uow.replies.claim_abandoned(
                self.owner, self.services.clock(), lease, SWEEP_LIMIT
            )
        if rows:
            log.warning("sending %s replies a stopped process owed", len(rows))
            await self.deliver(rows)
        return len(rows)

    async def _send(self, row: Reply) -> None:
        """Send one row; a refusal is logged and the row given up on (retrying cannot help)."""
        body = row.body
        keyboard = body.get("keyboard")
        markup = {"inline_keyboard": keyboard} if keyboard else None
        try:
            if row.kind == "edit":
                try:
                    await self._call("editMessageText", {
                        "chat_id": row.chat_id, "message_id": body["message_id"],
                        "text": body["text"], "parse_mode": "HTML", "reply_markup": markup,
                        "link_preview_options": NO_PREVIEW,
                    })  # fmt: skip
                    return
                except BadRequest as error:
                    # A double tap edits to the same content: already shown. A message too old
                    # to edit (a reply sent late after a restart) gets a new message instead.
                    if "not modified" in str(error).lower():
                        return
            elif row.kind == "markup":
                try:
                    await self._call("editMessageReplyMarkup", {
                        "chat_id": row.chat_id, "message_id": body["message_id"],
                        "reply_markup": markup,
                    })  # fmt: skip
                except BadRequest as error:
                    log.info("buttons of %s left as they were: %s", body["message_id"], error)
                return
            elif row.kind in {"document", "photo"}:
                await self._call("sendPhoto" if row.kind == "photo" else "sendDocument", {
                    "chat_id": row.chat_id,
                    row.kind: InputFile(row.file_data or b"", filename=row.file_name),
                    "caption": body.get("caption") or None, "parse_mode": "HTML", **_where(body),
                })  # fmt: skip
                return
            await self._call("sendMessage", {
                "chat_id": row.chat_id, "text": body["text"], "parse_mode": "HTML",
                "reply_markup": markup, "link_preview_options": NO_PREVIEW, **_where(body),
            })  # fmt: skip
        except Forbidden as error:
            log.info("chat %s blocked the bot: %s", row.chat_id, error)
        except (BadRequest, ChatMigrated) as error:
            # ChatMigrated: the group became a supergroup meanwhile; the reply is given up,
            # as the group's next command is answered at its new id.
            log.error("Telegram refused a reply to chat %s: %s", row.chat_id, error)

    async def _call(self, endpoint: str, payload: dict[str, Any]) -> None:
        """Send the stored JSON as it is: a Bot method would build objects of it only to
        serialise them again, and parse the answer into a Message nobody reads. `Bot._post` is
        what those methods call (`do_api_request` warns for endpoints PTB has methods for), so
        ExtBot's rate limiter and the request layer's errors (Forbidden, BadRequest,
        ChatMigrated, RetryAfter, NetworkError) are the same; None values are left out."""
        await self.bot._post(endpoint, payload)


def _where(body: dict[str, Any]) -> dict[str, object]:
    """A new message's topic, and the message it answers, quoted unless it was deleted
    meanwhile (then just sent)."""
    quoted = body.get("reply_to")
    return {
        "message_thread_id": body.get("thread"),
        "reply_parameters": None
        if quoted is None
        else {"message_id": quoted, "allow_sending_without_reply": True},
    }


def _keyboard_json(keyboard: Keyboard | None) -> list[list[dict[str, object]]] | None:
    return [[button.to_dict() for button in row] for row in keyboard] if keyboard else None


def _read(content: IO[bytes]) -> bytes:
    try:
        return content.read()
    finally:
        content.close()
