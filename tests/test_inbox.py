"""The inbox on both engines: each chat's updates in order and different chats side by side, a
handler's error tried once more then apologised for, an outage waited out, nothing handled
twice. The pipeline is replaced by a recorder; the database and Bot API server are real."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from telegram import Bot, Update

from bot.app import build_services
from bot.inbox import Inbox, bot_id
from bot.replies import ReplySender
from bot.sandbox.api_server import LocalBotApi
from bot.services import Services
from bot.settings import Settings
from bot.turn import Turn
from storage.inbox import Arrival
from storage.models import InboundUpdate
from storage.uow import UnitOfWork
from tests.support.bot import TOKEN
from tests.support.waiting import until


class Recorder:
    """Stands in for the pipeline: notes when each update starts and ends."""

    def __init__(self) -> None:
        self.log: list[str] = []
        self.fail: dict[int, list[Exception]] = {}

    async def handle(self, update: Update, bot: Bot, uow: UnitOfWork) -> Turn | None:
        self.log.append(f"{update.update_id}+")
        await asyncio.sleep(0.05)
        failures = self.fail.get(update.update_id)
        if failures:
            raise failures.pop(0)
        self.log.append(f"{update.update_id}-")
        return None


def _body(update_id: int, chat_id: int) -> dict[str, Any]:
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": 0,
            "chat": {"id": chat_id, "type": "private"},
            "from": {"id": chat_id, "is_bot": False, "first_name": "P"},
            "text": "x",
        },
    }


@pytest.fixture
async def services(api: LocalBotApi, database_url: str) -> AsyncIterator[Services]:
    settings = Settings(
        telegram={"token": TOKEN, "base_url": api.base_url, "base_file_url": api.base_file_url},
        database={"url": database_url},
    )
    built = build_services(settings)
    yield built
    await built.db.dispose()


@pytest.fixture
async def inbox(services: Services, api: LocalBotApi) -> AsyncIterator[tuple[Inbox, Recorder]]:
    recorder = Recorder()
    async with Bot(TOKEN, base_url=api.base_url) as bot:
        inbox = Inbox(services, bot, recorder, ReplySender(services, bot, "test"))  # type: ignore[arg-type]
        yield inbox, recorder
        await inbox.close()


async def _handled(services: Services) -> dict[int, bool]:
    async with services.db.unit_of_work() as uow:
        rows = await uow.session.scalars(select(InboundUpdate))
        return {row.update_id: row.handled_at is not None for row in rows}


async def test_one_chat_in_order_different_chats_side_by_side(
    inbox: tuple[Inbox, Recorder], services: Services
) -> None:
    consumer, recorder = inbox
    await consumer.receive([_body(1, 10), _body(2, 10), _body(3, 20)])
    await consumer.close()
    log = recorder.log
    assert log.index("1-") < log.index("2+")  # same chat: one after the other
    assert log.index("3+") < log.index("1-")  # another chat: alongside
    assert await _handled(services) == {1: True, 2: True, 3: True}


async def test_a_redelivered_update_is_handled_once(
    inbox: tuple[Inbox, Recorder], services: Services
) -> None:
    consumer, recorder = inbox
    await consumer.receive([_body(1, 10)])
    await consumer.close()
    await consumer.receive([_body(1, 10)])  # Telegram sends it again
    await consumer.close()
    assert recorder.log == ["1+", "1-"]


async def test_an_outage_keeps_the_update_waiting_until_it_passes(
    inbox: tuple[Inbox, Recorder], services: Services
) -> None:
    consumer, recorder = inbox
    outage = OperationalError("SELECT 1", {}, Exception("connection refused"))
    recorder.fail[1] = [outage, outage]
    await consumer.receive([_body(1, 10), _body(2, 10)])
    await consumer.close(grace=15)
    # Tried three times, handled once, and the chat's next update waited for it.
    assert recorder.log == ["1+", "1+", "1+", "1-", "2+", "2-"]
    assert await _handled(services) == {1: True, 2: True}


async def test_a_failing_handler_is_tried_once_more_then_set_aside(
    inbox: tuple[Inbox, Recorder], services: Services, api: LocalBotApi
) -> None:
    consumer, recorder = inbox
    api.add_user(10, "P")
    recorder.fail[1] = [RuntimeError("bug"), RuntimeError("bug")]
    await consumer.receive([_body(1, 10), _body(2, 10)])
    await consumer.close()
    assert recorder.log == ["1+", "1+", "2+", "2-"]
    assert await _handled(services) == {1: True, 2: True}
    sorry = [m.text for m in api.messages(10)]
    assert sorry == ["Sorry, something went wrong on our side. Please try again in a moment."]


async def test_a_new_token_on_an_old_database_keeps_its_own_updates(
    inbox: tuple[Inbox, Recorder], services: Services
) -> None:
    consumer, recorder = inbox
    async with services.db.unit_of_work() as uow:
        await uow.inbox.add(bot_id("42:old"), [Arrival(1, 10, _body(1, 10))], services.clock())
    await consumer.receive([_body(1, 10)])
    await consumer.close()
    assert recorder.log == ["1+", "1-"]  # the old bot's update 1 is not this bot's


async def test_a_flooding_chat_waits_outside_the_slots(
    inbox: tuple[Inbox, Recorder], services: Services
) -> None:
    consumer, recorder = inbox
    consumer._slots = asyncio.Semaphore(1)  # one chat at a time: a waiting flood must not hold it
    await consumer.receive([_body(n, 10) for n in range(1, 9)])
    await until(lambda: "5-" in recorder.log, within=10)  # the sixth now waits for a token
    await consumer.receive([_body(100, 20)])
    await until(lambda: "100-" in recorder.log, within=10)
    assert "6+" not in recorder.log  # the other chat went while the flood waited
    await consumer.close(grace=15)
    assert await _handled(services) == dict.fromkeys([*range(1, 9), 100], True)
