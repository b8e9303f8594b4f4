"""A crash scenario shared by the tests and the benchmark: partners at the name step of joining
each send their name and organisation; afterwards each must have moved exactly two steps (a
message applied twice would be taken for the next answer) and have been asked each question."""

from __future__ import annotations

import socket
from dataclasses import dataclass

from bot.sandbox.api_server import LocalBotApi
from storage.database import Database

FIRST = 80_000
ORGANISATION = "Which organisation or group do you work with?"
KIND = "Which kind of partner are you?"


@dataclass(frozen=True)
class Outcome:
    unanswered: int  # partners who never got one of their two answers
    misapplied: int  # partners whose answers were lost or applied twice
    repeated: int  # answers a partner got more than once


async def partners_at_the_name_step(api: LocalBotApi, database_url: str, count: int) -> None:
    db = Database(database_url)
    try:
        async with db.unit_of_work() as uow:
            for n in range(count):
                api.add_user(FIRST + n, f"User {n}")
                await uow.conversations.begin(FIRST + n, "onboarding", "name", {"language": "en"})
    finally:
        await db.dispose()


async def burst(api: LocalBotApi, count: int) -> None:
    for n in range(count):
        await api.send_text(FIRST + n, f"Name {n}")
        await api.send_text(FIRST + n, f"Org {n}")


def answered(api: LocalBotApi, count: int) -> int:
    """Partners who have got their second answer."""
    return sum(1 for n in range(count) if any(KIND in m.text for m in api.messages(FIRST + n)))


async def outcome(api: LocalBotApi, database_url: str, count: int) -> Outcome:
    db = Database(database_url)
    try:
        async with db.unit_of_work() as uow:
            conversations = [await uow.conversations.get(FIRST + n) for n in range(count)]
    finally:
        await db.dispose()
    unanswered = misapplied = repeated = 0
    for n, conversation in enumerate(conversations):
        texts = [m.text for m in api.messages(FIRST + n)]
        asked = (texts.count(ORGANISATION), texts.count(KIND))
        unanswered += min(asked) == 0
        repeated += sum(max(0, k - 1) for k in asked)
        data = conversation.data if conversation else {}
        right = (data.get("name"), data.get("organisation")) == (f"Name {n}", f"Org {n}")
        misapplied += conversation is None or conversation.step != "stakeholder" or not right
    return Outcome(unanswered, misapplied, repeated)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def webhook_settings(port: int) -> dict[str, object]:
    return {
        "url": f"http://127.0.0.1:{port}/telegram",
        "secret": "s" * 32,
        "listen": "127.0.0.1",
        "port": port,
    }
