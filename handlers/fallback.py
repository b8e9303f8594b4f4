"""What the bot says when nothing else claims a message: unknown commands, free text outside a
flow, and messages it cannot read (stickers, photos...)."""

from __future__ import annotations

from bot.access import Level, level_of
from bot.turn import Turn
from handlers.menu import main_menu


async def unknown_command(turn: Turn) -> None:
    await turn.reply(turn.t.gettext("I don't know that command. Send /help to see what I can do."))


async def free_text(turn: Turn) -> None:
    if level_of(turn.partner) == Level.GUEST:
        await turn.reply(turn.t.gettext("Hello! Send /start to join the partnership."))
        return
    await turn.reply(
        turn.t.gettext("I didn't understand that. Here is what I can do:"), main_menu(turn)
    )


async def other_message(turn: Turn) -> None:
    await turn.reply(turn.t.gettext("I can only read text messages and buttons here."))
