"""How fast the delivery path sends a broadcast-sized batch, against its limit and against a
bare python-telegram-bot loop sending the same messages.

The local Bot API server runs in a child process (loopback only) so its CPU is not counted
against the sender. For each case: 10,000 recipients (by default) enqueued as delivery rows in
SQLite (or PostgreSQL with --postgres), drained by the real dispatcher; the table shows the
achieved rate as a share of the limit, the sender's CPU time and peak memory. Run:

    .venv/bin/python -m benchmarks.delivery [--recipients 10000] [--slow-recipients 10000]
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import asyncpg
from telegram import Bot
from telegram.request import HTTPXRequest

from bot.app import build_services
from bot.delivery.dispatcher import Dispatcher
from bot.delivery.kinds import Kind, Message, RenderContext
from bot.sandbox.api_server import LocalBotApi
from bot.services import Services
from bot.settings import Settings
from storage.deliveries import NewDelivery
from storage.models import Partner, utcnow

TOKEN = "100000003:benchmark-token-for-the-local-bot-api"  # noqa: S105
FIRST_CHAT = 1_000_000
# Sends in flight. Loopback answers in about a millisecond, so two keep up; httpcore checks
# every pooled connection on each request, so more would only cost CPU here.
CONCURRENCY = 2
POSTGRES = "postgresql://postgres@127.0.0.1:5432"


async def render(context: RenderContext) -> Message:
    return Message(context.t.gettext("Hello") + f", {context.partner.name}: the meeting moved.")


@dataclasses.dataclass
class Row:
    case: str
    messages: int
    seconds: float
    limit: float | None
    cpu: float
    peak_mib: float

    @property
    def rate(self) -> float:
        return self.messages / self.seconds


def serve(port: int, users: int) -> None:
    """Child process: the local Bot API server with `users` chats, until stdin closes."""

    async def main() -> None:
        async with LocalBotApi(TOKEN, port=port) as api:
            for n in range(users):
                api.add_user(FIRST_CHAT + n, f"User {n}")
            print(api.port, flush=True)
            await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)

    asyncio.run(main())


async def prepare(url: str, api_url: str, recipients: int, per_second: float) -> Services:
    settings = Settings(
        telegram={"token": TOKEN, "base_url": api_url + "/bot", "base_file_url": api_url},
        database={"url": url},
        delivery={"per_second": per_second, "concurrency": CONCURRENCY},
    )
    services = build_services(settings)
    services = dataclasses.replace(services, kinds={"bench": Kind("bench", render)})
    await services.db.upgrade()
    async with services.db.unit_of_work() as uow:
        partners = [
            Partner(telegram_id=FIRST_CHAT + n, name=f"Partner {n}", language="en",
                    timezone="UTC", joined_at=utcnow(), consent_at=utcnow())
            for n in range(recipients)
        ]  # fmt: skip
        uow.session.add_all(partners)
        await uow.session.flush()
        await uow.deliveries.enqueue(
            "bench", f"run:{per_second}", [NewDelivery(p.id, utcnow()) for p in partners]
        )
    return services


def bot_for(api_url: str, pool: int) -> Bot:
    return Bot(TOKEN, base_url=api_url + "/bot", request=HTTPXRequest(connection_pool_size=pool))


async def measure(case: str, limit: float | None, run: object, messages: int) -> Row:
    """Wall time, CPU time and the growth of the process's peak RSS while `run` runs
    (tracemalloc would slow the sender down several times, so it is not used)."""
    rss = _peak_rss_mib()
    cpu = time.process_time()
    started = time.perf_counter()
    await run  # type: ignore[misc]
    seconds = time.perf_counter() - started
    return Row(case, messages, seconds, limit, time.process_time() - cpu, _peak_rss_mib() - rss)


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def dispatcher_case(url: str, api_url: str, count: int, limit: float | None) -> Row:
    per_second = limit or 1_000_000  # "no limit": pacing never waits
    services = await prepare(url, api_url, count, per_second)
    async with bot_for(api_url, CONCURRENCY + 2) as bot:
        dispatcher = Dispatcher(services, bot, owner="bench")
        label = f"dispatcher, limit {limit:g}/s" if limit else "dispatcher, no limit"
        row = await measure(label, limit, dispatcher.drain(), count)
        await dispatcher.stop()
    await services.db.dispose()
    return row


async def bare_loop_case(api_url: str, count: int) -> Row:
    """What a script would do with PTB alone: send_message to each chat in turn."""
    async with bot_for(api_url, 2) as bot:

        async def loop() -> None:
            for n in range(count):
                await bot.send_message(FIRST_CHAT + n, f"Hello, Partner {n}: the meeting moved.")

        return await measure("bare PTB loop", None, loop(), count)


async def fresh_database(postgres: bool, directory: Path, name: str) -> str:
    if not postgres:
        return f"sqlite+aiosqlite:///{directory / name}.db"
    connection = await asyncpg.connect(f"{POSTGRES}/postgres")
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()
    return f"postgresql+asyncpg://postgres@127.0.0.1:5432/{name}"


async def run(recipients: int, slow_recipients: int, postgres: bool) -> list[Row]:
    users = max(recipients, slow_recipients)
    child = subprocess.Popen(  # noqa: S603, ASYNC220 - this module, loopback; before any await
        [sys.executable, "-m", "benchmarks.delivery", "--serve", str(users)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        api_url = f"http://127.0.0.1:{child.stdout.readline().strip()}"
        rows: list[Row] = []
        with tempfile.TemporaryDirectory() as directory:
            cases: Sequence[tuple[str, int, float | None]] = [
                ("fast", recipients, 1000),
                ("reachable", recipients, 300),
                ("slow", slow_recipients, 30),
                ("free", recipients, None),
            ]
            for name, count, limit in cases:
                if count:
                    url = await fresh_database(postgres, Path(directory), f"bench_{name}")
                    rows.append(await dispatcher_case(url, api_url, count, limit))
            rows.append(await bare_loop_case(api_url, recipients))
        return rows
    finally:
        if child.stdin:
            child.stdin.close()
        child.wait(timeout=10)


def report(rows: list[Row], engine: str) -> None:
    print(f"\nDelivery on {engine}; sender CPU and peak RSS growth; server in its own process")
    print(f"{'case':<30} {'messages':>9} {'seconds':>8} {'msg/s':>8} {'of limit':>9} "
          f"{'CPU s':>7} {'+RSS MiB':>9}")  # fmt: skip
    for row in rows:
        share = f"{row.rate / row.limit:.0%}" if row.limit else "—"
        print(f"{row.case:<30} {row.messages:>9,} {row.seconds:>8.1f} {row.rate:>8.0f} "
              f"{share:>9} {row.cpu:>7.1f} {row.peak_mib:>9.1f}")  # fmt: skip
    free = next(r for r in rows if r.case == "dispatcher, no limit")
    bare = next(r for r in rows if r.case == "bare PTB loop")
    print(f"\nno limit vs bare loop: {free.rate / bare.rate:.2f}× the bare loop's rate")
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"process peak RSS: {maxrss:.0f} MiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipients", type=int, default=10_000)
    parser.add_argument("--slow-recipients", type=int, default=10_000,
                        help="recipients at 30/s (10,000 take about 6 minutes)")  # fmt: skip
    parser.add_argument("--postgres", action="store_true", help="use PostgreSQL on 127.0.0.1")
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve is not None:
        serve(0, args.serve)
        return
    rows = asyncio.run(run(args.recipients, args.slow_recipients, args.postgres))
    report(rows, "PostgreSQL" if args.postgres else "SQLite")


if __name__ == "__main__":
    main()
