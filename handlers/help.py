"""/help lists what this user's role may do, in their language; /cancel leaves any flow."""

from __future__ import annotations

from bot.access import Level, level_of
from bot.i18n import N_
from bot.menus import visible_commands
from bot.routing import Command, Route
from bot.turn import Turn
from handlers.menu import main_menu


async def show_help(turn: Turn) -> None:
    """/help: one line per command this user may use."""
    t = turn.t
    level = level_of(turn.partner)
    lines = [
        f"/{c.name} — {t.gettext(c.summary)}"
        for c in visible_commands(turn.services.commands, level)
    ]
    intro = t.gettext("Here is what I can do for you:")
    if level == Level.GUEST:
        intro = t.gettext("Send /start to join the partnership. Then I can do more for you:")
    await turn.reply(intro + "\n\n" + "\n".join(lines), main_menu(turn))


async def cancel(turn: Turn) -> None:
    """/cancel: end whatever flow is open, keeping what was saved before it."""
    conversation = turn.conversation
    if conversation is None:
        await turn.reply(turn.t.gettext("There is nothing to cancel."))
        return
    await turn.uow.conversations.end(turn.user.id)
    if conversation.flow == "onboarding":
        await turn.reply(turn.t.gettext("Stopped. Send /start whenever you want to join."))
    else:
        await turn.reply(turn.t.gettext("Stopped. Nothing was changed."), main_menu(turn))


ROUTES: tuple[Route, ...] = (
    Command("help", show_help, Level.GUEST, N_("What I can do for you")),
    Command("cancel", cancel, Level.GUEST, N_("Stop what you are doing")),
)
