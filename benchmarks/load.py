"""What an update costs: our bot and a bare python-telegram-bot echo bot (`benchmarks.echo_bot`),
each a real process long-polling the local Bot API server on loopback, sent the same messages by
the same users. CPU per reply comes from the bot process's own counters (/proc), so the driver
and the API server in this process do not count; latency is from the user's message to the
bot's reply.

    .venv/bin/python -m benchmarks.load [--engines sqlite,postgres] [--messages 300]
        [--users 20] [--partners 1000] [--paced-rate 25 --paced-seconds 30] [--flood]
        [--profile DIR]

Two phases per bot: round trips one after another per kind of message (CPU per reply), then
--paced-rate updates a second from all users at once for --paced-seconds (p50/p99, CPU). With
--flood, the paced phase runs again while one more partner sends 20 messages a second, and our
bot keeps its default flood control (the other phases lift it, since a benchmark user sends
faster than one a second); the table then shows the others' latency beside the first phase's.
Our bot logs each time its event loop was held 100 ms or more (bot/ops/stalls.py): the table
counts those logged from the first phase on, and the longest. The PostgreSQL run uses a
database `landscape_bot_load` on LANDSCAPE_BOT_BENCH_POSTGRES (default
postgresql://postgres@127.0.0.1:5432/postgres), dropped and created fresh.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import os
import re
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg  # type: ignore[import-untyped]
import tomli_w

from bot.content import apply_content, read_content_file
from bot.sandbox.api_server import LocalBotApi
from storage.database import Database
from storage.models import Broadcast, Partner, PartnerStatus, Role, StakeholderType, utcnow

TOKEN = "100000003:load-benchmark-token-for-the-local-bot-api"  # noqa: S105
ROOT = Path(__file__).parents[1]
EXAMPLE = ROOT / "bot" / "examples" / "content.toml"
FIRST_USER = 500_000
FLOOD_RATE = 20.0  # the flooder's messages a second
POSTGRES = os.environ.get(
    "LANDSCAPE_BOT_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres"
)
KINDS = {  # what a partner sends; the echo bot gets the same texts
    "/help": "/help",
    "/next": "/next",
    "question": "when is the next meeting?",
}
CLOCK_TICK = os.sysconf("SC_CLK_TCK")
HELD = re.compile(r"the event loop was held for (\d+) ms")


@dataclass
class Measured:
    cpu_ms: dict[str, float] = field(default_factory=dict)  # per reply, by kind
    paced: list[float] = field(default_factory=list)  # latencies, ms
    paced_cpu_ms: float = 0.0  # per reply while paced
    broadcasting: list[float] = field(default_factory=list)  # latencies while it goes out, ms
    broadcast_sent: int = 0  # broadcast messages sent in that window
    flooded: list[float] = field(default_factory=list)  # others' latencies beside a flooder, ms
    flooder_sent: int = 0
    flooder_answered: int = 0  # replies the flooder got by the end of the phase
    lost: int = 0
    rss_start: float = 0.0
    settled: float = 0.0  # seconds from the first reply until the bot was idle
    idle_cpu_ms: float = 0.0  # a second of doing nothing
    rss_peak: float = 0.0
    held: list[float] = field(default_factory=list)  # event-loop holds of 100 ms or more, ms


class BotProcess:
    """A bot under test, started as its own process, its CPU and memory read from /proc."""

    def __init__(self, command: Sequence[str], log: Path) -> None:
        self.command, self.log = command, log
        self.process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("LANDSCAPE_BOT_")}
        with self.log.open("ab") as log:
            self.process = await asyncio.create_subprocess_exec(
                *self.command, stdout=log, stderr=log, cwd=ROOT, env=env
            )

    async def stop(self) -> None:
        assert self.process is not None
        if self.process.returncode is None:
            self.process.terminate()
        await asyncio.wait_for(self.process.wait(), timeout=30)

    def holds_since(self, offset: int) -> list[float]:
        """The event-loop holds the bot logged (bot/ops/stalls.py) after `offset` of its log."""
        with self.log.open("rb") as log:
            log.seek(offset)
            return [float(ms) for ms in HELD.findall(log.read().decode(errors="replace"))]

    def cpu_seconds(self) -> float:
        assert self.process is not None
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLOCK_TICK  # utime + stime

    def memory_mib(self, key: str) -> float:
        assert self.process is not None
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1]) / 1024
        return float("nan")


async def round_trip(api: LocalBotApi, user: int, text: str) -> float | None:
    before = api.activity(user)
    started = time.perf_counter()
    await api.send_text(user, text)
    if await api.wait_for_activity(user, before, 20.0) == before:
        return None
    return (time.perf_counter() - started) * 1000


async def settled(bot: BotProcess, limit: float = 300) -> float:
    """Wait until the bot is idle (under 5 % of a core for 2 s): our bot indexes its phrases and
    content in the background after start, which is start-up work, not an update's. Returns the
    seconds waited."""
    started = time.perf_counter()
    while time.perf_counter() - started < limit:
        before = bot.cpu_seconds()
        await asyncio.sleep(2)
        if bot.cpu_seconds() - before < 0.1:
            break
    return time.perf_counter() - started


async def measure(
    api: LocalBotApi,
    bot: BotProcess,
    users: list[int],
    args: argparse.Namespace,
    broadcast: Callable[[], Awaitable[None]] | None,
) -> Measured:
    result = Measured()
    if await round_trip(api, users[0], "/help") is None:
        raise RuntimeError(f"no reply; see {bot.log}")
    result.settled = await settled(bot)
    result.idle_cpu_ms = await idle_cpu(bot)
    if args.profile:
        await sample(bot, args.profile / f"{Path(bot.log).stem}.txt", api, users)
    for user in users:  # warm: each user's first message loads what later ones reuse
        await round_trip(api, user, "/help")
    result.rss_start = bot.memory_mib("VmRSS")
    logged = bot.log.stat().st_size  # holds from here on are the updates' and the batch's
    for kind, text in KINDS.items():
        before = bot.cpu_seconds()
        for n in range(args.messages):
            if await round_trip(api, users[n % len(users)], text) is None:
                result.lost += 1
        result.cpu_ms[kind] = (bot.cpu_seconds() - before) * 1000 / args.messages
    before = bot.cpu_seconds()
    sent = await paced(api, users, args.paced_rate, args.paced_seconds, result.paced, result)
    result.paced_cpu_ms = (bot.cpu_seconds() - before) * 1000 / max(sent, 1)
    if args.flood:
        await flooded(api, users, args, result)
    if broadcast is not None:
        await broadcast()
        await paced(api, users, args.paced_rate, args.paced_seconds, result.broadcasting, result)
        result.broadcast_sent = sends(api, not_to=set(users))
    result.rss_peak = bot.memory_mib("VmHWM")
    result.held = bot.holds_since(logged)
    return result


def sends(api: LocalBotApi, not_to: set[int]) -> int:
    """Messages sent to partners other than those chatting: the broadcast's."""
    return sum(1 for r in api.send_log if r.method == "sendMessage" and r.chat_id not in not_to)


