"""What a crash costs: real bot processes killed with SIGKILL while partners write, then
restarted, on SQLite and PostgreSQL (loopback only, bounded: 60 partners, 90 s per case).

Partners at the name step of joining each send two messages. The bot is killed right after the
burst arrives, a third and two thirds of the way through (long polling), or once 30 of 60
updates were acknowledged with 200 (webhook). The table counts partners left unanswered,
partners whose answers were lost or applied twice, answers repeated, and how long the restarted
bot took to answer everyone. Run:

    .venv/bin/python -m benchmarks.crash [--engines sqlite postgres]
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import asyncpg  # type: ignore[import-untyped]

from bot.sandbox.api_server import LocalBotApi
from storage.database import Database
from tests.support.bot import TOKEN
from tests.support.crash import (
    Outcome,
    answered,
    burst,
    free_port,
    outcome,
    partners_at_the_name_step,
    webhook_settings,
)
from tests.support.replicas import Replica, replica_settings, wait_for

POSTGRES = "postgresql://postgres@127.0.0.1:5432"
PARTNERS = 60


@asynccontextmanager
async def scratch(engine: str, directory: Path, name: str) -> AsyncIterator[str]:
    if engine == "sqlite":
        url = f"sqlite+aiosqlite:///{directory / (name + '.db')}"
    else:
        admin = await asyncpg.connect(f"{POSTGRES}/postgres")
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        await admin.execute(f'CREATE DATABASE "{name}"')
        url = f"postgresql+asyncpg://postgres@127.0.0.1:5432/{name}"
    database = Database(url)
    await database.upgrade()
    await database.dispose()
    try:
        yield url
    finally:
        if engine != "sqlite":
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            await admin.close()


async def case(engine: str, mode: str, before: int, directory: Path) -> tuple[int, Outcome, float]:
    count = PARTNERS if mode == "polling" else PARTNERS // 2
    name = f"lb_crash_{engine}_{mode}_{before}"
    async with LocalBotApi(TOKEN) as api, scratch(engine, directory, name) as url:
        await partners_at_the_name_step(api, url, count)
        settings = replica_settings(api, url, receive_updates=True, per_second=30)
        if mode == "webhook":
            settings["webhook"] = webhook_settings(free_port())
        bot = Replica(directory, f"{name}-1", settings)
        await bot.start()
        await wait_for(lambda: "receiving updates" in bot.output(), 60, "the bot to start")
        await burst(api, count)
        if mode == "webhook":
            await wait_for(lambda: len(api.pending_updates) <= count, 30, "half acknowledged")
        else:
            await wait_for(lambda: answered(api, count) >= before, 30, f"{before} answers")
        await bot.stop(signal.SIGKILL)
        at_kill = answered(api, count)
        started = time.monotonic()
        again = Replica(directory, f"{name}-2", settings)
        await again.start()
        try:
            await wait_for(lambda: answered(api, count) == count, 90, "every answer")
            took = time.monotonic() - started
            await asyncio.sleep(1.0)
        finally:
            await again.stop()
        return at_kill, await outcome(api, url, count), took


async def main(engines: list[str]) -> None:
    print("| engine | receiving | killed when | answered at kill | unanswered | lost or twice "
          "| answers repeated | restart to all answered |")  # fmt: skip
    print("|---|---|---|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as directory:
        for engine in engines:
            cases = [("polling", 0), ("polling", 20), ("polling", 40), ("webhook", 0)]
            for mode, before in cases:
                at_kill, result, took = await case(engine, mode, before, Path(directory))
                when = (
                    "30 of 60 acknowledged" if mode == "webhook"
                    else f"{before} of {PARTNERS} answered"
                )  # fmt: skip
                total = PARTNERS if mode == "polling" else PARTNERS // 2
                cells = [engine, mode, when, f"{at_kill}/{total}", result.unanswered,
                         result.misapplied, result.repeated, f"{took:.1f} s"]  # fmt: skip
                print("| " + " | ".join(str(cell) for cell in cells) + " |", flush=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engines", nargs="+", default=["sqlite", "postgres"])
    asyncio.run(main(parser.parse_args().engines))
