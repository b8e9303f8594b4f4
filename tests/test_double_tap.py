"""Every action that creates something happens once when the same tap reaches two replicas at
once: a second replica (its own engine and connections) runs beside the harness's on one
PostgreSQL, and the confirming tap is delivered to both together. The chat's advisory lock runs
them one after the other; the second finds the step done and is refused as stale.
(Broadcasts are tapped twice on two real processes in test_replicas.py.)"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from telegram import Bot

from bot.app import build_inbox, build_services
from bot.inbox import Inbox
from storage.models import Event, Invite, Role, utcnow
from tests.support.bot import TOKEN, BotHarness
from tests.support.chat import ChatUser
from tests.support.people import add_partner

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.parametrize("database_url", ["postgres"], indirect=True),
]
ADMIN = 9000


@pytest.fixture
async def other_replica(bot: BotHarness) -> AsyncIterator[Inbox]:
    services = build_services(bot.settings)
    async with Bot(TOKEN, base_url=bot.api.base_url) as telegram:
        inbox = build_inbox(services, telegram, "other-replica")
        yield inbox
        await inbox.close()
    await services.db.dispose()


async def _tap_twice(admin: ChatUser, other: Inbox, label: str) -> None:
    """Press `label` on the newest keyboard through this replica and, at the same moment, the
    same button through the other one."""
    keyboard = admin.last
    [button] = [b for row in keyboard.buttons for b in row if b.text == label]
    twin: dict[str, Any] = {
        "update_id": 700_000,
        "callback_query": {
            "id": "twin",
            "from": {"id": ADMIN, "is_bot": False, "first_name": "Ada"},
            "chat_instance": "1",
            "data": button.callback_data,
            "message": {
                "message_id": keyboard.message_id,
                "date": 0,
                "chat": {"id": ADMIN, "type": "private"},
                "text": keyboard.text,
            },
        },
    }
    await asyncio.gather(
        admin.press_data(keyboard.message_id, str(button.callback_data)),
        other.receive([twin]),
    )
    await other.close()  # the other replica has handled its copy
    await asyncio.sleep(0.5)  # and this one its own


async def _count(bot: BotHarness, model: type[Any]) -> int:
    async with bot.db.unit_of_work() as uow:
        return int(await uow.session.scalar(select(func.count()).select_from(model)) or 0)


async def _new_event(admin: ChatUser) -> None:
    await admin.send("/newevent")
    await admin.press("Forest and Landscape Restoration Mechanism (FLRM)")
    await admin.press("Whole programme")
    await admin.expect("What is the title of the event?")
    await admin.send("Field day")
    await admin.expect("When does it start?")
    await admin.send(f"{utcnow() + timedelta(days=3):%Y-%m-%d} 09:00")
    await admin.press("2 hours")
    await admin.expect("Send the link of the online meeting")
    await admin.send("https://meet.example.org/flrm")
    await admin.press("Skip")
    await admin.expect_button("Save")


async def _new_invite(admin: ChatUser) -> None:
    await admin.send("/invite")
    await admin.expect("Which landscape")
    await admin.press("FLRM Vanuatu")
    await admin.expect("Which kind of partner")
    await admin.press("NGO or implementing partner")
    await admin.expect("Which role")


@pytest.mark.parametrize(
    ("flow", "confirm", "model"),
    [(_new_event, "Save", Event), (_new_invite, "Coordinator", Invite)],
    ids=["event", "invite"],
)
async def test_a_confirmation_tapped_on_two_replicas_creates_one(
    bot: BotHarness,
    other_replica: Inbox,
    flow: Callable[[ChatUser], Awaitable[None]],
    confirm: str,
    model: type[Any],
) -> None:
    await add_partner(bot.db, ADMIN, name="Ada", role=Role.ADMIN)
    admin = bot.user(ADMIN, "Ada", language_code="en")
    before = await _count(bot, model)
    await flow(admin)
    await _tap_twice(admin, other_replica, confirm)
    assert await _count(bot, model) == before + 1
