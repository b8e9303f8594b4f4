"""The user side of a sandbox conversation: users and groups, their messages, photos, documents,
locations and button presses, and waiting for what the bot does — in process, or over HTTP
at /_sandbox/send, /_sandbox/press and /_sandbox/messages for a terminal or another process."""

from __future__ import annotations

import asyncio

from aiohttp import web

from bot.sandbox.api_groups import Groups
from bot.sandbox.api_objects import ApiError, CallbackAnswer, JsonDict, SandboxUser, SentMessage
from bot.sandbox.api_state import BotApiState
from bot.sandbox.api_views import transcript


class UserDriver:
    """What users do and see; `LocalBotApi` adds the bot's side."""

    def __init__(self, state: BotApiState) -> None:
        self._state = state
        self._groups = Groups(state)
        self.blocked_users: set[int] = set()  # sends to them get Telegram's 403

    def add_user(
        self,
        user_id: int,
        first_name: str,
        *,
        username: str | None = None,
        language_code: str | None = None,
    ) -> SandboxUser:
        user = SandboxUser(user_id, first_name, username, language_code)
        self._state.add_user(user)
        return user

    def add_group(
        self,
        chat_id: int,
        title: str,
        *,
        kind: str = "group",
        members: dict[int, str] | None = None,
        topics: set[int] | None = None,
    ) -> None:
        """A group (or supergroup, or with kind="channel" a channel) with its members, e.g.
        ``{1: "creator", 2: "member"}`` (users added first); the bot is not in it until
        `add_bot`. With `topics` (their thread ids) a forum supergroup."""
        self._groups.add_group(chat_id, title, kind=kind, topics=topics)
        for user_id, status in (members or {}).items():
            self._groups.set_member(chat_id, user_id, status)

    def delete_topic(self, chat_id: int, thread_id: int) -> None:
        """A forum topic is deleted: sending to it gets Telegram's "message thread not found"."""
        (self._state.chat(chat_id).topics or set()).discard(thread_id)

    def set_member(self, chat_id: int, user_id: int, status: str = "member") -> None:
        self._groups.set_member(chat_id, user_id, status)

    def add_bot(self, chat_id: int, by_user_id: int, *, status: str = "member") -> int:
        """`by_user_id` adds the bot to the group, or to a channel with status="administrator"
        (`my_chat_member`); returns the update_id."""
        return self._groups.set_bot_status(chat_id, by_user_id, status)

    def remove_bot(self, chat_id: int, by_user_id: int) -> int:
        """`by_user_id` removes the bot from the group; it can no longer send there."""
        return self._groups.set_bot_status(chat_id, by_user_id, "kicked")

    def migrate_group(self, chat_id: int, new_id: int, *, announce: bool = True) -> int | None:
        """The group becomes a supergroup with id `new_id` (`announce`=False: the bot is not
        told, as when it was down longer than Telegram keeps updates)."""
        return self._groups.migrate(chat_id, new_id, announce=announce)

    def block_bot(self, user_id: int, *, blocked: bool = True) -> int:
        """The user blocks (or, with blocked=False, unblocks) the bot: sends to them get
        Telegram's 403 until they unblock, and the bot gets a `my_chat_member` update."""
        if blocked:
            self.blocked_users.add(user_id)
        else:
            self.blocked_users.discard(user_id)
        return self._groups.set_blocked(user_id, blocked)

    async def send_text(
        self,
        user_id: int,
        text: str,
        *,
        chat_id: int | None = None,
        thread_id: int | None = None,
        reply_to: int | None = None,
    ) -> int:
        """The user sends ``text`` (in a forum topic, replying to a message); returns the
        update_id."""
        return self._state.user_message(
            user_id, chat_id=chat_id, text=text, thread_id=thread_id, reply_to=reply_to
        )

    async def send_document(
        self,
        user_id: int,
        filename: str,
        data: bytes,
        caption: str | None = None,
        *,
        chat_id: int | None = None,
        mime_type: str | None = None,
    ) -> int:
        stored = self._state.files.store("document", data, filename, mime_type)
        return self._state.user_message(
            user_id, chat_id=chat_id, text=caption or "", document=stored
        )

    async def send_photo(
        self, user_id: int, data: bytes, caption: str | None = None, *, chat_id: int | None = None
    ) -> int:
        """The user sends a photo (JPEG, PNG, GIF or WebP bytes); returns the update_id."""
        stored = self._state.files.store("photo", data, None, "image/jpeg")
        return self._state.user_message(user_id, chat_id=chat_id, text=caption or "", photo=stored)

    async def send_location(
        self, user_id: int, latitude: float, longitude: float, *, chat_id: int | None = None
    ) -> int:
        """The user shares a location pin; returns the update_id."""
        return self._state.user_message(user_id, chat_id=chat_id, location=(latitude, longitude))

    async def press(
        self, user_id: int, message_id: int, callback_data: str, *, chat_id: int | None = None
    ) -> str:
        """The user presses a button (the data is not checked against the keyboard)."""
        return self._state.user_press(user_id, message_id, callback_data, chat_id=chat_id)

    def update_of_press(self, callback_query_id: str) -> int:
        """The update_id that carried a button press, e.g. to redeliver it."""
        return self._state.update_of_press(callback_query_id)

    def redeliver(self, update_id: int) -> None:
        """Deliver an already handled update again (Telegram delivers at least once)."""
        self._state.redeliver(update_id)

    def messages(self, chat_id: int) -> list[SentMessage]:
        return self._state.bot_messages(chat_id)

    def activity(self, chat_id: int) -> int:
        return self._state.chat(chat_id).activity

    async def wait_for_activity(
        self,
        chat_id: int,
        since: int,
        timeout: float = 5.0,  # noqa: ASYNC109 - a timeout returns, it does not raise
    ) -> int:
        """Wait until the bot sent, edited or deleted something after ``since``.

        Returns the chat's activity counter (still ``since`` when the timeout elapsed).
        """
        chat = self._state.chat(chat_id)
        deadline = asyncio.get_running_loop().time() + timeout
        while chat.activity <= since:
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                break
            await chat.pulse.wait(remaining)
        return chat.activity

    async def wait_for_answer(
        self,
        callback_query_id: str,
        timeout: float = 5.0,  # noqa: ASYNC109 - a timeout returns None, it does not raise
    ) -> CallbackAnswer | None:
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            for answer in self._state.callback_answers:
                if answer.callback_query_id == callback_query_id:
                    return answer
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                return None
            await self._state.answer_pulse.wait(remaining)

    def transcript(self, chat_id: int) -> str:
        return transcript(self._state.chat(chat_id))

    # --- HTTP: user side ---------------------------------------------------------------------

    @staticmethod
    async def _sandbox_body(request: web.Request) -> JsonDict:
        body = await request.json()
        if not isinstance(body, dict):
            raise ValueError("expected a JSON object")
        return body

    async def _handle_sandbox_send(self, request: web.Request) -> web.Response:
        try:
            body = await self._sandbox_body(request)
            update_id = await self.send_text(
                int(body["user_id"]), str(body["text"]), chat_id=body.get("chat_id")
            )
        except (KeyError, ValueError, TypeError, ApiError) as exc:
            return web.json_response({"ok": False, "description": str(exc)}, status=400)
        return web.json_response({"ok": True, "update_id": update_id})

    async def _handle_sandbox_press(self, request: web.Request) -> web.Response:
        try:
            body = await self._sandbox_body(request)
            query_id = await self.press(
                int(body["user_id"]),
                int(body["message_id"]),
                str(body["callback_data"]),
                chat_id=body.get("chat_id"),
            )
        except (KeyError, ValueError, TypeError, ApiError) as exc:
            return web.json_response({"ok": False, "description": str(exc)}, status=400)
        return web.json_response({"ok": True, "callback_query_id": query_id})

    async def _handle_sandbox_messages(self, request: web.Request) -> web.Response:
        try:
            chat_id = int(request.query["chat_id"])
            since = int(request.query.get("since", "0"))
            timeout = min(float(request.query.get("timeout", "0")), 60.0)
            activity = await self.wait_for_activity(chat_id, since, timeout)
        except (KeyError, ValueError, ApiError) as exc:
            return web.json_response({"ok": False, "description": str(exc)}, status=400)
        changed = [m.to_json() for m in self.messages(chat_id) if m.revision > since]
        return web.json_response({"ok": True, "activity": activity, "messages": changed})