async def sample(bot: BotProcess, out: Path, api: LocalBotApi, users: list[int]) -> None:
    """Where a /help's CPU goes, by py-spy (`pip install py-spy==0.3.14`; 0.4 panics here when
    sampling threads without stopping the process): the share of samples in
    each function, every thread, over 20 s of round trips."""
    assert bot.process is not None
    raw = out.with_suffix(".raw")
    spy = await asyncio.create_subprocess_exec(
        "py-spy", "record", "--pid", str(bot.process.pid), "--format", "raw", "--threads",
        "--rate", "250", "--duration", "20", "--nonblocking", "--output", str(raw),
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    n = 0
    while spy.returncode is None:
        await round_trip(api, users[n % len(users)], "/help")
        n += 1
    _, complaint = await spy.communicate()
    if not raw.exists():
        raise SystemExit(f"py-spy sampled nothing: {complaint.decode(errors='replace')[-500:]}")
    shares: Counter[str] = Counter()
    total = 0
    for line in (await asyncio.to_thread(raw.read_text)).splitlines():
        stack, _, count = line.rpartition(" ")
        total += int(count)
        for frame in set(stack.split(";")):
            shares[frame.split(" (")[0] + " (" + frame.rsplit("/", 1)[-1]] += int(count)
    lines = (f"{100 * v / total:5.1f}% {k}\n" for k, v in shares.most_common(150))
    await asyncio.to_thread(out.write_text, "".join(lines))


async def idle_cpu(bot: BotProcess, seconds: float = 5) -> float:
    before = bot.cpu_seconds()
    await asyncio.sleep(seconds)
    return (bot.cpu_seconds() - before) * 1000 / seconds


async def paced(
    api: LocalBotApi,
    users: list[int],
    rate: float,
    seconds: float,
    latencies: list[float],
    result: Measured,
) -> int:
    """`rate` messages a second spread over the users, each waiting for its own reply."""
    kinds = list(KINDS.values())
    tasks = []
    count = int(rate * seconds)
    started = time.perf_counter()
    for n in range(count):
        delay = started + n / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(round_trip(api, users[n % len(users)], kinds[n % 3])))
    for latency in await asyncio.gather(*tasks):
        if latency is None:
            result.lost += 1
        else:
            latencies.append(latency)
    return count


