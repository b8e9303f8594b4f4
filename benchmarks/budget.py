"""One sending budget under load: a broadcast to N partners while K partners chat and one floods.

Everything runs against the local Bot API server on loopback, in this process, on SQLite: the
real dispatcher, the real inbox (polling, pipeline, replies) and a `/help` every couple of
seconds from each chatting partner. Cases:

- before: two limiters, as the bot had them — replies at 30/s of their own (what PTB's
  AIORateLimiter allowed), scheduled messages at `per_second` of theirs;
- after: one budget of `per_second` for both, replies first;
- after + flood: the same, with one more partner sending 20 messages a second throughout;
- after + flood, no control: the same flood with the inbox's flood control lifted.

The table shows everything sent per second (the most in any 1 s window of the server's send
log), how long the broadcast took, and the chatting partners' reply latency (from their message
reaching the server to the answer reaching it). Run:

    .venv/bin/python -m benchmarks.budget [--recipients 2000] [--chatting 20] [--seconds 30]
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import statistics
import tempfile
import time
from pathlib import Path

from telegram import Bot
from telegram.request import HTTPXRequest

from bot.app import build_application, build_inbox, build_services
from bot.delivery.dispatcher import Dispatcher
from bot.delivery.kinds import Kind, Message, RenderContext
from bot.delivery.limits import Limits
from bot.flood import FloodGate
from bot.polling import poll
from bot.sandbox.api_server import LocalBotApi
from bot.services import Services
from bot.settings import Settings
from storage.deliveries import NewDelivery
from storage.models import Partner, utcnow

TOKEN = "100000004:benchmark-token-for-the-local-bot-api"  # noqa: S105
FIRST_RECIPIENT = 1_000_000
FIRST_CHATTING = 7_000
FLOODER = 6_999
PER_SECOND = 25.0  # the default budget
OLD_REPLY_RATE = 30.0  # PTB's AIORateLimiter: 30/s overall, no per-chat limit for private chats
CHAT_EVERY = 2.0  # seconds between one chatting partner's messages
FLOOD_RATE = 20.0  # the flooder's messages a second
HELP = "Here is what I can do for you:"


async def render(context: RenderContext) -> Message:
    return Message(f"Hello {context.partner.name}: the meeting moved.")


@dataclasses.dataclass
class Row:
    case: str
    most_per_second: int
    broadcast_seconds: float
    latencies: list[float]

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000


async def prepare(url: str, api: LocalBotApi, recipients: int, chatting: int) -> Services:
    settings = Settings(
        telegram={"token": TOKEN, "base_url": api.base_url, "base_file_url": api.base_file_url},
        database={"url": url},
        delivery={"per_second": PER_SECOND},
    )
    services = build_services(settings)
    services = dataclasses.replace(services, kinds={"bench": Kind("bench", render)})
    await services.db.upgrade()
    people = [FLOODER, *range(FIRST_CHATTING, FIRST_CHATTING + chatting)]
    bulk = list(range(FIRST_RECIPIENT, FIRST_RECIPIENT + recipients))
    for telegram_id in people + bulk:
        api.add_user(telegram_id, f"User {telegram_id}", language_code="en")
    async with services.db.unit_of_work() as uow:
        partners = {
            telegram_id: Partner(telegram_id=telegram_id, name=f"Partner {telegram_id}",
                                 language="en", timezone="UTC", joined_at=utcnow(),
                                 consent_at=utcnow())
            for telegram_id in people + bulk
        }  # fmt: skip
        uow.session.add_all(partners.values())
        await uow.session.flush()
        await uow.deliveries.enqueue(
            "bench", "broadcast", [NewDelivery(partners[t].id, utcnow()) for t in bulk]
        )
    return services


async def chat(api: LocalBotApi, telegram_id: int, until: float, latencies: list[float]) -> None:
    """Send /help every CHAT_EVERY seconds and time each answer."""
    await asyncio.sleep((telegram_id % 10) / 10 * CHAT_EVERY)  # spread the partners out
    while time.monotonic() < until:
        asked = len(api.messages(telegram_id))
        started = time.monotonic()
        await api.send_text(telegram_id, "/help")
        while len(api.messages(telegram_id)) <= asked:
            await api.wait_for_activity(telegram_id, api.activity(telegram_id), 10)
        latencies.append(time.monotonic() - started)
        await asyncio.sleep(max(0.0, CHAT_EVERY - (time.monotonic() - started)))


async def flood(api: LocalBotApi, until: float) -> None:
    while time.monotonic() < until:
        await api.send_text(FLOODER, "/help")
        await asyncio.sleep(1 / FLOOD_RATE)


async def run_case(
    case: str, url: str, recipients: int, chatting: int, seconds: float, flooding: str
) -> Row:
    async with LocalBotApi(TOKEN) as api:
        services = await prepare(url, api, recipients, chatting)
        shared = case != "before"
        bulk_limits = Limits.from_settings(services.settings.delivery, services.metrics)
        reply_limits = bulk_limits if shared else Limits(OLD_REPLY_RATE, 0, 20)
        application = build_application(services, reply_limits)
        request = HTTPXRequest(connection_pool_size=services.settings.delivery.concurrency + 2)
        async with application, Bot(TOKEN, base_url=api.base_url, request=request) as bot:
            inbox = build_inbox(services, application.bot, "bench")
            if flooding == "no control":
                inbox.flood = FloodGate(burst=1e9, per_second=1e9)
            polling = asyncio.create_task(poll(application.bot, inbox))
            dispatcher = Dispatcher(services, bot, owner="bench", limits=bulk_limits)
            started = time.monotonic()
            broadcast = asyncio.create_task(dispatcher.drain())
            until = started + seconds
            latencies: list[float] = []
            people = range(FIRST_CHATTING, FIRST_CHATTING + chatting)
            chats = [chat(api, telegram_id, until, latencies) for telegram_id in people]
            await asyncio.gather(*chats, *([flood(api, until)] if flooding else []))
            await broadcast
            broadcast_seconds = time.monotonic() - started
            polling.cancel()
            await asyncio.gather(polling, return_exceptions=True)
            await inbox.close(grace=1)
            await dispatcher.stop()
        sends = [record.time for record in api.send_log if record.time >= started]
    await services.db.dispose()
    label = f"{case} + flood{'' if flooding == 'control' else ', no control'}" if flooding else case
    return Row(label, most_in_a_second(sends), broadcast_seconds, latencies)


def most_in_a_second(times: list[float]) -> int:
    most, start = 0, 0
    for end, at in enumerate(times):
        while times[start] <= at - 1.0:
            start += 1
        most = max(most, end - start + 1)
    return most


def report(rows: list[Row], recipients: int, chatting: int) -> None:
    print(f"\nBroadcast to {recipients:,} partners at {PER_SECOND:g}/s while {chatting} partners")
    print(f"send /help every {CHAT_EVERY:g} s (SQLite, local Bot API server in this process)")
    print(f"{'case':<28} {'most sent/s':>11} {'broadcast s':>12} {'replies':>8} "
          f"{'p50 ms':>8} {'p99 ms':>8}")  # fmt: skip
    for row in rows:
        print(f"{row.case:<28} {row.most_per_second:>11} {row.broadcast_seconds:>12.1f} "
              f"{len(row.latencies):>8} {row.percentile(0.5):>8.0f} "
              f"{row.percentile(0.99):>8.0f}")  # fmt: skip
    medians = {row.case: statistics.median(row.latencies) for row in rows}
    print(f"median reply, flood vs none: {medians['after + flood'] / medians['after']:.2f}×")


async def run(recipients: int, chatting: int, seconds: float) -> list[Row]:
    rows = []
    with tempfile.TemporaryDirectory() as directory:
        cases = [("before", ""), ("after", ""), ("after", "control"), ("after", "no control")]
        for n, (case, flooding) in enumerate(cases):
            url = f"sqlite+aiosqlite:///{Path(directory) / f'budget{n}.db'}"
            rows.append(await run_case(case, url, recipients, chatting, seconds, flooding))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipients", type=int, default=2000)
    parser.add_argument("--chatting", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30, help="how long partners chat")
    args = parser.parse_args()
    rows = asyncio.run(run(args.recipients, args.chatting, args.seconds))
    report(rows, args.recipients, args.chatting)


if __name__ == "__main__":
    main()
