"""In-memory state of the sandbox Bot API: users, chats, messages, files, updates, commands.

It also turns Telegram-flavoured HTML into plain text plus message entities the way the Bot API
does, so what the bot sends is validated and stored as a real client would see it. Nothing here
does I/O; :mod:`bot.sandbox.api_server` puts HTTP and the user-side driver in front of it.
"""

from __future__ import annotations

import asyncio
import contextlib
import html.parser
import json
import re
import struct
import time
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any, NamedTuple, NoReturn

JsonDict = dict[str, Any]

MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
MAX_CALLBACK_DATA_BYTES = 64
MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024
# Telegram's answer when allowed_updates is empty: everything but these three.
OPT_IN_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
_TAG_ENTITIES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_INLINE_BUTTON_ACTIONS = frozenset(
    {
        "url",
        "callback_data",
        "web_app",
        "login_url",
        "switch_inline_query",
        "switch_inline_query_current_chat",
        "switch_inline_query_chosen_chat",
        "copy_text",
        "callback_game",
        "pay",
    }
)
_COMMAND = re.compile(r"(?<!\S)/[A-Za-z0-9_]+(?:@[A-Za-z0-9_]+)?")


class ApiError(Exception):
    """A Bot API error answer: HTTP status ``error_code`` with Telegram's description."""

    def __init__(self, error_code: int, description: str, *, retry_after: int | None = None):
        super().__init__(description)
        self.error_code = error_code
        self.description = description
        self.retry_after = retry_after


def bad_request(detail: str) -> ApiError:
    return ApiError(400, f"Bad Request: {detail}")


class Pulse:
    """Wakes every current waiter at once; later waiters wait for the next fire."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def fire(self) -> None:
        self._event.set()
        self._event = asyncio.Event()

    async def wait(self, seconds: float | None) -> None:
        """Return at the next fire, or after ``seconds`` (None: no limit)."""
        event = self._event
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(event.wait(), seconds)


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit of Telegram entity offsets."""
    return len(text.encode("utf-16-le")) // 2


