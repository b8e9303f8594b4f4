"""Real bot processes (`python -m bot.cli run`) against the local Bot API server in this test
process, for what only separate processes can show: replicas sharing one database, a SIGKILL."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import Sequence
from pathlib import Path

import tomli_w

from bot.sandbox.api_server import LocalBotApi
from storage.database import Database
from storage.models import Broadcast, Partner, utcnow
from tests.support.bot import TOKEN

ROOT = Path(__file__).parents[2]
FIRST_CHAT = 70_000


class Replica:
    def __init__(self, directory: Path, name: str, settings: dict[str, object]) -> None:
        self.name = name
        self.config = directory / f"{name}.toml"
        self.log = directory / f"{name}.log"
        self.config.write_text(tomli_w.dumps(settings), encoding="utf-8")
        self.process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("LANDSCAPE_BOT_")}
        with self.log.open("ab") as log:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot.cli", "run", "--config", str(self.config),
                stdout=log, stderr=log, cwd=ROOT, env=env,
            )  # fmt: skip

    async def stop(self, sig: int = signal.SIGTERM) -> int:
        assert self.process is not None
        if self.process.returncode is None:
            self.process.send_signal(sig)
        return await asyncio.wait_for(self.process.wait(), timeout=20)

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


def replica_settings(
    api: LocalBotApi, database_url: str, *, receive_updates: bool, per_second: float
) -> dict[str, object]:
    return {
        "telegram": {
            "token": TOKEN,
            "base_url": api.base_url,
            "base_file_url": api.base_file_url,
            "receive_updates": receive_updates,
        },
        "database": {"url": database_url},
        "delivery": {"per_second": per_second, "per_chat_interval": 0, "poll_seconds": 0.5},
        "health": {"enabled": False},  # replicas share this machine; a test may set a port
    }


async def partners_and_broadcast(
    api: LocalBotApi, database_url: str, count: int, languages: Sequence[str] = ("en", "fr")
) -> int:
    """`count` registered partners with chats on the server, and a broadcast to all of them
    due now; returns the broadcast id."""
    for n in range(count):
        api.add_user(FIRST_CHAT + n, f"User {n}")
    db = Database(database_url)
    try:
        async with db.unit_of_work() as uow:
            now = utcnow()
            uow.session.add_all(
                Partner(telegram_id=FIRST_CHAT + n, name=f"P{n}", timezone="UTC",
                        language=languages[n % len(languages)], joined_at=now, consent_at=now)
                for n in range(count)
            )  # fmt: skip
            broadcast = Broadcast(
                audience={}, text={"en": "Field day on Saturday", "fr": "Journée terrain samedi"},
                default_language="en", send_at=now,
            )  # fmt: skip
            uow.session.add(broadcast)
            await uow.session.flush()
            await uow.deliveries.plan(
                "broadcast", f"broadcast:{broadcast.id}", now, payload={"broadcast": broadcast.id}
            )
            return broadcast.id
    finally:
        await db.dispose()


def deliveries_per_chat(api: LocalBotApi, count: int) -> dict[int, int]:
    return {FIRST_CHAT + n: len(api.messages(FIRST_CHAT + n)) for n in range(count)}


async def wait_for(condition: object, seconds: float, what: str) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while not condition():  # type: ignore[operator]
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)
