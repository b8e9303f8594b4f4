"""Sent replies are forgotten in batches, on both engines, without letting a crash repeat more:
rows sent by at most `unrecorded` deliveries wait to be deleted; a delivery beyond that waits
until they are; the next update's arrival deletes them in its own commit; a quiet bot deletes
them a moment later; and a database that cannot delete them keeps them owed, not lost."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError
from telegram import Bot

from bot.app import build_services
from bot.inbox import Inbox
from bot.replies import LINGER, ReplySender
from bot.sandbox.api_server import LocalBotApi
from bot.services import Services
from bot.settings import Settings
from storage.models import Reply, utcnow
from storage.replies import Replies
from tests.support.bot import TOKEN

CHAT = 4242


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
async def bot(api: LocalBotApi) -> AsyncIterator[Bot]:
    api.add_user(CHAT, "Kim")
    async with Bot(TOKEN, base_url=api.base_url) as made:
        yield made


async def _stored(services: Services, count: int) -> list[Reply]:
    rows = [
        Reply(chat_id=CHAT, kind="send", body={"text": f"reply {n}"}, claimed_by="test",
              claimed_at=utcnow(), attempts=1)
        for n in range(count)
    ]  # fmt: skip
    async with services.db.unit_of_work() as uow:
        await uow.replies.add(rows)
    return rows


async def _owed(services: Services) -> int:
    async with services.db.unit_of_work() as uow:
        return int(await uow.session.scalar(select(func.count()).select_from(Reply)) or 0)


async def test_a_quiet_sender_forgets_what_it_sent_a_moment_later(
    services: Services, bot: Bot
) -> None:
    sender = ReplySender(services, bot, "test")
    await sender.deliver(await _stored(services, 2))
    for _ in range(50):
        if await _owed(services) == 0:
            break
        await asyncio.sleep(LINGER)
    assert await _owed(services) == 0
    await sender.close()


async def test_the_next_arrival_forgets_them_in_its_own_commit(
    services: Services, bot: Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("bot.replies.LINGER", 60)  # no flush of its own meanwhile
    sender = ReplySender(services, bot, "test")
    inbox = Inbox(services, bot, Ignoring(), sender)  # type: ignore[arg-type]
    await sender.deliver(await _stored(services, 3))
    assert await _owed(services) == 3
    await inbox.receive([_body(1)])
    assert await _owed(services) == 0
    await inbox.close()


class Ignoring:
    async def handle(self, *_args: object) -> None:
        return None


def _body(update_id: int) -> dict[str, object]:
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id, "date": 0, "chat": {"id": CHAT, "type": "private"},
            "from": {"id": CHAT, "is_bot": False, "first_name": "Kim"}, "text": "x",
        },
    }  # fmt: skip


async def test_no_more_than_the_allowed_deliveries_wait_and_an_outage_loses_nothing(
    services: Services, bot: Bot, api: LocalBotApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_done = Replies.done
    down = True

    async def done(self: Replies, ids: list[int]) -> None:
        if down:
            raise OperationalError("DELETE", {}, Exception("database is away"))
        await real_done(self, ids)

    monkeypatch.setattr(Replies, "done", done)
    sender = ReplySender(services, bot, "test", unrecorded=2)
    first, second, third = [await _stored(services, 1) for _ in range(3)]
    await sender.deliver(first)
    await sender.deliver(second)
    late = asyncio.create_task(sender.deliver(third))
    await asyncio.sleep(LINGER * 5)
    assert not late.done()  # a third delivery waits while two deliveries' rows are unrecorded
    assert len([r for r in api.send_log if r.chat_id == CHAT]) == 2
    assert await _owed(services) == 3  # nothing forgotten that was not recorded
    down = False
    await asyncio.wait_for(late, 10)
    await sender.close()
    assert len([r for r in api.send_log if r.chat_id == CHAT]) == 3
    assert await _owed(services) == 0
