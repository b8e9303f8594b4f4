"""/help: what this user's role may do, grouped by what they do, one short line per group with
a button into each; /cancel leaves any flow."""

from __future__ import annotations

from bot.access import Level, level_of
from bot.callbacks import InvalidCallback
from bot.i18n import N_
from bot.menus import visible_commands
from bot.replies import Keyboard
from bot.routing import Button, Command, Route
from bot.turn import Turn
from handlers.menu import main_menu

# Every command in the menu belongs to one group; a new command joins the group it serves.
GROUPS: tuple[tuple[str, str], ...] = (
    (N_("🌱 Reporting progress"), "checkin mycheckins away"),
    (N_("📅 Meetings and programmes"), "next events programmes status contact"),
    (
        N_("🧭 Coordinating"),
        "review broadcast broadcasts newevent editevent cancelevent attendance setstatus template"
        " faq unanswered groups",
    ),
    (N_("📊 Reports"), "summary export chart"),
    (N_("🔑 Administration"), "grant revoke invite exportcontent"),
    (N_("⚙️ You and this chat"), "start settings language forget help cancel"),
)


async def show_help(turn: Turn) -> None:
    """/help: a line per group with its commands (tappable), and a button into each."""
    t = turn.t
    intro = t.gettext("Here is what I can do for you:")
    if level_of(turn.partner) == Level.GUEST:
        intro = t.gettext("Send /start to join the partnership. Then I can do more for you:")
    lines = [
        f"<b>{t.gettext(title)}</b>\n" + " ".join(f"/{name}" for name in names)
        for title, names in _groups(turn)
    ]
    keyboard: Keyboard = [
        [turn.button(t.gettext(title), "help.group", index)]
        for index, (title, _names) in enumerate(GROUPS)
        if _visible(turn, index)
    ]
    await turn.reply(
        intro + "\n\n" + "\n\n".join(lines) + "\n\n" + t.gettext("Tap a topic for details."),
        keyboard,
    )


async def show_group(turn: Turn) -> None:
    """A group's commands, each with what it does, and the user's main menu."""
    index = turn.arg_int(0)
    if not 0 <= index < len(GROUPS) or not _visible(turn, index):
        raise InvalidCallback(f"help group {index}")
    t = turn.t
    title, names = GROUPS[index]
    lines = [f"/{c.name} — {t.gettext(c.summary)}" for c in _commands(turn, names)]
    await turn.reply(f"<b>{t.gettext(title)}</b>\n\n" + "\n".join(lines), main_menu(turn))


def _groups(turn: Turn) -> list[tuple[str, list[str]]]:
    return [
        (title, [c.name for c in _commands(turn, names)])
        for index, (title, names) in enumerate(GROUPS)
        if _visible(turn, index)
    ]


def _visible(turn: Turn, index: int) -> bool:
    return bool(_commands(turn, GROUPS[index][1]))


def _commands(turn: Turn, names: str) -> list[Command]:
    """The group's commands this user may use, in the group's order."""
    visible = {c.name: c for c in visible_commands(turn.services.commands, level_of(turn.partner))}
    return [visible[name] for name in names.split() if name in visible]


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
    Button("help.group", show_group, Level.GUEST),
)
