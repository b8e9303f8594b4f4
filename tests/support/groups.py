"""Groups for conversation tests: a Telegram group with members on the sandbox server, and a
group linked to a programme straight in the database (linking itself is tested through the
chat in test_groups.py)."""

from __future__ import annotations

from collections.abc import Sequence

from storage.database import Database
from storage.models import GROUP, LinkedChat, utcnow
from tests.support.bot import BotHarness
from tests.support.chat import ChatUser


def in_group(
    bot: BotHarness, user_id: int, name: str, group: int, *, topic: int | None = None
) -> ChatUser:
    """`user_id` (already added as a user) talking in `group` (in a forum, in `topic`)."""
    return ChatUser(bot.api, user_id=user_id, first_name=name, chat_id=group, thread_id=topic)


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
