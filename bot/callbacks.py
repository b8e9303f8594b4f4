"""The one codec for inline-button data: typed, versioned, signed, at most 64 bytes.

Format: `<version><action>:<arg>:<arg>~<signature>`. The signature is a truncated HMAC over
the rest, so data the bot did not make (forged by a client, or left from an older version) is
rejected before any handler sees it. Handlers never match button text, which is translated.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass

VERSION = "1"
MAX_BYTES = 64  # Telegram's limit for callback_data
_SIGNATURE_CHARS = 8  # 48 bits: forging needs ~2^47 tries against a bot that answers ~30/s


class InvalidCallback(ValueError):
    """Callback data that this bot, in this version, did not make."""


@dataclass(frozen=True, slots=True)
class Callback:
    action: str
    args: tuple[str, ...] = ()

    def arg(self, index: int) -> str:
        try:
            return self.args[index]
        except IndexError:
            raise InvalidCallback(f"argument {index} of {self.action}") from None

    def arg_int(self, index: int) -> int:
        """An integer argument; a malformed one is treated like forged data."""
        try:
            return int(self.args[index])
        except (IndexError, ValueError):
            raise InvalidCallback(f"argument {index} of {self.action}") from None


class CallbackCodec:
    def __init__(self, key: bytes) -> None:
        self._key = key

    def encode(self, action: str, *args: object) -> str:
        parts = [action, *(str(arg) for arg in args)]
        if any(not part or ":" in part or "~" in part for part in parts[1:]) or ":" in action:
            raise ValueError(f"callback parts must be non-empty and free of ':' and '~': {parts}")
        body = VERSION + ":".join(parts)
        data = f"{body}~{self._sign(body)}"
        if len(data.encode()) > MAX_BYTES:
            raise ValueError(f"callback data over {MAX_BYTES} bytes: {data!r}")
        return data

    def decode(self, data: str | None) -> Callback:
        if not data or "~" not in data:
            raise InvalidCallback("no signature")
        body, _, signature = data.rpartition("~")
        if not hmac.compare_digest(signature, self._sign(body)):
            raise InvalidCallback("bad signature")
        if not body.startswith(VERSION):
            raise InvalidCallback("old version")
        action, *args = body[len(VERSION) :].split(":")
        return Callback(action, tuple(args))

    def _sign(self, body: str) -> str:
        digest = hmac.new(self._key, body.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).decode()[:_SIGNATURE_CHARS]


def codec_key(token: str) -> bytes:
    """Derive the signing key from the bot token: stable across restarts and replicas."""
    return hashlib.sha256(b"landscape-bot/callbacks:" + token.encode()).digest()
