"""Logging set-up with redaction: the bot token and webhook secret never reach a log line.

The token appears in every Bot API URL (`/bot<token>/sendMessage`), which HTTP client libraries
log, and in some exception texts; the filter rewrites every record, whatever logger made it.

`logging.format = "json"` writes one JSON object per line for a log collector, with what the bot
was doing when it logged: the update id, the chat as a keyed hash (the same chat, the same tag,
with no way back to the id without the token), and the route.
"""

from __future__ import annotations

import contextvars
import hashlib
import hmac
import json
import logging
import sys
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

REDACTED = "***"
# What the current task is handling; each chat's updates are handled in a task of their own.
_handling: contextvars.ContextVar[dict[str, Any] | None] = contextvars.ContextVar(
    "handling", default=None
)


def handling(**fields: Any) -> None:
    """Note what this task is handling now (update_id, chat_id, route), for its log lines."""
    _handling.set({**(_handling.get() or {}), **fields})


class RedactingFilter(logging.Filter):
    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self._secrets = [s for s in secrets if s]

    def redact(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        if not self._secrets:
            return True
        record.msg = self.redact(record.getMessage())
        record.args = None
        if record.exc_info and record.exc_info[1] is not None:
            # Render the traceback now, redacted, instead of letting the formatter do it raw.
            formatter = logging.Formatter()
            record.exc_text = self.redact(formatter.formatException(record.exc_info))
            record.exc_info = None
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line; a traceback is one field, already redacted by the filter."""

    def __init__(self, key: bytes) -> None:
        super().__init__()
        self._key = key

    def format(self, record: logging.LogRecord) -> str:
        at = datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds")
        entry: dict[str, Any] = {
            "time": at,
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in (_handling.get() or {}).items():
            if key == "chat_id":
                entry["chat"] = self.chat_tag(int(value))
            elif value is not None:
                entry[key] = value
        if record.exc_text:
            entry["error"] = record.exc_text
        elif record.exc_info:
            entry["error"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)

    def chat_tag(self, chat_id: int) -> str:
        return hmac.new(self._key, str(chat_id).encode(), hashlib.sha256).hexdigest()[:12]


def configure_logging(level: str, secrets: Iterable[str], *, json_lines: bool = False) -> None:
    secrets = [s for s in secrets if s]
    handler = logging.StreamHandler(sys.stderr)
    if json_lines:
        handler.setFormatter(JsonFormatter(("|".join(secrets) or "landscape-bot").encode()))
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactingFilter(secrets))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    # One line per HTTP request is noise at INFO; failures still surface through PTB.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
