"""What the bot says when nothing else claims a message: unknown commands and messages it cannot
read (stickers, photos...). Free text outside a flow is a question: `handlers.questions.ask`."""

from __future__ import annotations

from bot.turn import Turn


async def unknown_command(turn: Turn) -> None:
    await turn.reply(turn.t.gettext("I don't know that command. Send /help to see what I can do."))


async def other_message(turn: Turn) -> None:
    await turn.reply(turn.t.gettext("I can only read text messages and buttons here."))
