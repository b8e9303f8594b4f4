"""In-memory state of the sandbox Bot API: users, chats and their messages, files, the updates
queue, commands and menu buttons. Methods raise `ApiError` as the Bot API answers; nothing here
does I/O (`bot.sandbox.api_server` puts HTTP in front of it).
"""

from __future__ import annotations

import json
import time

from bot.sandbox.api_entities import command_entities, format_text, validate_markup
from bot.sandbox.api_files import FileStore
from bot.sandbox.api_objects import (
    CallbackAnswer,
    JsonDict,
    Pulse,
    SandboxUser,
    SentMessage,
    StoredChat,
    StoredFile,
    StoredMessage,
    WebhookConfig,
    bad_request,
)
from bot.sandbox.api_views import message_to_api, snapshot

# Telegram's answer when allowed_updates is empty: everything but these three.
OPT_IN_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


class BotApiState:
    """Everything the fake server knows. Methods raise :class:`ApiError` like the Bot API."""

    def __init__(self, bot_user: SandboxUser) -> None:
        self.bot_user = bot_user
        self.users: dict[int, SandboxUser] = {}
        self.chats: dict[int, StoredChat] = {}
        self.files = FileStore()
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
        self._next_query = 1

    # --- users and chats -------------------------------------------------------------------

    def add_user(self, user: SandboxUser) -> None:
        self.users[user.id] = user
        chat = self.chats.get(user.id)
        if chat is None:
            self.chats[user.id] = StoredChat(user.id, "private", user.first_name, user.username)
        else:
            chat.title, chat.username = user.first_name, user.username

    def chat(self, chat_id: int | str) -> StoredChat:
        if isinstance(chat_id, str):
            name = chat_id.removeprefix("@").lower()
            for chat in self.chats.values():
                if chat.username and chat.username.lower() == name:
                    return chat
        elif chat_id in self.chats:
            return self.chats[chat_id]
        raise bad_request("chat not found")

    # --- bot messages ----------------------------------------------------------------------

    def bot_messages(self, chat_id: int) -> list[SentMessage]:
        chat = self.chat(chat_id)
        return [
            snapshot(chat, m) for m in chat.messages.values() if m.sender.id == self.bot_user.id
        ]

    def _touch(self, chat: StoredChat, message: StoredMessage) -> None:
        chat.activity += 1
        message.revision = chat.activity
        chat.pulse.fire()

    def _bot_message(
        self, chat_id: int | str, message_id: int, *, action: str
    ) -> tuple[StoredChat, StoredMessage]:
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
        thread_id: int | None = None,
    ) -> JsonDict:
        chat = self.chat(chat_id)
        if thread_id is not None and thread_id not in (chat.topics or ()):
            raise bad_request("message thread not found")
        plain, found = format_text(text, parse_mode, entities, caption=media is not None)
        markup = validate_markup(reply_markup)
        reply: JsonDict | None = None
        if reply_to is not None:
            original = chat.messages.get(reply_to)
            if original is not None and not original.deleted:
                reply = message_to_api(chat, original)
            elif not allow_missing_reply:
                raise bad_request("message to be replied not found")
        message = StoredMessage(
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
            thread_id=thread_id,
        )
        chat.messages[message.message_id] = message
        chat.log.append(("bot", message.message_id, ""))
        self._touch(chat, message)
        return message_to_api(chat, message)

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
        return message_to_api(chat, message)

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
        return message_to_api(chat, message)

    def delete(self, chat_id: int | str, message_id: int) -> bool:
        chat, message = self._bot_message(chat_id, message_id, action="delete")
        message.deleted = True
        self._touch(chat, message)
        return True

    def answer_callback(
        self, query_id: str, text: str | None, show_alert: bool, url: str | None = None
    ) -> bool:
        if self._open_queries.pop(query_id, None) is None:
            raise bad_request(
                "query is too old and response timeout expired or query ID is invalid"
            )
        self.callback_answers.append(CallbackAnswer(query_id, text, show_alert, url))
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

    def _take_message_id(self, chat: StoredChat) -> int:
        message_id = chat.next_message_id
        chat.next_message_id += 1
        return message_id

    def _sender(self, user_id: int, chat_id: int | None) -> tuple[SandboxUser, StoredChat]:
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
        thread_id: int | None = None,
        reply_to: int | None = None,
    ) -> int:
        """A user's message: text, a document or a photo (with `text` as caption), or a
        location; in a forum topic (`thread_id`), or replying to message `reply_to`."""
        user, chat = self._sender(user_id, chat_id)
        if thread_id is not None and thread_id not in (chat.topics or ()):
            raise KeyError(f"no topic {thread_id} in chat {chat.id}")
        original = chat.messages.get(reply_to) if reply_to is not None else None
        if reply_to is not None and (original is None or original.deleted):
            raise KeyError(f"no message {reply_to} in chat {chat.id}")
        media = document or photo
        message = StoredMessage(
            message_id=self._take_message_id(chat),
            sender=user,
            date=int(time.time()),
            text=text,
            entities=command_entities(text) if media is None else [],
            media_kind="document" if document else "photo" if photo else None,
            media=media,
            location=location,
            reply_to=message_to_api(chat, original) if original is not None else None,
            thread_id=thread_id,
        )
        chat.messages[message.message_id] = message
        chat.log.append(("user", message.message_id, ""))
        return self.push_update("message", message_to_api(chat, message))

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
            for row in snapshot(chat, message).buttons
            for b in row
            if b.callback_data == data
        ]
        chat.log.append(("press", message_id, labels[0] if labels else repr(data)))
        self.push_update(
            "callback_query",
            {
                "id": query_id,
                "from": user.to_api(),
                "message": message_to_api(chat, message),
                "chat_instance": str(-chat.id),
                "data": data,
            },
        )
        return query_id