async def flooded(
    api: LocalBotApi, users: list[int], args: argparse.Namespace, result: Measured
) -> None:
    """The paced phase again while a partner outside `users` sends FLOOD_RATE messages a
    second (without waiting for answers) from a little before it until it ends."""
    flooder = users[-1] + 1
    before = sends_to(api, flooder)
    done = asyncio.Event()

    async def flood() -> int:
        n = 0
        started = time.perf_counter()
        while not done.is_set():
            await api.send_text(flooder, list(KINDS.values())[n % len(KINDS)])
            n += 1
            await asyncio.sleep(max(0.0, started + n / FLOOD_RATE - time.perf_counter()))
        return n

    flooding = asyncio.create_task(flood())
    await asyncio.sleep(2)  # the flooder's bucket is empty before the others start
    await paced(api, users, args.paced_rate, args.paced_seconds, result.flooded, result)
    done.set()
    result.flooder_sent = await flooding
    result.flooder_answered = sends_to(api, flooder) - before


def sends_to(api: LocalBotApi, chat_id: int) -> int:
    return sum(1 for r in api.send_log if r.method == "sendMessage" and r.chat_id == chat_id)


async def prepare_ours(url: str, users: list[int], partners: int) -> None:
    db = Database(url)
    try:
        await db.upgrade()
        async with db.unit_of_work() as uow:
            await apply_content(uow, read_content_file(EXAMPLE))
            now = utcnow()
            for start in range(0, partners, 5000):
                uow.session.add_all(
                    Partner(telegram_id=FIRST_USER + n, name=f"Partner {n}", timezone="UTC",
                            language="en", joined_at=now, consent_at=now,
                            status=PartnerStatus.ACTIVE, role=Role.PARTNER,
                            stakeholder_type=StakeholderType.COMMUNITY)
                    for n in range(start, min(partners, start + 5000))
                )  # fmt: skip
                await uow.session.flush()
            landscape = await uow.places.landscape_by_slug("flrm-cambodia")
            for user in users:
                partner = await uow.partners.by_telegram_id(user)
                assert partner is not None
                assert landscape is not None
                await uow.partners.set_landscapes(partner, [landscape])
    finally:
        await db.dispose()


async def plan_broadcast(url: str) -> None:
    """A broadcast to every partner, due now, as a coordinator's confirmation leaves it."""
    db = Database(url)
    try:
        async with db.unit_of_work() as uow:
            now = utcnow()
            broadcast = Broadcast(
                audience={}, text={"en": "Field day on Saturday"}, default_language="en",
                send_at=now,
            )  # fmt: skip
            uow.session.add(broadcast)
            await uow.session.flush()
            await uow.deliveries.plan(
                "broadcast", f"broadcast:{broadcast.id}", now, payload={"broadcast": broadcast.id}
            )
    finally:
        await db.dispose()


async def fresh_postgres() -> str:
    admin = await asyncpg.connect(POSTGRES)
    try:
        await admin.execute('DROP DATABASE IF EXISTS "landscape_bot_load" WITH (FORCE)')
        await admin.execute('CREATE DATABASE "landscape_bot_load"')
    finally:
        await admin.close()
    base = POSTGRES.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://", 1)
    return f"{base}/landscape_bot_load"


async def run_one(name: str, args: argparse.Namespace, directory: Path) -> Measured:
    users = [FIRST_USER + n for n in range(args.users)]
    async with LocalBotApi(TOKEN) as api:
        for n in range(args.partners):  # every partner has a chat a broadcast can reach
            api.add_user(FIRST_USER + n, f"User {n}", language_code="en")
        broadcast = None
        if name == "echo bot":
            command = [sys.executable, "-m", "benchmarks.echo_bot", api.base_url, TOKEN]
        else:
            url = (
                await fresh_postgres()
                if name.endswith("postgres")
                else f"sqlite+aiosqlite:///{directory / 'load.db'}"
            )
            await prepare_ours(url, users, args.partners)
            config = directory / f"{name.replace(' ', '-')}.toml"
            config.write_text(tomli_w.dumps({
                "telegram": {"token": TOKEN, "base_url": api.base_url,
                             "base_file_url": api.base_file_url},
                "database": {"url": url},
                "delivery": {"per_second": args.per_second, "per_chat_interval": 0},
                **({} if args.flood else {"flood": {"burst": 1000, "per_second": 1000}}),
                "checkins": {"prompts": False},
                "health": {"enabled": False},
                "logging": {"level": "WARNING"},
            }))  # fmt: skip
            command = [sys.executable, "-m", "bot.cli", "run", "--config", str(config)]
            if args.broadcast:
                broadcast = functools.partial(plan_broadcast, url)
        bot = BotProcess(command, directory / f"{name.replace(' ', '-')}.log")
        await bot.start()
        try:
            return await measure(api, bot, users, args, broadcast)
        finally:
            await bot.stop()


