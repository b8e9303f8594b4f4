"""Chat member updates: the bot added to a group (a hint to /link) or made a channel's
administrator (whoever did it is asked in private, `channels`), removed from either or no
longer a channel's administrator (unlinked, the coordinator who linked it told), a group
upgraded to a supergroup (the link follows the new id), and a partner blocking or unblocking
the bot in private (marked at once, not at the next failed send)."""

from __future__ import annotations

from telegram import ChatMember, ChatMemberUpdated
from telegram.constants import ChatType

from bot.access import GROUP_ADMIN_STATUSES, Level
from bot.routing import MemberChange, Route
from bot.turn import Turn
from handlers.groups import channels
from handlers.groups.unlinked import unlinked_notice
from storage.models import LinkedChat, PartnerStatus

GONE = frozenset({ChatMember.LEFT, ChatMember.BANNED})


async def on_member_change(turn: Turn) -> None:
    change = turn.update.my_chat_member
    if change is None:
        await _migrated(turn)
    elif change.chat.type == ChatType.PRIVATE:
        _blocked_or_not(turn, change)
    elif change.chat.type == ChatType.CHANNEL:
        await _in_channel(turn, change)
    elif change.new_chat_member.status in GONE:
        await _removed(turn, change)
    elif change.old_chat_member.status in GONE:
        await turn.reply(
            turn.t.gettext(
                "Hello! To have me post meeting reminders here, an admin of this group who "
                "coordinates a programme sends /link."
            )
        )


async def _in_channel(turn: Turn, change: ChatMemberUpdated) -> None:
    """Only an administrator may post in a channel: made one, the bot offers to link it; no
    longer one (demoted or removed), it is unlinked."""
    admin_now = change.new_chat_member.status in GROUP_ADMIN_STATUSES
    if admin_now and change.old_chat_member.status not in GROUP_ADMIN_STATUSES:
        await channels.offer(turn, change.chat)
    elif not admin_now:
        await _removed(turn, change)


async def _migrated(turn: Turn) -> None:
    """Telegram says it in both chats; whichever is handled first moves the link, so the new
    chat's own commands, handled after its notice, find it."""
    message = turn.update.message
    assert message is not None
    if message.migrate_to_chat_id:
        old, new = message.chat.id, message.migrate_to_chat_id
    else:
        old, new = int(message.migrate_from_chat_id or 0), message.chat.id
    if await turn.uow.linked_chats.active(old) is not None:
        await turn.uow.linked_chats.move(old, new)
        await turn.uow.audit.record(
            "group.migrated", actor=None, telegram_id=None, chat_id=old, to=new
        )


def _blocked_or_not(turn: Turn, change: ChatMemberUpdated) -> None:
    partner = turn.partner
    if partner is None or partner.status == PartnerStatus.FORGOTTEN:
        return
    blocked = change.new_chat_member.status == ChatMember.BANNED
    partner.status = PartnerStatus.BLOCKED if blocked else PartnerStatus.ACTIVE


async def _removed(turn: Turn, change: ChatMemberUpdated) -> None:
    linked = await turn.uow.linked_chats.active(change.chat.id)
    if linked is None:
        return
    await turn.uow.linked_chats.unlink(linked, turn.services.clock())
    await turn.uow.audit.record(
        "group.removed", actor=turn.partner, telegram_id=turn.user.id, chat_id=change.chat.id
    )
    await _tell_linker(turn, linked, change.chat.title or str(change.chat.id))


async def _tell_linker(turn: Turn, linked: LinkedChat, title: str) -> None:
    partners = await turn.uow.partners.by_ids({linked.linked_by} if linked.linked_by else set())
    linker = partners.get(linked.linked_by or 0)
    if linker is None or linker.telegram_id is None or linker.status != PartnerStatus.ACTIVE:
        return
    catalogs = turn.services.catalogs
    t = catalogs.translator(catalogs.choose(linker.language, None), linker.timezone)
    await turn.tell(linker.telegram_id, unlinked_notice(t, linked, title))


ROUTES: tuple[Route, ...] = (MemberChange(on_member_change, Level.GUEST),)
