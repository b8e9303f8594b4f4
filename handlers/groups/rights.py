"""Who may link a chat: the chat being linked (a group, or a channel from the private chat),
the user's status there as Telegram says it now, and refusing — told, and audited once a minute
per user (`group.refused`). `bot.access.may_link` decides."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from telegram import InlineKeyboardButton
from telegram.error import TelegramError

from bot.access import may_link
from bot.turn import Turn
from storage.models import CHANNEL, GROUP, Programme

REFUSALS_AUDITED_EVERY = timedelta(minutes=1)


@dataclass(frozen=True)
class Target:
    """The chat being linked: the group the buttons are pressed in, or a channel whose id
    leads the buttons' data (pressed in private)."""

    chat_id: int
    channel: bool

    def button(self, turn: Turn, label: str, step: str, *args: object) -> InlineKeyboardButton:
        if self.channel:
            return turn.button(label, f"gc.{step}", self.chat_id, *args)
        return turn.button(label, f"gl.{step}", *args)

    def arg_int(self, turn: Turn, index: int) -> int:
        """The flow's own argument `index` (a channel's id comes first)."""
        return turn.arg_int(index + self.channel)

    def arg(self, turn: Turn, index: int) -> str:
        return turn.arg(index + self.channel)


def target_of(turn: Turn) -> Target:
    callback = turn.callback
    if callback is not None and callback.action.startswith("gc."):
        return Target(turn.arg_int(0), channel=True)
    chat = turn.update.effective_chat
    assert chat is not None
    return Target(chat.id, channel=False)


async def linkable(turn: Turn, target: Target) -> list[Programme]:
    """The programmes this user may link the chat to; none (refused, audited) if not its admin
    or no coordinator."""
    status = await member_status(turn, target)
    programmes = [
        p for p in await turn.uow.programmes.all() if may_link(turn.partner, p.id, status)
    ]
    if not programmes:
        await refuse(turn, target, "/link", status)
    return programmes


async def member_status(turn: Turn, target: Target) -> str:
    """The user's status in the chat, as Telegram says now ("left" if it cannot say)."""
    try:
        member = await turn.bot.get_chat_member(target.chat_id, turn.user.id)
    except TelegramError:
        return "left"
    return str(member.status)


async def refuse(turn: Turn, target: Target, what: str, status: str) -> None:
    """Tell a user they may not (un)link this chat; audited once a minute per user. Someone
    who made the bot a channel's administrator is told in private, if they ever wrote to it."""
    since = turn.services.clock() - REFUSALS_AUDITED_EVERY
    if not await turn.uow.audit.recorded_since("group.refused", turn.user.id, since):
        await turn.uow.audit.record(
            "group.refused",
            actor=turn.partner,
            telegram_id=turn.user.id,
            chat_id=target.chat_id,
            route=what,
            member_status=status,
            kind=CHANNEL if target.channel else GROUP,
        )
    t = turn.t
    text = (
        t.gettext(
            "Only an admin of this channel who coordinates the programme can link or unlink it."
        )
        if target.channel
        else t.gettext(
            "Only an admin of this group who coordinates the programme can link or unlink it."
        )
    )
    if turn.update.callback_query is not None:
        await turn.answer(text, alert=True)
    elif not target.channel:
        await turn.reply(text)
    elif turn.partner is not None:
        await turn.tell(turn.user.id, text)
