"""A local, in-process fake of the Telegram Bot API, plus the user side of the conversation.

python-telegram-bot talks to it unmodified::

    async with LocalBotApi(TOKEN) as api:
        app = (ApplicationBuilder().token(TOKEN)
               .base_url(api.base_url).base_file_url(api.base_file_url).build())

Bot routes: ``/bot{token}/{method}`` (GET or POST; JSON, url-encoded or multipart bodies) and
``/file/bot{token}/{file_path}``. The state and its Telegram-like validation live in
:mod:`bot.sandbox.api_state`; this module adds HTTP and fault injection, the methods answered
(:mod:`bot.sandbox.api_methods`, :mod:`bot.sandbox.api_updates` for getUpdates and webhooks).

The user side is driven in-process (``send_text``, ``send_document``, ``send_photo``,
``send_location``, ``press``, ``messages``, ``wait_for_activity``) or over HTTP, for a terminal
or a test in another process:

- ``POST /_sandbox/send`` with JSON ``{"user_id": 1, "text": "/start"}`` (optional ``chat_id``
  for a group) → ``{"ok": true, "update_id": n}``.
- ``POST /_sandbox/press`` with JSON ``{"user_id": 1, "message_id": 3, "callback_data": "x"}``
  → ``{"ok": true, "callback_query_id": "..."}``.
- ``GET /_sandbox/messages?chat_id=1&since=0&timeout=10`` waits up to ``timeout`` seconds for bot
  activity in the chat after activity counter ``since``, then answers
  ``{"ok": true, "activity": n, "messages": [...]}`` with the bot messages sent, edited or
  deleted after ``since`` (file contents hex-encoded in ``data_hex``).

Only loopback addresses are ever bound, and webhooks are only delivered to loopback URLs.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from types import TracebackType
from typing import Any, NamedTuple

from aiohttp import web

from bot.sandbox.api_driver import UserDriver
from bot.sandbox.api_methods import BotMethods
from bot.sandbox.api_objects import ApiError, CallbackAnswer, JsonDict, SandboxUser
from bot.sandbox.api_params import Params, error_response, read_params
from bot.sandbox.api_state import BotApiState
from bot.sandbox.api_updates import UpdateDelivery, is_loopback

Handler = Callable[[Params], Awaitable[Any]]
_log = logging.getLogger(__name__)

_SEND_METHODS = frozenset({"sendMessage", "sendDocument", "sendPhoto"})
_CHAT_METHODS = _SEND_METHODS | {"sendChatAction", "editMessageText", "editMessageReplyMarkup"}
_MAX_UPLOAD_BYTES = 50 * 1024 * 1024


class SendRecord(NamedTuple):
    time: float  # time.monotonic()
    method: str
    chat_id: int | str


@dataclass
class _Fault:
    method: str
    chat_id: int | None
    error_code: int
    description: str
    retry_after: int | None
    times: int
    delay: float


class LocalBotApi(UserDriver):
    """Fake Bot API server for one bot token, with an in-process user-side driver."""

    def __init__(
        self,
        token: str,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        bot_username: str = "landscape_bot",
        bot_id: int | None = None,
        bot_first_name: str = "Landscape Bot",
    ) -> None:
        if not is_loopback(host):
            raise ValueError(f"the sandbox binds to loopback only, not {host!r}")
        prefix = token.split(":", 1)[0]
        if bot_id is None:
            bot_id = int(prefix) if prefix.isdigit() else 1_000_000
        self._token = token
        self._host = "127.0.0.1" if host == "localhost" else host
        self._port = port
        super().__init__(
            BotApiState(SandboxUser(bot_id, bot_first_name, bot_username, is_bot=True))
        )
        self._faults: list[_Fault] = []
        self._runner: web.AppRunner | None = None
        self._updates = UpdateDelivery(self._state)
        methods = BotMethods(self._state)
        self.calls: Counter[str] = Counter()
        self.send_log: list[SendRecord] = []
        self._methods: dict[str, tuple[str, Handler]] = {
            name.lower(): (name, handler)
            for name, handler in [
                ("getMe", methods.get_me),
                ("getUpdates", self._updates.get_updates),
                ("setWebhook", self._updates.set_webhook),
                ("deleteWebhook", self._updates.delete_webhook),
                ("getWebhookInfo", self._updates.get_webhook_info),
                ("sendMessage", methods.send_message),
                ("editMessageText", methods.edit_message_text),
                ("editMessageReplyMarkup", methods.edit_message_reply_markup),
                ("deleteMessage", methods.delete_message),
                ("answerCallbackQuery", methods.answer_callback_query),
                ("sendChatAction", methods.send_chat_action),
                ("setMyCommands", methods.set_my_commands),
                ("getMyCommands", methods.get_my_commands),
                ("deleteMyCommands", methods.delete_my_commands),
                ("sendDocument", methods.send_document),
                ("sendPhoto", methods.send_photo),
                ("getFile", methods.get_file),
                ("getChat", methods.get_chat),
                ("getChatMember", self._groups.get_chat_member),
                ("setChatMenuButton", methods.set_chat_menu_button),
                ("getChatMenuButton", methods.get_chat_menu_button),
                ("close", methods.ok),
                ("logOut", methods.ok),
            ]
        }

    # --- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> None:
        if self._runner is not None:
            raise RuntimeError("LocalBotApi already started")
        app = web.Application(client_max_size=_MAX_UPLOAD_BYTES)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_method)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        app.router.add_post("/_sandbox/send", self._handle_sandbox_send)
        app.router.add_post("/_sandbox/press", self._handle_sandbox_press)
        app.router.add_get("/_sandbox/messages", self._handle_sandbox_messages)
        runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=0.5)
        await runner.setup()
        await web.TCPSite(runner, self._host, self._port).start()
        self._port = int(runner.addresses[0][1])
        self._runner = runner
        self._updates.closing = False

    async def stop(self) -> None:
        await self._updates.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> LocalBotApi:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    @property
    def port(self) -> int:
        return self._port

    @property
    def base_url(self) -> str:
        return f"http://{self._url_host}:{self._port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://{self._url_host}:{self._port}/file/bot"

    @property
    def sandbox_url(self) -> str:
        return f"http://{self._url_host}:{self._port}/_sandbox"

    @property
    def _url_host(self) -> str:
        return f"[{self._host}]" if ":" in self._host else self._host

    @property
    def bot_user(self) -> SandboxUser:
        return self._state.bot_user

    # --- test controls -----------------------------------------------------------------------

    def inject_fault(
        self,
        method: str,
        *,
        chat_id: int | None = None,
        error_code: int,
        description: str,
        retry_after: int | None = None,
        times: int = 1,
        delay: float = 0.0,
    ) -> None:
        """Make the next ``times`` matching calls fail.

        ``error_code`` 0 means a timeout: the request is held ``delay`` seconds and then carried
        out normally, like a slow Telegram whose answer the client may no longer be waiting for.
        """
        self._faults.append(
            _Fault(method.lower(), chat_id, error_code, description, retry_after, times, delay)
        )

    def _take_fault(self, method: str, chat_id: int | str | None) -> _Fault | None:
        for fault in self._faults:
            if fault.method == method.lower() and fault.chat_id in (None, chat_id):
                fault.times -= 1
                if fault.times <= 0:
                    self._faults.remove(fault)
                return fault
        return None

    @property
    def callback_answers(self) -> list[CallbackAnswer]:
        return self._state.callback_answers

    @property
    def confirmed_offset(self) -> int:
        return self._state.confirmed_offset

    @property
    def pending_updates(self) -> list[JsonDict]:
        return list(self._state.updates)

    def commands(self, scope: JsonDict | None = None, language_code: str = "") -> list[JsonDict]:
        return list(self._state.commands.get(self._state.command_key(scope, language_code), []))

    # --- HTTP: bot side ----------------------------------------------------------------------

    async def _handle_method(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self._token:
            return error_response(401, "Unauthorized")
        requested = request.match_info["method"]
        entry = self._methods.get(requested.lower())
        name = entry[0] if entry else requested
        self.calls[name] += 1
        if entry is None:
            return error_response(404, "Not Found: method not found")
        try:
            params = await read_params(request)
            chat_id = params.chat_id() if "chat_id" in params.values else None
            fault = self._take_fault(name, chat_id)
            if fault is not None:
                await asyncio.sleep(fault.delay)
                if fault.error_code:
                    raise ApiError(
                        fault.error_code, fault.description, retry_after=fault.retry_after
                    )
            if name in _CHAT_METHODS and chat_id in self.blocked_users:
                raise ApiError(403, "Forbidden: bot was blocked by the user")
            refusal = self._groups.refusal(chat_id) if name in _CHAT_METHODS else None
            if refusal is not None:
                raise refusal
            result = await entry[1](params)
        except ApiError as err:
            return error_response(
                err.error_code, err.description, err.retry_after, err.migrate_to_chat_id
            )
        except Exception as exc:  # a sandbox bug: make it visible to the client and in the log
            _log.exception("sandbox failed on %s", name)
            return error_response(500, f"Internal Server Error: {exc!r}")
        if name in _SEND_METHODS and chat_id is not None:
            self.send_log.append(SendRecord(time.monotonic(), name, chat_id))
        return web.json_response({"ok": True, "result": result})

    async def _handle_file(self, request: web.Request) -> web.Response:
        stored = self._state.files.by_path.get(request.match_info["path"])
        if request.match_info["token"] != self._token or stored is None:
            return error_response(404, "Not Found")
        content_type = stored.mime_type or "application/octet-stream"
        return web.Response(body=stored.data, headers={"Content-Type": content_type})
