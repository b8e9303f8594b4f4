"""Groups for conversation tests: a Telegram group with members on the sandbox server, a group
linked to a programme straight in the database (linking itself is tested through the chat in
test_groups.py), an event whose reminder to linked chats falls due in a moment, and what was
delivered to linked chats."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from datetime import timedelta

from sqlalchemy import select

from bot.reminders import plan_reminders
from storage.database import Database
from storage.models import FINAL_STATUSES, GROUP, Delivery, Event, LinkedChat, utcnow
from tests.support.bot import BotHarness
from tests.support.chat import ChatUser


def in_group(
    bot: BotHarness, user_id: int, name: str, group: int, *, topic: int | None = None
) -> ChatUser:
    """`user_id` (already added as a user) talking in `group` (in a forum, in `topic`)."""
    return ChatUser(bot.api, user_id=user_id, first_name=name, chat_id=group, thread_id=topic)


def add_group(
    bot: BotHarness,
    chat_id: int,
    title: str,
    members: Mapping[int, str],
    *,
    bot_status: str = "member",
    kind: str = "group",
    topics: set[int] | None = None,
) -> None:
    """A group on the sandbox server with `members` (Telegram id → status, each already added as
    a user), the bot among them as `bot_status`; with `topics`, a forum supergroup."""
    bot.api.add_group(chat_id, title, kind=kind, members=dict(members), topics=topics)
    bot.api.set_member(chat_id, bot.api.bot_user.id, bot_status)


async def add_linked_group(
    bot: BotHarness,
    chat_id: int,
    title: str,
    members: Mapping[int, str],
    *,
    by: int,
    language: str = "en",
    programme: str = "flrm",
    landscapes: Sequence[str] = (),
    bot_status: str = "member",
) -> int:
    """A group with the bot in it (see add_group), linked by `by` (see link_group)."""
    add_group(bot, chat_id, title, members, bot_status=bot_status)
    return await link_group(bot.db, chat_id, by=by, language=language, programme=programme,
                            landscapes=landscapes, title=title)  # fmt: skip


async def link_group(
    db: Database,
    chat_id: int,
    *,
    by: int,
    language: str = "en",
    programme: str = "flrm",
    landscapes: Sequence[str] = (),
    title: str = "Partners' group",
    thread_id: int | None = None,
    kind: str = GROUP,
) -> int:
    """Link `chat_id` as the partner with Telegram id `by` would; returns the link's id."""
    async with db.unit_of_work() as uow:
        owner = await uow.programmes.by_slug(programme)
        partner = await uow.partners.by_telegram_id(by)
        assert owner is not None
        assert partner is not None
        places = [await uow.places.landscape_by_slug(slug) for slug in landscapes]
        linked = await uow.linked_chats.link(
            chat_id,
            title=title,
            programme_id=owner.id,
            landscape_ids=[p.id for p in places if p is not None],
            language=language,
            by=partner,
            now=utcnow(),
            thread_id=thread_id,
            kind=kind,
        )
        return linked.id


async def link_of(db: Database, chat_id: int) -> LinkedChat | None:
    async with db.unit_of_work() as uow:
        return await uow.linked_chats.by_chat(chat_id)


async def add_reminded_event(
    bot: BotHarness, title: str, *, landscapes: Sequence[str] = ("flrm-cambodia",), hours: int = 2
) -> int:
    """An FLRM event whose one-hour reminder falls due in about two seconds, the dispatcher woken
    for it; returns its id."""
    starts = utcnow() + timedelta(minutes=60, seconds=2)
    async with bot.db.unit_of_work() as uow:
        flrm = await uow.programmes.by_slug("flrm")
        places = [await uow.places.landscape_by_slug(slug) for slug in landscapes]
        found = [place for place in places if place is not None]
        assert flrm is not None
        assert len(found) == len(landscapes)
        event = await uow.events.add(
            Event(
                title={"en": title},
                programme_id=flrm.id,
                starts_at=starts,
                ends_at=starts + timedelta(hours=hours),
                timezone="Asia/Phnom_Penh",
                reminder_minutes=[60],
            ),
            found,
        )
        await plan_reminders(uow, event, bot.settings.reminders, utcnow())
        event_id = event.id
    assert bot.services is not None
    bot.services.doorbell.ring()
    return event_id


async def linked_rows(bot: BotHarness, kind: str, *, count: int | None = None) -> list[Delivery]:
    """The deliveries of `kind` to linked chats, in order, once there are some (`count`, when
    given) and each is final (sent, blocked...)."""
    query = select(Delivery).where(Delivery.kind == kind, Delivery.linked_chat_id.is_not(None))
    for _ in range(500):
        async with bot.db.unit_of_work() as uow:
            rows = list(await uow.session.scalars(query.order_by(Delivery.id)))
        counted = len(rows) == count if count is not None else bool(rows)
        if counted and all(row.status in FINAL_STATUSES for row in rows):
            return rows
        await asyncio.sleep(0.02)
    raise AssertionError(f"not {count or 'some'} final rows: {[(r.status, r.error) for r in rows]}")
