"""Starting `landscape-bot run` when something is wrong: one clear line on stderr, exit code 1,
no traceback and no secret — a rejected token, an unreachable database, a second process on
one SQLite file."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import tomli_w

from bot.sandbox.api_server import LocalBotApi
from tests.support.bot import TOKEN
from tests.support.replicas import ROOT, Replica, replica_settings, wait_for

WRONG_TOKEN = "999999999:AAH-a-token-the-local-server-does-not-know"


async def _run(config: Path) -> tuple[int, list[str]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LANDSCAPE_BOT_")}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "run", "--config", str(config),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, cwd=ROOT, env=env,
    )  # fmt: skip
    _out, err = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode is not None
    lines = err.decode().strip().splitlines()
    return process.returncode, [line for line in lines if line.startswith("landscape-bot:")]


def _config(tmp_path: Path, settings: dict[str, object]) -> Path:
    path = tmp_path / "bot.toml"
    path.write_text(tomli_w.dumps(settings), encoding="utf-8")
    return path


async def test_a_rejected_token_is_one_line(api: LocalBotApi, tmp_path: Path) -> None:
    settings = replica_settings(
        api, f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}", receive_updates=True, per_second=30
    )
    settings["telegram"] = {**settings["telegram"], "token": WRONG_TOKEN}  # type: ignore[dict-item]
    code, lines = await _run(_config(tmp_path, settings))
    assert (code, lines) == (
        1,
        ["landscape-bot: Telegram refused the bot token: check telegram.token"],
    )


async def test_an_unreachable_database_is_one_line(api: LocalBotApi, tmp_path: Path) -> None:
    url = "postgresql+asyncpg://bot:s3cret-password@127.0.0.1:1/landscape"
    settings = replica_settings(api, url, receive_updates=True, per_second=30)
    code, lines = await _run(_config(tmp_path, settings))
    assert code == 1
    [line] = lines
    assert line.startswith(
        "landscape-bot: cannot reach the database at postgresql+asyncpg://bot:***@"
    )
    assert "s3cret" not in line
    assert TOKEN not in line


async def test_a_second_process_on_one_sqlite_file_is_refused_at_start(
    api: LocalBotApi, tmp_path: Path
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'shared.db'}"
    settings = replica_settings(api, url, receive_updates=False, per_second=30)
    first = Replica(tmp_path, "first", settings)
    await first.start()
    try:
        await wait_for(lambda: "not receiving updates" in first.output(), 60, "the first bot")
        code, lines = await _run(_config(tmp_path, settings))
    finally:
        assert await first.stop() == 0
    assert code == 1
    assert lines == [
        f"landscape-bot: another landscape-bot process is serving {tmp_path / 'shared.db'}; "
        "stop it first (SQLite serves one process: use PostgreSQL to run replicas)"
    ]
