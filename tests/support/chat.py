"""A chat DSL over the sandbox Bot API, so conversation tests read like the chat itself.

    alice = ChatUser(api, user_id=1001, first_name="Alice", language_code="fr-CA")
    await alice.send("/start")
    await alice.expect("langue")
    await alice.press("Français")

``expect`` reads the chat in order: it only looks at bot activity after the user's last action
and after the message it matched last, so two ``expect`` calls match two successive events.
"""

from __future__ import annotations

import asyncio
import contextlib

from bot.sandbox.api_objects import CallbackAnswer, SentMessage
from bot.sandbox.api_server import LocalBotApi

# A 1×1 PNG: the smallest photo the sandbox (like Telegram) accepts.
PHOTO = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)


class ChatUser:
    """One user talking to the bot in a private chat (or in ``chat_id``, a group)."""

    def __init__(
        self,
        api: LocalBotApi,
        *,
        user_id: int,
        first_name: str,
        username: str | None = None,
        language_code: str | None = None,
        chat_id: int | None = None,
        thread_id: int | None = None,
        timeout: float = 5.0,
    ) -> None:
        self.api = api
        self.user = api.add_user(
            user_id, first_name, username=username, language_code=language_code
        )
        self.user_id = user_id
        self.chat_id = user_id if chat_id is None else chat_id
        self.thread_id = thread_id  # the forum topic they write in
        self.timeout = timeout
        self._cursor = api.activity(self.chat_id)
        self._last_query: str | None = None

    def _group(self) -> int | None:
        return None if self.chat_id == self.user_id else self.chat_id

    async def send(self, text: str) -> int:
        """Send a text message; returns its update_id."""
        self._cursor = self.api.activity(self.chat_id)
        return await self.api.send_text(
            self.user_id, text, chat_id=self._group(), thread_id=self.thread_id
        )

    async def reply(self, message_id: int, text: str) -> int:
        """Send ``text`` as a reply to message ``message_id``; returns its update_id."""
        self._cursor = self.api.activity(self.chat_id)
        return await self.api.send_text(
            self.user_id, text, chat_id=self._group(), thread_id=self.thread_id, reply_to=message_id
        )

    async def send_document(self, filename: str, data: bytes, caption: str | None = None) -> int:
        self._cursor = self.api.activity(self.chat_id)
        return await self.api.send_document(
            self.user_id, filename, data, caption, chat_id=self._group()
        )

    async def send_photo(self, data: bytes = PHOTO, caption: str | None = None) -> int:
        """Send a photo (a tiny valid PNG unless ``data`` is given); returns its update_id."""
        self._cursor = self.api.activity(self.chat_id)
        return await self.api.send_photo(self.user_id, data, caption, chat_id=self._group())

    async def send_location(self, latitude: float, longitude: float) -> int:
        """Share a location pin; returns its update_id."""
        self._cursor = self.api.activity(self.chat_id)
        return await self.api.send_location(
            self.user_id, latitude, longitude, chat_id=self._group()
        )

    async def press(self, label: str) -> str:
        """Press the button labelled ``label`` (exact, else a unique substring) on the newest
        keyboard, waiting for it to appear; returns the callback query id."""
        with contextlib.suppress(AssertionError):  # reported below, with the buttons there are
            await self.expect_button(label)
        keyboard = self._newest_keyboard()
        if keyboard is None:
            raise AssertionError(f"no keyboard to press {label!r} on\n{self._dump()}")
        buttons = [b for row in keyboard.buttons for b in row]
        matches = [b for b in buttons if b.text == label] or [
            b for b in buttons if label.lower() in b.text.lower()
        ]
        if len(matches) != 1 or matches[0].callback_data is None:
            labels = ", ".join(repr(b.text) for b in buttons)
            problem = "is ambiguous" if len(matches) > 1 else "matches no callback button"
            raise AssertionError(f"button {label!r} {problem}; buttons: {labels}\n{self._dump()}")
        return await self.press_data(keyboard.message_id, matches[0].callback_data)

    async def press_index(self, index: int) -> str:
        """Press the button at ``index`` (reading order; negative from the end) of the newest
        keyboard, for tests that must not depend on a translated label."""
        keyboard = self._newest_keyboard()
        if keyboard is None:
            raise AssertionError(f"no keyboard to press button {index} on\n{self._dump()}")
        buttons = [b for row in keyboard.buttons for b in row if b.callback_data is not None]
        data = buttons[index].callback_data
        assert data is not None
        return await self.press_data(keyboard.message_id, data)

    async def press_data(self, message_id: int, callback_data: str) -> str:
        """Press with raw (possibly forged) callback data; returns the callback query id."""
        self._cursor = self.api.activity(self.chat_id)
        self._last_query = await self.api.press(
            self.user_id, message_id, callback_data, chat_id=self._group()
        )
        return self._last_query

    async def expect(self, substring: str, within: float | None = None) -> SentMessage:
        """Wait for the next bot message or edit containing ``substring`` (case-insensitive)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + (self.timeout if within is None else within)
        wanted = substring.lower()
        while True:
            fresh = sorted(
                (m for m in self.api.messages(self.chat_id) if m.revision > self._cursor),
                key=lambda m: m.revision,
            )
            for message in fresh:
                if not message.deleted and wanted in message.text.lower():
                    self._cursor = message.revision
                    return message
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise AssertionError(
                    f"no bot message containing {substring!r} arrived\n{self._dump()}"
                )
            await self.api.wait_for_activity(
                self.chat_id, self.api.activity(self.chat_id), remaining
            )

    async def expect_button(self, label: str, within: float | None = None) -> SentMessage:
        """Wait until the newest keyboard has a button containing ``label``."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + (self.timeout if within is None else within)
        while True:
            if any(label.lower() in text.lower() for text in self.buttons()):
                keyboard = self._newest_keyboard()
                assert keyboard is not None
                return keyboard
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise AssertionError(f"no button containing {label!r} appeared\n{self._dump()}")
            await self.api.wait_for_activity(
                self.chat_id, self.api.activity(self.chat_id), remaining
            )

    async def expect_nothing(self, within: float = 0.3) -> None:
        """Assert the bot stays silent (no send, edit or delete) for ``within`` seconds."""
        now = await self.api.wait_for_activity(self.chat_id, self._cursor, within)
        if now > self._cursor:
            raise AssertionError(f"the bot was expected to stay silent\n{self._dump()}")

    async def expect_answer(self, substring: str, within: float | None = None) -> CallbackAnswer:
        """Wait for the answerCallbackQuery of the last press; its text must contain
        ``substring`` (case-insensitive; "" accepts an answer without text)."""
        if self._last_query is None:
            raise AssertionError("expect_answer() before any press")
        answer = await self.api.wait_for_answer(
            self._last_query, self.timeout if within is None else within
        )
        if answer is None:
            raise AssertionError(f"the bot did not answer the callback query\n{self._dump()}")
        if substring.lower() not in (answer.text or "").lower():
            raise AssertionError(f"callback answer {answer.text!r} lacks {substring!r}")
        return answer

    @property
    def last(self) -> SentMessage:
        """The newest bot message still in the chat."""
        alive = [m for m in self.api.messages(self.chat_id) if not m.deleted]
        if not alive:
            raise AssertionError(f"the bot has sent nothing\n{self._dump()}")
        return alive[-1]

    def buttons(self) -> list[str]:
        keyboard = self._newest_keyboard()
        return [] if keyboard is None else [b.text for row in keyboard.buttons for b in row]

    def transcript(self) -> str:
        return self.api.transcript(self.chat_id)

    def _newest_keyboard(self) -> SentMessage | None:
        with_buttons = [m for m in self.api.messages(self.chat_id) if m.buttons and not m.deleted]
        return with_buttons[-1] if with_buttons else None

    def _dump(self) -> str:
        return f"--- transcript of chat {self.chat_id} ---\n{self.transcript() or '(empty)'}"