def report(results: dict[str, Measured], args: argparse.Namespace) -> None:
    echo = results.get("echo bot")
    print(f"{args.messages} round trips per kind from {args.users} users, then "
          f"{args.paced_rate:g} updates/s for {args.paced_seconds:g} s"
          + (" twice, the second while a broadcast to every partner goes out" if args.broadcast
             else "") + f"; {args.partners} registered partners\n")  # fmt: skip
    print("| bot | " + " | ".join(f"CPU ms per {kind} reply" for kind in KINDS)
          + " | CPU ms per reply, paced | idle CPU ms/s | busy after start s |")  # fmt: skip
    print("|---" * (len(KINDS) + 4) + "|")
    for name, m in results.items():
        cells = [
            f"{m.cpu_ms[kind]:.2f}"
            + ("" if echo is None or m is echo else f" ({m.cpu_ms[kind] / echo.cpu_ms[kind]:.1f}×)")
            for kind in KINDS
        ]
        print(f"| {name} | {' | '.join(cells)} | {m.paced_cpu_ms:.2f} | {m.idle_cpu_ms:.1f} "
              f"| {m.settled:.0f} |")  # fmt: skip
    print("\n| bot | p50 ms | p99 ms | while broadcasting: p50 ms | p99 ms | broadcast sent "
          "| RSS start MiB | RSS peak MiB | no reply | loop held ≥ 100 ms "
          "| longest ms |")  # fmt: skip
    print("|---" * 11 + "|")
    for name, m in results.items():
        busy = (f"{_p(m.broadcasting, 50):.0f} | {_p(m.broadcasting, 99):.0f} | "
                f"{m.broadcast_sent}") if m.broadcasting else "— | — | —"  # fmt: skip
        # (the echo bot does not watch its loop)
        held = "— | —" if m is echo else f"{len(m.held)} | {max(m.held, default=0):.0f}"
        print(f"| {name} | {_p(m.paced, 50):.0f} | {_p(m.paced, 99):.0f} | {busy} | "
              f"{m.rss_start:.0f} | {m.rss_peak:.0f} | {m.lost} | {held} |")  # fmt: skip
    if not args.flood:
        return
    print("\n| bot | others' p50 ms | p99 ms | beside a flooder: p50 ms | p99 ms | p99 ratio "
          "| flooder's messages | answered |")  # fmt: skip
    print("|---" * 8 + "|")
    for name, m in results.items():
        ratio = _p(m.flooded, 99) / _p(m.paced, 99)
        print(f"| {name} | {_p(m.paced, 50):.0f} | {_p(m.paced, 99):.0f} | "
              f"{_p(m.flooded, 50):.0f} | {_p(m.flooded, 99):.0f} | {ratio:.2f}× | "
              f"{m.flooder_sent} | {m.flooder_answered} |")  # fmt: skip


def _p(values: list[float], percentile: int) -> float:
    if len(values) < 2:
        return float("nan")
    return statistics.quantiles(values, n=100)[percentile - 1]


async def run(args: argparse.Namespace) -> None:
    results = {}
    if args.profile:
        args.profile.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        for name in ["echo bot", *(f"landscape-bot {engine}" for engine in args.engines)]:
            results[name] = await run_one(name, args, Path(folder))
    report(results, args)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engines", type=lambda s: s.split(","), default=["sqlite", "postgres"])
    parser.add_argument("--messages", type=int, default=300)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--partners", type=int, default=1000)
    parser.add_argument("--paced-rate", type=float, default=25)
    parser.add_argument("--paced-seconds", type=float, default=30)
    parser.add_argument(
        "--broadcast", action="store_true",
        help="then pace again while a broadcast to every partner is expanded and sent",
    )  # fmt: skip
    parser.add_argument(
        "--per-second", type=float, default=25,
        help="our bot's delivery.per_second (25 is the default; 1000 with paid broadcasts)",
    )  # fmt: skip
    parser.add_argument(
        "--profile", type=Path, help="sample each bot with py-spy while it answers /help (DIR)"
    )
    parser.add_argument(
        "--flood", action="store_true",
        help="then pace again beside a partner sending 20 messages a second (needs --users "
        "above 1.25 × --paced-rate: flood control stays on, one message a second per user)",
    )  # fmt: skip
    args = parser.parse_args()
    if args.flood and args.users < 1.25 * args.paced_rate:
        parser.error("--flood keeps flood control on: --users must be at least 1.25 × --paced-rate")
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
