"""The objects of the sandbox Bot API: errors as Telegram words them, users, chats, messages and
files as stored, and the snapshots of bot messages a test or terminal reads."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field
from typing import Any, NamedTuple

JsonDict = dict[str, Any]


class ApiError(Exception):
    """A Bot API error answer: HTTP status ``error_code`` with Telegram's description."""

    def __init__(
        self,
        error_code: int,
        description: str,
        *,
        retry_after: int | None = None,
        migrate_to_chat_id: int | None = None,
    ):
        super().__init__(description)
        self.error_code = error_code
        self.description = description
        self.retry_after = retry_after
        self.migrate_to_chat_id = migrate_to_chat_id


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
    thread_id: int | None = None  # the forum topic it is in (None: General or not a forum)
    reply_to: int | None = None  # the message it replies to

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
            "thread_id": self.thread_id,
            "reply_to": self.reply_to,
        }


class CallbackAnswer(NamedTuple):
    callback_query_id: str
    text: str | None
    show_alert: bool
    url: str | None = None


@dataclass
class StoredMessage:
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
    thread_id: int | None = None  # the forum topic it was posted in (None: General)
    edit_date: int | None = None
    deleted: bool = False
    revision: int = 0


@dataclass
class StoredChat:
    id: int
    type: str
    title: str
    username: str | None = None
    messages: dict[int, StoredMessage] = field(default_factory=dict)
    log: list[tuple[str, int, str]] = field(default_factory=list)  # (kind, message_id, detail)
    next_message_id: int = 1
    activity: int = 0
    pulse: Pulse = field(default_factory=Pulse)
    # Groups: each member's status (creator, administrator, member, left, kicked), the bot too.
    members: dict[int, str] = field(default_factory=dict)
    # Forum supergroups: their topics' thread ids (General has none).
    topics: set[int] | None = None

    def to_api(self) -> JsonDict:
        data: JsonDict = {"id": self.id, "type": self.type}
        data["first_name" if self.type == "private" else "title"] = self.title
        if self.username:
            data["username"] = self.username
        if self.topics is not None:
            data["is_forum"] = True
        return data


@dataclass
class WebhookConfig:
    url: str
    secret_token: str | None
    max_connections: int
    last_error_date: int | None = None
    last_error_message: str | None = None