@dataclass(frozen=True)
class SandboxUser:
    id: int
    first_name: str
    username: str | None = None
    language_code: str | None = None
    is_bot: bool = False

    def to_api(self) -> JsonDict:
        data: JsonDict = {"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name}
        if self.username:
            data["username"] = self.username
        if self.language_code:
            data["language_code"] = self.language_code
        return data


@dataclass(frozen=True)
class Button:
    text: str
    callback_data: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class StoredFile:
    file_id: str
    file_unique_id: str
    file_path: str
    data: bytes
    filename: str | None
    mime_type: str | None
    width: int = 0
    height: int = 0


@dataclass(frozen=True)
class Attachment:
    filename: str | None
    data: bytes
    caption: str | None
    mime_type: str | None
    file_id: str


@dataclass(frozen=True)
class SentMessage:
    """A snapshot of one bot message as the user would currently see it."""

    chat_id: int
    message_id: int
    text: str  # plain text after entity parsing (the caption for documents/photos)
    html: str | None  # raw text as sent, when parse_mode was given
    parse_mode: str | None
    buttons: list[list[Button]]
    document: Attachment | None
    photo: Attachment | None
    edited: bool
    deleted: bool
    revision: int  # chat activity counter value of the last send/edit/delete
    reply_markup: JsonDict | None

    def to_json(self) -> JsonDict:
        def attachment(item: Attachment | None) -> JsonDict | None:
            if item is None:
                return None
            return {
                "filename": item.filename,
                "caption": item.caption,
                "mime_type": item.mime_type,
                "file_id": item.file_id,
                "size": len(item.data),
                "data_hex": item.data.hex(),
            }

        return {
            "chat_id": self.chat_id,
            "message_id": self.message_id,
            "text": self.text,
            "html": self.html,
            "parse_mode": self.parse_mode,
            "buttons": [[vars(b) for b in row] for row in self.buttons],
            "document": attachment(self.document),
            "photo": attachment(self.photo),
            "edited": self.edited,
            "deleted": self.deleted,
            "revision": self.revision,
            "reply_markup": self.reply_markup,
        }


class CallbackAnswer(NamedTuple):
    callback_query_id: str
    text: str | None
    show_alert: bool


@dataclass
class _Message:
    message_id: int
    sender: SandboxUser
    date: int
    text: str = ""
    html: str | None = None
    parse_mode: str | None = None
    entities: list[JsonDict] = field(default_factory=list)
    reply_markup: JsonDict | None = None
    media_kind: str | None = None  # "document" or "photo"
    media: StoredFile | None = None
    location: tuple[float, float] | None = None  # (latitude, longitude) a user shared
    reply_to: JsonDict | None = None
    edit_date: int | None = None
    deleted: bool = False
    revision: int = 0


@dataclass
class _Chat:
    id: int
    type: str
    title: str
    username: str | None = None
    messages: dict[int, _Message] = field(default_factory=dict)
    log: list[tuple[str, int, str]] = field(default_factory=list)  # (kind, message_id, detail)
    next_message_id: int = 1
    activity: int = 0
    pulse: Pulse = field(default_factory=Pulse)

    def to_api(self) -> JsonDict:
        data: JsonDict = {"id": self.id, "type": self.type}
        data["first_name" if self.type == "private" else "title"] = self.title
        if self.username:
            data["username"] = self.username
        return data


@dataclass
class WebhookConfig:
    url: str
    secret_token: str | None
    max_connections: int
    last_error_date: int | None = None
    last_error_message: str | None = None


class _Html(html.parser.HTMLParser):
    """Telegram's HTML subset: only its tags, strictly balanced, entities in UTF-16 units."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self._source = source
        self._line_starts = [0] + [m.end() for m in re.finditer("\n", source)]
        self._length = 0
        self._open: list[tuple[str, JsonDict | None]] = []
        self.parts: list[str] = []
        self.entities: list[JsonDict] = []

    def _fail(self, detail: str) -> NoReturn:
        raise bad_request(f"can't parse entities: {detail}")

    def _byte_offset(self) -> int:
        line, column = self.getpos()
        return len(self._source[: self._line_starts[line - 1] + column].encode())

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        kind = _TAG_ENTITIES.get(tag)
        if kind is None:
            self._fail(f'Unsupported start tag "{tag}" at byte offset {self._byte_offset()}')
        entity: JsonDict = {"type": kind, "offset": self._length}
        keep = True  # False: the tag yields no entity of its own
        if tag == "span" and attributes.get("class") != "tg-spoiler":
            offset = self._byte_offset()
            self._fail(f'Tag "span" must have class "tg-spoiler" at byte offset {offset}')
        elif tag == "a":
            entity["url"] = attributes.get("href", "")
            keep = bool(entity["url"])
        elif tag == "tg-emoji":
            if not attributes.get("emoji-id"):
                offset = self._byte_offset()
                self._fail(f'Tag "tg-emoji" must have attribute "emoji-id" at byte offset {offset}')
            entity["custom_emoji_id"] = attributes["emoji-id"]
        elif tag == "blockquote" and "expandable" in attributes:
            entity["type"] = "expandable_blockquote"
        elif tag == "code" and self._open and self._open[-1][0] == "pre":
            language = attributes.get("class", "")
            pre = self._open[-1][1]
            if language.startswith("language-") and pre is not None:
                pre["language"] = language.removeprefix("language-")
                keep = False
        self._open.append((tag, entity if keep else None))

    def handle_endtag(self, tag: str) -> None:
        if not self._open:
            self._fail(f"Unexpected end tag at byte offset {self._byte_offset()}")
        open_tag, entity = self._open.pop()
        if open_tag != tag:
            self._fail(
                f"Unmatched end tag at byte offset {self._byte_offset()}, "
                f'expected "</{open_tag}>", found "</{tag}>"'
            )
        if entity is not None and self._length > entity["offset"]:
            entity["length"] = self._length - entity["offset"]
            self.entities.append(entity)

    def handle_data(self, data: str) -> None:
        self.parts.append(data)
        self._length += utf16_len(data)

    def finish(self) -> tuple[str, list[JsonDict]]:
        self.close()
        if self._open:
            self._fail(f'Can\'t find end tag corresponding to start tag "{self._open[-1][0]}"')
        return "".join(self.parts), self.entities


def parse_html(source: str) -> tuple[str, list[JsonDict]]:
    """Plain text and entities of a parse_mode=HTML text; raises ApiError like Telegram."""
    parser = _Html(source)
    parser.feed(source)
    return parser.finish()


def _strip(text: str, entities: list[JsonDict]) -> tuple[str, list[JsonDict]]:
    """Trim surrounding whitespace as Telegram does, moving entity offsets along."""
    stripped = text.strip()
    lead = len(text) - len(text.lstrip())  # whitespace is BMP: characters == UTF-16 units
    end = utf16_len(stripped)
    kept = []
    for entity in entities:
        start = max(0, entity["offset"] - lead)
        stop = min(end, entity["offset"] + entity["length"] - lead)
        if stop > start:
            kept.append({**entity, "offset": start, "length": stop - start})
    kept.sort(key=lambda e: (e["offset"], -e["length"]))
    return stripped, kept


def _entity_list(value: object) -> list[JsonDict]:
    if value is None:
        return []
    if isinstance(value, list) and all(
        isinstance(e, dict)
        and isinstance(e.get("offset"), int)
        and isinstance(e.get("length"), int)
        for e in value
    ):
        return value
    raise bad_request("can't parse entities JSON object")


def format_text(
    raw: str, parse_mode: str | None, entities: object, *, caption: bool = False
) -> tuple[str, list[JsonDict]]:
    """Validate a text or caption and return its plain form and entities."""
    mode = (parse_mode or "").lower()
    if mode == "html":
        text, found = parse_html(raw)
    elif mode in ("", "markdown", "markdownv2"):  # Markdown is stored unparsed
        text, found = raw, _entity_list(entities)
    else:
        raise bad_request("unsupported parse_mode")
    text, found = _strip(text, found)
    if caption:
        if len(text) > MAX_CAPTION_LENGTH:
            raise bad_request("message caption is too long")
    elif not text:
        raise bad_request("message text is empty")
    elif len(text) > MAX_TEXT_LENGTH:
        raise bad_request("message is too long")
    return text, found


def command_entities(text: str) -> list[JsonDict]:
    return [
        {"type": "bot_command", "offset": utf16_len(text[: m.start()]), "length": utf16_len(m[0])}
        for m in _COMMAND.finditer(text)
    ]


def validate_markup(markup: object) -> JsonDict | None:
    """Check a reply_markup; returns it when it is an inline keyboard (the only kind kept)."""
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    rows = markup.get("inline_keyboard")
    if rows is None:
        return None
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request(
            'field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays'
        )
    for row in rows:
        for button in row:
            if not isinstance(button, dict) or not button.get("text"):
                raise bad_request("text buttons are unallowed in the inline keyboard")
            if not _INLINE_BUTTON_ACTIONS & button.keys():
                raise bad_request("text buttons are unallowed in the inline keyboard")
            data = button.get("callback_data")
            if data is not None and not 1 <= len(str(data).encode()) <= MAX_CALLBACK_DATA_BYTES:
                raise bad_request("BUTTON_DATA_INVALID")
    return markup if any(rows) else None


def _image_size(data: bytes) -> tuple[int, int]:
    if data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return int(width), int(height)
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        width, height = struct.unpack("<HH", data[6:10])
        return int(width), int(height)
    if data.startswith(b"\xff\xd8") or (data[:4] == b"RIFF" and data[8:12] == b"WEBP"):
        return 0, 0  # accepted, dimensions not decoded
    raise bad_request("IMAGE_PROCESS_FAILED")


class BotApiState:
    """Everything the fake server knows. Methods raise :class:`ApiError` like the Bot API."""

    def __init__(self, bot_user: SandboxUser) -> None:
        self.bot_user = bot_user
        self.users: dict[int, SandboxUser] = {}
        self.chats: dict[int, _Chat] = {}
        self.files: dict[str, StoredFile] = {}
        self.files_by_path: dict[str, StoredFile] = {}
        self.updates: list[JsonDict] = []
        self.history: dict[int, JsonDict] = {}  # every update made, for redelivery tests
        self.update_pulse = Pulse()
        self.answer_pulse = Pulse()
        self.confirmed_offset = 0
        self.allowed_updates: list[str] = []
        self.webhook: WebhookConfig | None = None
        self.commands: dict[tuple[str, str], list[JsonDict]] = {}
        self.menu_buttons: dict[int | None, JsonDict] = {}
        self.callback_answers: list[CallbackAnswer] = []
        self._open_queries: dict[str, int] = {}  # callback query id -> chat id
        self._next_update_id = 1
        self._next_file = 1
        self._next_query = 1

    # --- users, chats, files ---------------------------------------------------------------

    def add_user(self, user: SandboxUser) -> None:
        self.users[user.id] = user
        chat = self.chats.get(user.id)
        if chat is None:
            self.chats[user.id] = _Chat(user.id, "private", user.first_name, user.username)
        else:
            chat.title, chat.username = user.first_name, user.username

    def add_group(self, chat_id: int, title: str) -> None:
        self.chats.setdefault(chat_id, _Chat(chat_id, "group", title))

    def chat(self, chat_id: int | str) -> _Chat:
        if isinstance(chat_id, str):
            name = chat_id.removeprefix("@").lower()
            for chat in self.chats.values():
                if chat.username and chat.username.lower() == name:
                    return chat
        elif chat_id in self.chats:
            return self.chats[chat_id]
        raise bad_request("chat not found")

    def store_file(
        self, kind: str, data: bytes, filename: str | None, mime: str | None
    ) -> StoredFile:
        number = self._next_file
        self._next_file += 1
        width, height = _image_size(data) if kind == "photo" else (0, 0)
        suffix = PurePosixPath(filename or "").suffix or (".jpg" if kind == "photo" else "")
        stored = StoredFile(
            file_id=f"sandbox-{kind}-{number}",
            file_unique_id=f"u{number}",
            file_path=f"{kind}s/file_{number}{suffix}",
            data=data,
            filename=filename,
            mime_type=mime,
            width=width,
            height=height,
        )
        self.files[stored.file_id] = stored
        self.files_by_path[stored.file_path] = stored
        return stored

    def file(self, file_id: str) -> StoredFile:
        stored = self.files.get(file_id)
        if stored is None:
            raise bad_request("wrong file identifier/HTTP URL specified")
        return stored

    def get_file(self, file_id: str) -> JsonDict:
        stored = self.file(file_id)
        if len(stored.data) > MAX_DOWNLOAD_BYTES:
            raise bad_request("file is too big")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.data),
            "file_path": stored.file_path,
        }

    # --- message objects -------------------------------------------------------------------

    def message_to_api(self, chat: _Chat, message: _Message) -> JsonDict:
        data: JsonDict = {
            "message_id": message.message_id,
            "from": message.sender.to_api(),
            "date": message.date,
            "chat": chat.to_api(),
        }
        if message.edit_date is not None:
            data["edit_date"] = message.edit_date
        if message.reply_to is not None:
            data["reply_to_message"] = message.reply_to
        stored = message.media
        if message.location is not None:
            data["location"] = {"latitude": message.location[0], "longitude": message.location[1]}
        elif stored is None:
            data["text"] = message.text
            if message.entities:
                data["entities"] = message.entities
        else:
            if message.media_kind == "photo":
                data["photo"] = [
                    {
                        "file_id": stored.file_id,
                        "file_unique_id": stored.file_unique_id,
                        "width": stored.width,
                        "height": stored.height,
                        "file_size": len(stored.data),
                    }
                ]
            else:
                data["document"] = {
                    "file_id": stored.file_id,
                    "file_unique_id": stored.file_unique_id,
                    "file_name": stored.filename,
                    "mime_type": stored.mime_type,
                    "file_size": len(stored.data),
                }
            if message.text:
                data["caption"] = message.text
            if message.entities:
                data["caption_entities"] = message.entities
        if message.reply_markup is not None:
            data["reply_markup"] = message.reply_markup
        return data

    def snapshot(self, chat: _Chat, message: _Message) -> SentMessage:
        rows = (message.reply_markup or {}).get("inline_keyboard", [])
        buttons = [
            [Button(b["text"], b.get("callback_data"), b.get("url")) for b in row] for row in rows
        ]
        attachment = None
        if message.media is not None:
            attachment = Attachment(
                message.media.filename,
                message.media.data,
                message.text or None,
                message.media.mime_type,
                message.media.file_id,
            )
        return SentMessage(
            chat_id=chat.id,
            message_id=message.message_id,
            text=message.text,
            html=message.html,
            parse_mode=message.parse_mode,
            buttons=buttons,
            document=attachment if message.media_kind == "document" else None,
            photo=attachment if message.media_kind == "photo" else None,
            edited=message.edit_date is not None,
            deleted=message.deleted,
            revision=message.revision,
            reply_markup=message.reply_markup,
        )

    def bot_messages(self, chat_id: int) -> list[SentMessage]:
        chat = self.chat(chat_id)
        return [
            self.snapshot(chat, m)
            for m in chat.messages.values()
            if m.sender.id == self.bot_user.id
        ]

    def _touch(self, chat: _Chat, message: _Message) -> None:
        chat.activity += 1
        message.revision = chat.activity
        chat.pulse.fire()

    def _bot_message(
        self, chat_id: int | str, message_id: int, *, action: str
    ) -> tuple[_Chat, _Message]:
        chat = self.chat(chat_id)
        message = chat.messages.get(message_id)
        if message is None or message.deleted:
            raise bad_request(f"message to {action} not found")
        if action == "edit" and message.sender.id != self.bot_user.id:
            raise bad_request("message can't be edited")
        return chat, message

    # --- bot-side methods ------------------------------------------------------------------

    def send(
        self,
        chat_id: int | str,
        *,
        text: str,
        parse_mode: str | None,
        entities: object,
        reply_markup: object,
        reply_to: int | None = None,
        allow_missing_reply: bool = False,
        media: tuple[str, StoredFile] | None = None,
    ) -> JsonDict:
        chat = self.chat(chat_id)
        plain, found = format_text(text, parse_mode, entities, caption=media is not None)
        markup = validate_markup(reply_markup)
        reply: JsonDict | None = None
        if reply_to is not None:
            original = chat.messages.get(reply_to)
            if original is not None and not original.deleted:
                reply = self.message_to_api(chat, original)
            elif not allow_missing_reply:
                raise bad_request("message to be replied not found")
        message = _Message(
            message_id=self._take_message_id(chat),
            sender=self.bot_user,
            date=int(time.time()),
            text=plain,
            html=text if parse_mode else None,
            parse_mode=parse_mode,
            entities=found,
            reply_markup=markup,
            media_kind=media[0] if media else None,
            media=media[1] if media else None,
            reply_to=reply,
        )
        chat.messages[message.message_id] = message
        chat.log.append(("bot", message.message_id, ""))
        self._touch(chat, message)
        return self.message_to_api(chat, message)

    def edit_text(
        self,
        chat_id: int | str,
        message_id: int,
        *,
        text: str,
        parse_mode: str | None,
        entities: object,
        reply_markup: object,
    ) -> JsonDict:
        chat, message = self._bot_message(chat_id, message_id, action="edit")
        if message.media is not None:
            raise bad_request("there is no text in the message to edit")
        plain, found = format_text(text, parse_mode, entities)
        # Like Telegram: an edit without reply_markup removes the inline keyboard.
        markup = validate_markup(reply_markup)
        if (plain, found, markup) == (message.text, message.entities, message.reply_markup):
            raise bad_request(
                "message is not modified: specified new message content and reply markup are "
                "exactly the same as a current content and reply markup of the message"
            )
        message.text, message.entities, message.reply_markup = plain, found, markup
        message.html, message.parse_mode = (text if parse_mode else None), parse_mode
        message.edit_date = int(time.time())
        self._touch(chat, message)
        return self.message_to_api(chat, message)

    def edit_markup(self, chat_id: int | str, message_id: int, reply_markup: object) -> JsonDict:
        chat, message = self._bot_message(chat_id, message_id, action="edit")
        markup = validate_markup(reply_markup)
        if markup == message.reply_markup:
            raise bad_request(
                "message is not modified: specified new message content and reply markup are "
                "exactly the same as a current content and reply markup of the message"
            )
        message.reply_markup = markup
        message.edit_date = int(time.time())
        self._touch(chat, message)
        return self.message_to_api(chat, message)

    def delete(self, chat_id: int | str, message_id: int) -> bool:
        chat, message = self._bot_message(chat_id, message_id, action="delete")
        message.deleted = True
        self._touch(chat, message)
        return True

    def answer_callback(self, query_id: str, text: str | None, show_alert: bool) -> bool:
        if self._open_queries.pop(query_id, None) is None:
            raise bad_request(
                "query is too old and response timeout expired or query ID is invalid"
            )
        self.callback_answers.append(CallbackAnswer(query_id, text, show_alert))
        self.answer_pulse.fire()
        return True

    @staticmethod
    def command_key(scope: object, language_code: str | None) -> tuple[str, str]:
        scope = scope or {"type": "default"}
        return json.dumps(scope, sort_keys=True), language_code or ""

    # --- updates ---------------------------------------------------------------------------

    def push_update(self, kind: str, payload: JsonDict) -> int:
        allowed = self.allowed_updates or None
        update_id = self._next_update_id
        self._next_update_id += 1
        wanted = kind in allowed if allowed is not None else kind not in OPT_IN_UPDATES
        if wanted:  # Telegram never creates updates of kinds the bot did not ask for
            self.history[update_id] = {"update_id": update_id, kind: payload}
            self.updates.append(self.history[update_id])
            self.update_pulse.fire()
        return update_id

    def update_of_press(self, query_id: str) -> int:
        for update_id, update in self.history.items():
            if update.get("callback_query", {}).get("id") == query_id:
                return update_id
        raise KeyError(f"no button press {query_id}")

    def redeliver(self, update_id: int) -> None:
        """Offer an update again, as Telegram does when a confirmation was lost."""
        self.updates.append(self.history[update_id])
        self.update_pulse.fire()

    def confirm(self, offset: int) -> None:
        """Apply a getUpdates offset: forget what it confirms (negative: keep the last -offset)."""
        if offset > 0:
            self.updates = [u for u in self.updates if u["update_id"] >= offset]
            self.confirmed_offset = max(self.confirmed_offset, offset - 1)
        elif offset < 0:
            dropped, self.updates = self.updates[:offset], self.updates[offset:]
            if dropped:
                self.confirmed_offset = max(self.confirmed_offset, dropped[-1]["update_id"])

    def drop_pending(self) -> None:
        if self.updates:
            self.confirmed_offset = max(self.confirmed_offset, self.updates[-1]["update_id"])
        self.updates = []

    # --- user side -------------------------------------------------------------------------

    def _take_message_id(self, chat: _Chat) -> int:
        message_id = chat.next_message_id
        chat.next_message_id += 1
        return message_id

    def _sender(self, user_id: int, chat_id: int | None) -> tuple[SandboxUser, _Chat]:
        user = self.users.get(user_id)
        if user is None:
            raise KeyError(f"unknown sandbox user {user_id}; call add_user first")
        chat = self.chats.get(user_id if chat_id is None else chat_id)
        if chat is None:
            raise KeyError(f"unknown sandbox chat {chat_id}")
        return user, chat

    def user_message(
        self,
        user_id: int,
        *,
        chat_id: int | None = None,
        text: str = "",
        document: StoredFile | None = None,
        photo: StoredFile | None = None,
        location: tuple[float, float] | None = None,
    ) -> int:
        """A user's message: text, a document or a photo (with `text` as caption), or a
        location."""
        user, chat = self._sender(user_id, chat_id)
        media = document or photo
        message = _Message(
            message_id=self._take_message_id(chat),
            sender=user,
            date=int(time.time()),
            text=text,
            entities=command_entities(text) if media is None else [],
            media_kind="document" if document else "photo" if photo else None,
            media=media,
            location=location,
        )
        chat.messages[message.message_id] = message
        chat.log.append(("user", message.message_id, ""))
        return self.push_update("message", self.message_to_api(chat, message))

    def user_press(
        self, user_id: int, message_id: int, data: str, *, chat_id: int | None = None
    ) -> str:
        user, chat = self._sender(user_id, chat_id)
        message = chat.messages.get(message_id)
        if message is None or message.deleted:
            raise KeyError(f"no message {message_id} in chat {chat.id}")
        query_id = str(7_000_000_000 + self._next_query)
        self._next_query += 1
        self._open_queries[query_id] = chat.id
        labels = [
            b.text
            for row in self.snapshot(chat, message).buttons
            for b in row
            if b.callback_data == data
        ]
        chat.log.append(("press", message_id, labels[0] if labels else repr(data)))
        self.push_update(
            "callback_query",
            {
                "id": query_id,
                "from": user.to_api(),
                "message": self.message_to_api(chat, message),
                "chat_instance": str(-chat.id),
                "data": data,
            },
        )
        return query_id

    def transcript(self, chat_id: int) -> str:
        """Readable chat dump: '> ' for the user, '< ' for the bot (current state of each)."""
        chat = self.chat(chat_id)
        lines = []
        for kind, message_id, detail in chat.log:
            message = chat.messages[message_id]
            if kind == "press":
                lines.append(f"> [pressed {detail}]")
                continue
            body = message.text
            if message.location is not None:
                body = f"[location: {message.location[0]}, {message.location[1]}]"
            if message.media is not None:
                body = f"[{message.media_kind}: {message.media.filename}] {body}".rstrip()
            if kind == "user":
                prefix = f"> {message.sender.first_name}: " if chat.type != "private" else "> "
                lines.append(prefix + body.replace("\n", "\n  "))
                continue
            snap = self.snapshot(chat, message)
            keys = " ".join(f"[{b.text}]" for row in snap.buttons for b in row)
            flags = " (deleted)" if snap.deleted else " (edited)" if snap.edited else ""
            lines.append(f"< {body.replace(chr(10), chr(10) + '  ')} {keys}".rstrip() + flags)
        return "\n".join(lines)
