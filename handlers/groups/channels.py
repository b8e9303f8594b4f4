"""Channels: nobody can send the bot a command in one, so when a coordinator (or an admin of
the bot) makes the bot a channel's administrator — Telegram's `my_chat_member` says who did
it — the bot asks them in private which programme, landscapes and language it is for (the
steps of `link`, with the channel's id in the buttons); anyone else gets nothing linked and is
audited. A channel is unlinked from /groups in private, by someone allowed to link it."""

from __future__ import annotations

from telegram import Chat

from bot.access import Level, may_link
from bot.callbacks import InvalidCallback
from bot.routing import Button, Route
from bot.turn import Turn
from handlers.groups.rights import Target, linkable, member_status, refuse
from handlers.shared.cards import programme_name


async def offer(turn: Turn, chat: Chat) -> None:
    """The bot was made an administrator of `chat`: whoever did it may link it, in private."""
    target = Target(chat.id, channel=True)
    programmes = await linkable(turn, target)
    if not programmes:
        return
    t = turn.t
    keyboard = [[target.button(turn, programme_name(t, p), "p", p.id)] for p in programmes]
    await turn.tell(
        turn.user.id,
        t.gettext(
            "You made me an administrator of the channel “{title}”. Which programme is it for?",
            title=chat.title or str(chat.id),
        ),
        keyboard,
    )


async def on_unlink(turn: Turn) -> None:
    """A channel's "Unlink" button under /groups."""
    links = await turn.uow.linked_chats.by_ids({turn.arg_int(0)})
    linked = next(iter(links.values()), None)
    if linked is None or not linked.is_channel:
        raise InvalidCallback("not a linked channel")
    target = Target(linked.chat_id, channel=True)
    if linked.active:
        status = await member_status(turn, target)
        if not may_link(turn.partner, linked.programme_id, status):
            await refuse(turn, target, "/unlink", status)
            return
        await turn.uow.linked_chats.unlink(linked, turn.services.clock())
        await turn.uow.audit.record(
            "group.unlinked", actor=turn.partner, telegram_id=turn.user.id, chat_id=linked.chat_id
        )
    await turn.settle(
        turn.t.gettext(
            "The channel “{title}” is no longer linked. I won't post there any more.",
            title=linked.title,
        )
    )


ROUTES: tuple[Route, ...] = (Button("gu", on_unlink, Level.GUEST),)
