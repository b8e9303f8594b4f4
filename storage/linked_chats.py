"""Linked chats: the groups and channels the bot posts to for a programme, found by Telegram id
(which follows a group upgraded to a supergroup)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import GROUP, LinkedChat, Partner

UNLINKED = "unlinked"  # the delivery kind telling whoever linked a chat that it was unlinked


class LinkedChats:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def by_chat(self, chat_id: int) -> LinkedChat | None:
        """The chat's link, active or not."""
        query = select(LinkedChat).where(LinkedChat.chat_id == chat_id)
        return (await self._session.scalars(query)).one_or_none()

    async def active(self, chat_id: int) -> LinkedChat | None:
        link = await self.by_chat(chat_id)
        return link if link is not None and link.active else None

    async def by_ids(self, ids: Collection[int]) -> dict[int, LinkedChat]:
        if not ids:
            return {}
        rows = await self._session.scalars(select(LinkedChat).where(LinkedChat.id.in_(ids)))
        return {link.id: link for link in rows}

    async def link(
        self,
        chat_id: int,
        *,
        title: str,
        programme_id: int,
        landscape_ids: Sequence[int],
        language: str,
        by: Partner,
        now: datetime,
        thread_id: int | None = None,
        kind: str = GROUP,
    ) -> LinkedChat:
        """Link the chat (a group, or a channel; in a forum, to topic `thread_id`, None:
        General), replacing what an earlier link said."""
        link = await self.by_chat(chat_id)
        if link is None:
            link = LinkedChat(chat_id=chat_id)
            self._session.add(link)
        link.title, link.programme_id, link.kind = title[:128], programme_id, kind
        link.landscape_ids, link.language = sorted(landscape_ids), language
        link.thread_id = thread_id
        link.linked_by, link.linked_at, link.unlinked_at = by.id, now, None
        await self._session.flush()
        return link

    async def unlink(self, link: LinkedChat, now: datetime) -> None:
        link.unlinked_at = now
        await self._session.flush()

    async def unlink_ids(self, ids: Collection[int], now: datetime) -> list[LinkedChat]:
        """The bot was removed from these chats (Telegram refused a send with 403): those
        still linked are unlinked, and returned."""
        query = select(LinkedChat).where(
            LinkedChat.id.in_(list(ids)), LinkedChat.unlinked_at.is_(None)
        )
        links = list(await self._session.scalars(query.with_for_update()))
        for link in links:
            link.unlinked_at = now
        await self._session.flush()
        return links

    async def move(self, old_chat_id: int, new_chat_id: int) -> LinkedChat | None:
        """A group became a supergroup: its link follows the new id."""
        link = await self.by_chat(old_chat_id)
        if link is not None and await self.by_chat(new_chat_id) is None:
            link.chat_id = new_chat_id
            await self._session.flush()
        return link

    async def move_id(self, link_id: int, new_chat_id: int) -> None:
        """A send found the group under a new id (its migration update was missed)."""
        link = await self._session.get(LinkedChat, link_id)
        if link is not None and link.chat_id != new_chat_id:
            await self.move(link.chat_id, new_chat_id)

    async def listed(self, programme_ids: Collection[int] | None = None) -> Sequence[LinkedChat]:
        """Active links, of these programmes (None: all), by title."""
        query = select(LinkedChat).where(LinkedChat.unlinked_at.is_(None))
        if programme_ids is not None:
            query = query.where(LinkedChat.programme_id.in_(list(programme_ids)))
        return (await self._session.scalars(query.order_by(LinkedChat.title))).all()
