"""Logs for a collector: `logging.format = "json"` writes one JSON object per line, with the
update, a keyed tag for the chat and the route it was handling, and redacts secrets on every
path, a crash at start included."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import pytest

from bot import cli
from bot.logs import configure_logging
from tests.support.bot import TOKEN, BotHarness
from tests.support.people import add_partner


@pytest.fixture
def fresh_logging() -> Iterator[None]:
    yield
    logging.getLogger().handlers.clear()


def _lines(err: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in err.splitlines() if line.startswith("{")]


async def test_json_lines_say_what_the_bot_was_handling(
    bot: BotHarness, capfd: pytest.CaptureFixture[str], fresh_logging: None
) -> None:
    await add_partner(bot.db, 6020, name="Dara")
    configure_logging("INFO", [TOKEN], json_lines=True)
    logging.getLogger("httpx").setLevel(logging.INFO)  # a line per request, URL and token
    user = bot.user(6020, "Dara", language_code="en")
    await user.send("/help")
    await user.expect("Here is what I can do for you:")  # sent while handling the update
    err = capfd.readouterr().err
    lines = _lines(err)
    assert lines
    replies = [line for line in lines if line.get("route") == "/help"]
    assert replies, lines
    [tag] = {line["chat"] for line in replies}
    assert isinstance(tag, str)
    assert len(tag) == 12
    assert "6020" not in tag
    assert all(isinstance(line["update_id"], int) for line in replies)
    assert TOKEN not in err
    assert TOKEN.split(":")[1] not in err


def test_a_crash_at_start_is_one_redacted_json_line(
    monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str], fresh_logging: None
) -> None:
    async def crash(*_args: object) -> None:
        raise RuntimeError(f"POST /bot{TOKEN}/getMe went wrong")

    monkeypatch.setattr(cli, "_run", crash)
    monkeypatch.setenv("LANDSCAPE_BOT_TELEGRAM__TOKEN", TOKEN)
    monkeypatch.setenv("LANDSCAPE_BOT_LOGGING__FORMAT", "json")
    assert cli.main(["run"]) == 1
    err = capfd.readouterr().err
    [line] = _lines(err)
    assert line["level"] == "ERROR"
    assert "/bot***/getMe" in str(line["error"])
    assert TOKEN not in err
