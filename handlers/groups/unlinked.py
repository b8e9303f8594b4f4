"""Telling whoever linked a group or channel that it is no longer linked because the bot was
removed (or, from a channel, demoted): at once when Telegram says so (`members`), or through
the delivery path when a send there met Telegram's 403 (the sender unlinks the chat and plans
this message with it)."""

from __future__ import annotations

from bot.delivery.kinds import Kind, Message, RenderContext, Skip
from bot.i18n import Translator
from storage.linked_chats import UNLINKED
from storage.models import LinkedChat


def unlinked_notice(t: Translator, chat: LinkedChat, title: str | None = None) -> str:
    if chat.is_channel:
        return t.gettext(
            "I can no longer post in the channel “{title}” (I was removed, or am no longer "
            "an administrator), so it is no longer linked. Make me an administrator again "
            "to link it again.",
            title=title or chat.title,
        )
    return t.gettext(
        "I was removed from the group “{title}”, so it is no longer linked and gets no "
        "reminders. Add me again and send /link there to link it again.",
        title=title or chat.title,
    )


async def render(context: RenderContext) -> Message | Skip:
    chats = await context.uow.linked_chats.by_ids({int(context.delivery.payload["chat"])})
    chat = next(iter(chats.values()), None)
    if chat is None or chat.active:
        return Skip("linked again")
    return Message(unlinked_notice(context.t, chat))


KINDS: tuple[Kind, ...] = (Kind(UNLINKED, render=render),)
