"""How updates leave the sandbox Bot API: getUpdates long polls (a newer one ends the one still
waiting, as on Telegram) or webhooks POSTed in order, with backoff, to loopback URLs only."""

from __future__ import annotations

import asyncio
import ipaddress
import time
from urllib.parse import urlsplit

import aiohttp

from bot.sandbox.api_objects import ApiError, JsonDict, WebhookConfig, bad_request
from bot.sandbox.api_params import Params
from bot.sandbox.api_state import BotApiState


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class UpdateDelivery:
    def __init__(self, state: BotApiState) -> None:
        self.state = state
        self.closing = False
        self._generation = 0
        self._task: asyncio.Task[None] | None = None

    async def close(self) -> None:
        """Release long polls now and stop delivering webhooks."""
        self.closing = True
        self.state.update_pulse.fire()
        await self.stop_webhooks()

    async def get_updates(self, params: Params) -> list[JsonDict]:
        state = self.state
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
        self._generation += 1
        generation = self._generation
        state.update_pulse.fire()
        deadline = asyncio.get_running_loop().time() + timeout
        while not state.updates and not self.closing:
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                break
            await state.update_pulse.wait(remaining)
            if generation != self._generation:
                raise ApiError(
                    409,
                    "Conflict: terminated by other getUpdates request; "
                    "make sure that only one bot instance is running",
                )
        return state.updates[:limit]

    async def set_webhook(self, params: Params) -> bool:
        url = params.text("url") or ""
        if not url:
            return await self.delete_webhook(params)
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not is_loopback(parts.hostname or ""):
            raise bad_request("bad webhook: the sandbox delivers webhooks to loopback URLs only")
        secret = params.text("secret_token")
        if secret is not None and not (
            1 <= len(secret) <= 256
            and all(c.isascii() and (c.isalnum() or c in "_-") for c in secret)
        ):
            raise bad_request("secret token contains unallowed characters")
        allowed = params.json("allowed_updates")
        if isinstance(allowed, list):
            self.state.allowed_updates = [str(kind) for kind in allowed]
        if params.flag("drop_pending_updates"):
            self.state.drop_pending()
        await self.stop_webhooks()
        self.state.webhook = WebhookConfig(url, secret, params.integer("max_connections") or 40)
        self._task = asyncio.create_task(self._deliver())
        self.state.update_pulse.fire()  # a waiting getUpdates now conflicts
        return True

    async def delete_webhook(self, params: Params) -> bool:
        await self.stop_webhooks()
        self.state.webhook = None
        if params.flag("drop_pending_updates"):
            self.state.drop_pending()
        return True

    async def get_webhook_info(self, params: Params) -> JsonDict:
        hook = self.state.webhook
        info: JsonDict = {
            "url": hook.url if hook else "",
            "has_custom_certificate": False,
            "pending_update_count": len(self.state.updates),
        }
        if hook is not None:
            info["max_connections"] = hook.max_connections
            if self.state.allowed_updates:
                info["allowed_updates"] = self.state.allowed_updates
            if hook.last_error_date is not None:
                info["last_error_date"] = hook.last_error_date
                info["last_error_message"] = hook.last_error_message
        return info

    async def stop_webhooks(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)

    async def _deliver(self) -> None:
        """POST pending updates one by one, in order; retry a failure with bounded backoff."""
        state = self.state
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
