"""A local, in-process fake of the Telegram Bot API, plus the user side of the conversation.

python-telegram-bot talks to it unmodified::

    async with LocalBotApi(TOKEN) as api:
        app = (ApplicationBuilder().token(TOKEN)
               .base_url(api.base_url).base_file_url(api.base_file_url).build())

Bot routes: ``/bot{token}/{method}`` (GET or POST; JSON, url-encoded or multipart bodies) and
``/file/bot{token}/{file_path}``. The state and its Telegram-like validation live in
:mod:`bot.sandbox.api_state`; this module adds HTTP, long polling, webhooks and fault injection.

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
import ipaddress
import json
import logging
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from types import TracebackType
from typing import Any, NamedTuple
from urllib.parse import urlsplit

import aiohttp
from aiohttp import web

from bot.sandbox.api_state import (
    ApiError,
    BotApiState,
    CallbackAnswer,
    JsonDict,
    SandboxUser,
    SentMessage,
    WebhookConfig,
    bad_request,
)

Handler = Callable[["_Params"], Awaitable[Any]]
_log = logging.getLogger(__name__)

_SEND_METHODS = frozenset({"sendMessage", "sendDocument", "sendPhoto"})
_CHAT_METHODS = _SEND_METHODS | {"sendChatAction", "editMessageText", "editMessageReplyMarkup"}
_CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
_MAX_UPLOAD_BYTES = 50 * 1024 * 1024


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


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


@dataclass(frozen=True)
class _Upload:
    filename: str | None
    data: bytes
    content_type: str | None


class _Params:
    """Request parameters; form values are strings, JSON-typed ones arrive JSON-encoded."""

    def __init__(self, values: dict[str, Any], uploads: dict[str, _Upload]) -> None:
        self.values = values
        self.uploads = uploads

    def text(self, name: str) -> str | None:
        value = self.values.get(name)
        return None if value is None else str(value)

    def integer(self, name: str) -> int | None:
        value = self.values.get(name)
        if value is None or value == "":
            return None
        try:
            return int(value)
        except (TypeError, ValueError):
            raise bad_request(f"invalid {name} specified") from None

    def number(self, name: str) -> float | None:
        value = self.values.get(name)
        if value is None or value == "":
            return None
        try:
            return float(value)
        except (TypeError, ValueError):
            raise bad_request(f"invalid {name} specified") from None

    def required_int(self, name: str) -> int:
        value = self.integer(name)
        if value is None:
            raise bad_request(f"{name} is empty")
        return value

    def flag(self, name: str) -> bool:
        return self.values.get(name) in (True, 1, "true", "True", "1")

    def json(self, name: str) -> Any:
        value = self.values.get(name)
        if isinstance(value, str):
            try:
                return json.loads(value)
            except ValueError:
                raise bad_request(f"can't parse {name} JSON object") from None
        return value

    def chat_id(self) -> int | str:
        value = self.values.get("chat_id")
        if value is None or value == "":
            raise bad_request("chat_id is empty")
        if isinstance(value, int):
            return value
        text = str(value).strip()
        return int(text) if text.lstrip("-").isdigit() else text

    def reply_to(self) -> tuple[int | None, bool]:
        parameters = self.json("reply_parameters")
        if isinstance(parameters, dict) and "message_id" in parameters:
            return int(parameters["message_id"]), bool(
                parameters.get("allow_sending_without_reply")
            )
        return self.integer("reply_to_message_id"), self.flag("allow_sending_without_reply")


def _error(code: int, description: str, retry_after: int | None = None) -> web.Response:
    body: JsonDict = {"ok": False, "error_code": code, "description": description}
    if retry_after is not None:
        body["parameters"] = {"retry_after": retry_after}
    return web.json_response(body, status=code)


async def _read_params(request: web.Request) -> _Params:
    values: dict[str, Any] = dict(request.query)
    uploads: dict[str, _Upload] = {}
    if request.body_exists:
        if request.content_type == "application/json":
            try:
                body = await request.json()
            except ValueError:
                raise bad_request("can't parse JSON object") from None
            if not isinstance(body, dict):
                raise bad_request("can't parse JSON object")
            values.update(body)
        else:
            for key, value in (await request.post()).items():
                if isinstance(value, web.FileField):
                    uploads[key] = _Upload(value.filename, value.file.read(), value.content_type)
                else:
                    values[key] = value
    return _Params(values, uploads)


class LocalBotApi:
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
        if not _is_loopback(host):
            raise ValueError(f"the sandbox binds to loopback only, not {host!r}")
        prefix = token.split(":", 1)[0]
        if bot_id is None:
            bot_id = int(prefix) if prefix.isdigit() else 1_000_000
        self._token = token
        self._host = "127.0.0.1" if host == "localhost" else host
        self._port = port
        self._state = BotApiState(SandboxUser(bot_id, bot_first_name, bot_username, is_bot=True))
        self._faults: list[_Fault] = []
        self._runner: web.AppRunner | None = None
        self._webhook_task: asyncio.Task[None] | None = None
        self._poll_generation = 0
        self._closing = False
        self.calls: Counter[str] = Counter()
        self.send_log: list[SendRecord] = []
        self.blocked_users: set[int] = set()
        self._methods: dict[str, tuple[str, Handler]] = {
            name.lower(): (name, handler)
            for name, handler in [
                ("getMe", self._get_me),
                ("getUpdates", self._get_updates),
                ("setWebhook", self._set_webhook),
                ("deleteWebhook", self._delete_webhook),
                ("getWebhookInfo", self._get_webhook_info),
                ("sendMessage", self._send_message),
                ("editMessageText", self._edit_message_text),
                ("editMessageReplyMarkup", self._edit_message_reply_markup),
                ("deleteMessage", self._delete_message),
                ("answerCallbackQuery", self._answer_callback_query),
                ("sendChatAction", self._send_chat_action),
                ("setMyCommands", self._set_my_commands),
                ("getMyCommands", self._get_my_commands),
                ("deleteMyCommands", self._delete_my_commands),
                ("sendDocument", self._send_document),
                ("sendPhoto", self._send_photo),
                ("getFile", self._get_file),
                ("getChat", self._get_chat),
                ("setChatMenuButton", self._set_chat_menu_button),
                ("getChatMenuButton", self._get_chat_menu_button),
                ("close", self._ok),
                ("logOut", self._ok),
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
        self._closing = False

    async def stop(self) -> None:
        self._closing = True
        self._state.update_pulse.fire()  # release long polls now
        await self._stop_webhook_task()
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

    # --- user-side driver --------------------------------------------------------------------

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

    def add_group(self, chat_id: int, title: str) -> None:
        self._state.add_group(chat_id, title)

    async def send_text(self, user_id: int, text: str, *, chat_id: int | None = None) -> int:
        """The user sends ``text``; returns the update_id."""
        return self._state.user_message(user_id, chat_id=chat_id, text=text)

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
        stored = self._state.store_file("document", data, filename, mime_type)
        return self._state.user_message(
            user_id, chat_id=chat_id, text=caption or "", document=stored
        )

    async def send_photo(
        self, user_id: int, data: bytes, caption: str | None = None, *, chat_id: int | None = None
    ) -> int:
        """The user sends a photo (JPEG, PNG, GIF or WebP bytes); returns the update_id."""
        stored = self._state.store_file("photo", data, None, "image/jpeg")
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
        return self._state.transcript(chat_id)

    # --- HTTP: bot side ----------------------------------------------------------------------

    async def _handle_method(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self._token:
            return _error(401, "Unauthorized")
        requested = request.match_info["method"]
        entry = self._methods.get(requested.lower())
        name = entry[0] if entry else requested
        self.calls[name] += 1
        if entry is None:
            return _error(404, "Not Found: method not found")
        try:
            params = await _read_params(request)
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
            result = await entry[1](params)
        except ApiError as err:
            return _error(err.error_code, err.description, err.retry_after)
        except Exception as exc:  # a sandbox bug: make it visible to the client and in the log
            _log.exception("sandbox failed on %s", name)
            return _error(500, f"Internal Server Error: {exc!r}")
        if name in _SEND_METHODS and chat_id is not None:
            self.send_log.append(SendRecord(time.monotonic(), name, chat_id))
        return web.json_response({"ok": True, "result": result})

    async def _handle_file(self, request: web.Request) -> web.Response:
        stored = self._state.files_by_path.get(request.match_info["path"])
        if request.match_info["token"] != self._token or stored is None:
            return _error(404, "Not Found")
        content_type = stored.mime_type or "application/octet-stream"
        return web.Response(body=stored.data, headers={"Content-Type": content_type})

    async def _ok(self, params: _Params) -> bool:
        return True

    async def _get_me(self, params: _Params) -> JsonDict:
        return {
            **self._state.bot_user.to_api(),
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def _get_updates(self, params: _Params) -> list[JsonDict]:
        state = self._state
        if state.webhook is not None:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        limit = min(max(params.integer("limit") or 100, 1), 100)
        timeout = max(params.number("timeout") or 0.0, 0.0)
        allowed = params.json("allowed_updates")
        if isinstance(allowed, list):
            state.allowed_updates = [str(kind) for kind in allowed]
        state.confirm(params.integer("offset") or 0)
        # A newer getUpdates terminates the one still waiting, as on Telegram.
        self._poll_generation += 1
        generation = self._poll_generation
        state.update_pulse.fire()
        deadline = asyncio.get_running_loop().time() + timeout
        while not state.updates and not self._closing:
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                break
            await state.update_pulse.wait(remaining)
            if generation != self._poll_generation:
                raise ApiError(
                    409,
                    "Conflict: terminated by other getUpdates request; "
                    "make sure that only one bot instance is running",
                )
        return state.updates[:limit]

    async def _set_webhook(self, params: _Params) -> bool:
        url = params.text("url") or ""
        if not url:
            return await self._delete_webhook(params)
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not _is_loopback(parts.hostname or ""):
            raise bad_request("bad webhook: the sandbox delivers webhooks to loopback URLs only")
        secret = params.text("secret_token")
        if secret is not None and not (
            1 <= len(secret) <= 256
            and all(c.isascii() and (c.isalnum() or c in "_-") for c in secret)
        ):
            raise bad_request("secret token contains unallowed characters")
        allowed = params.json("allowed_updates")
        if isinstance(allowed, list):
            self._state.allowed_updates = [str(kind) for kind in allowed]
        if params.flag("drop_pending_updates"):
            self._state.drop_pending()
        await self._stop_webhook_task()
        self._state.webhook = WebhookConfig(url, secret, params.integer("max_connections") or 40)
        self._webhook_task = asyncio.create_task(self._deliver_webhooks())
        self._state.update_pulse.fire()  # a waiting getUpdates now conflicts
        return True

    async def _delete_webhook(self, params: _Params) -> bool:
        await self._stop_webhook_task()
        self._state.webhook = None
        if params.flag("drop_pending_updates"):
            self._state.drop_pending()
        return True

    async def _get_webhook_info(self, params: _Params) -> JsonDict:
        hook = self._state.webhook
        info: JsonDict = {
            "url": hook.url if hook else "",
            "has_custom_certificate": False,
            "pending_update_count": len(self._state.updates),
        }
        if hook is not None:
            info["max_connections"] = hook.max_connections
            if self._state.allowed_updates:
                info["allowed_updates"] = self._state.allowed_updates
            if hook.last_error_date is not None:
                info["last_error_date"] = hook.last_error_date
                info["last_error_message"] = hook.last_error_message
        return info

    async def _stop_webhook_task(self) -> None:
        task, self._webhook_task = self._webhook_task, None
        if task is not None:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)

    async def _deliver_webhooks(self) -> None:
        """POST pending updates one by one, in order; retry a failure with bounded backoff."""
        state = self._state
        backoff = 0.05
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as session:
            while state.webhook is not None:
                if not state.updates:
                    await state.update_pulse.wait(None)
                    continue
                hook, update = state.webhook, state.updates[0]
                headers = (
                    {"X-Telegram-Bot-Api-Secret-Token": hook.secret_token}
                    if hook.secret_token
                    else {}
                )
                error: str | None = None
                try:
                    async with session.post(hook.url, json=update, headers=headers) as response:
                        if not 200 <= response.status < 300:
                            status = f"{response.status} {response.reason}"
                            error = f"Wrong response from the webhook: {status}"
                except (aiohttp.ClientError, TimeoutError) as exc:
                    error = f"Connection failed: {exc.__class__.__name__}"
                if error is None:
                    if state.updates and state.updates[0] is update:
                        state.updates.pop(0)
                    backoff = 0.05
                    continue
                hook.last_error_date, hook.last_error_message = int(time.time()), error
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 1.0)

    # --- HTTP: messages ----------------------------------------------------------------------

    async def _send_message(self, params: _Params) -> JsonDict:
        reply_to, allow_missing = params.reply_to()
        return self._state.send(
            params.chat_id(),
            text=params.text("text") or "",
            parse_mode=params.text("parse_mode"),
            entities=params.json("entities"),
            reply_markup=params.json("reply_markup"),
            reply_to=reply_to,
            allow_missing_reply=allow_missing,
        )

    async def _send_media(self, params: _Params, kind: str) -> JsonDict:
        chat_id = params.chat_id()
        self._state.chat(chat_id)  # "chat not found" comes before any file error
        value = params.values.get(kind)
        name = (
            value[len("attach://") :]
            if isinstance(value, str) and value.startswith("attach://")
            else kind
        )
        upload = params.uploads.get(name)
        if upload is not None:
            stored = self._state.store_file(kind, upload.data, upload.filename, upload.content_type)
        elif isinstance(value, str) and value:
            stored = self._state.file(value)  # re-sending by file_id; URLs are not fetched
            if not stored.file_id.startswith(f"sandbox-{kind}-"):
                raise bad_request(f"wrong file identifier: can't use that file as a {kind}")
        else:
            raise bad_request(f"there is no {kind} in the request")
        reply_to, allow_missing = params.reply_to()
        return self._state.send(
            chat_id,
            text=params.text("caption") or "",
            parse_mode=params.text("parse_mode"),
            entities=params.json("caption_entities"),
            reply_markup=params.json("reply_markup"),
            reply_to=reply_to,
            allow_missing_reply=allow_missing,
            media=(kind, stored),
        )

    async def _send_document(self, params: _Params) -> JsonDict:
        return await self._send_media(params, "document")

    async def _send_photo(self, params: _Params) -> JsonDict:
        return await self._send_media(params, "photo")

    async def _edit_message_text(self, params: _Params) -> JsonDict:
        if "inline_message_id" in params.values:
            raise bad_request("inline messages are not supported by the sandbox")
        return self._state.edit_text(
            params.chat_id(),
            params.required_int("message_id"),
            text=params.text("text") or "",
            parse_mode=params.text("parse_mode"),
            entities=params.json("entities"),
            reply_markup=params.json("reply_markup"),
        )

    async def _edit_message_reply_markup(self, params: _Params) -> JsonDict:
        return self._state.edit_markup(
            params.chat_id(), params.required_int("message_id"), params.json("reply_markup")
        )

    async def _delete_message(self, params: _Params) -> bool:
        return self._state.delete(params.chat_id(), params.required_int("message_id"))

    async def _answer_callback_query(self, params: _Params) -> bool:
        return self._state.answer_callback(
            params.text("callback_query_id") or "", params.text("text"), params.flag("show_alert")
        )

    async def _send_chat_action(self, params: _Params) -> bool:
        self._state.chat(params.chat_id())
        if params.text("action") not in _CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        return True

    async def _set_my_commands(self, params: _Params) -> bool:
        commands = params.json("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise bad_request("can't parse commands JSON object")
        for command in commands:
            name = str(command.get("command", "")) if isinstance(command, dict) else ""
            if not (
                1 <= len(name) <= 32 and all(c.islower() or c.isdigit() or c == "_" for c in name)
            ):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", ""))) <= 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        key = self._state.command_key(params.json("scope"), params.text("language_code"))
        self._state.commands[key] = [
            {"command": c["command"], "description": c["description"]} for c in commands
        ]
        return True

    async def _get_my_commands(self, params: _Params) -> list[JsonDict]:
        key = self._state.command_key(params.json("scope"), params.text("language_code"))
        return self._state.commands.get(key, [])

    async def _delete_my_commands(self, params: _Params) -> bool:
        key = self._state.command_key(params.json("scope"), params.text("language_code"))
        self._state.commands.pop(key, None)
        return True

    async def _get_file(self, params: _Params) -> JsonDict:
        return self._state.get_file(params.text("file_id") or "")

    async def _get_chat(self, params: _Params) -> JsonDict:
        chat = self._state.chat(params.chat_id())
        gifts = ("unlimited_gifts", "limited_gifts", "unique_gifts", "premium_subscription")
        return {
            **chat.to_api(),
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {**dict.fromkeys(gifts, True), "gifts_from_channels": False},
        }

    async def _set_chat_menu_button(self, params: _Params) -> bool:
        chat_id = params.integer("chat_id")
        if chat_id is not None:
            self._state.chat(chat_id)
        self._state.menu_buttons[chat_id] = params.json("menu_button") or {"type": "default"}
        return True

    async def _get_chat_menu_button(self, params: _Params) -> JsonDict:
        chat_id = params.integer("chat_id")
        default = self._state.menu_buttons.get(None, {"type": "commands"})
        return self._state.menu_buttons.get(chat_id, default)

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
