"""What the bot answers in a linked group: /next, /events and /status about the group's
programme and landscapes, in the group's language; a personal command (joining, check-ins,
settings...) is never done there, only pointed to the private chat with a deep link."""

from __future__ import annotations

from telegram import InlineKeyboardButton

from bot.access import Level, group_viewer
from bot.i18n import N_, Translator
from bot.replies import Keyboard
from bot.routing import GroupCommand, Route
from bot.turn import Turn
from handlers.shared.cards import event_card, event_line, status_card
from storage.events import Viewer
from storage.models import LinkedChat, Programme

PAGE = 5


async def next_event(turn: Turn) -> None:
    found = await linked_group(turn)
    if found is None:
        return
    t, viewer, _programme = found
    await turn.reply(await next_card(turn, t, viewer))


async def next_card(turn: Turn, t: Translator, viewer: Viewer) -> str:
    """The card of the next event the group may see, or that there is none."""
    now = turn.services.clock()
    events = await turn.uow.events.upcoming(viewer, now=now, limit=1)
    if not events:
        return t.gettext("There are no upcoming events for this group.")
    return event_card(t, events[0], now)


async def list_events(turn: Turn) -> None:
    found = await linked_group(turn)
    if found is None:
        return
    t, viewer, _programme = found
    now = turn.services.clock()
    events = await turn.uow.events.upcoming(viewer, now=now, limit=PAGE)
    if not events:
        await turn.reply(t.gettext("There are no upcoming events for this group."))
        return
    lines = [t.gettext("<b>Upcoming events</b>")] + [event_line(t, e, now) for e in events]
    await turn.reply("\n\n".join(lines))


async def status(turn: Turn) -> None:
    found = await linked_group(turn)
    if found is not None:
        t, _viewer, programme = found
        await turn.reply(status_card(t, programme))


async def personal(turn: Turn) -> None:
    """A personal command sent in a group: a button opens the private chat at that command."""
    await turn.reply(*to_private(turn, turn.t, turn.args[0]))


def to_private(turn: Turn, t: Translator, command: str) -> tuple[str, Keyboard]:
    """Why not here, and a button that opens the private chat at `command`."""
    url = f"https://t.me/{turn.bot.username}?start={command}"
    return (
        t.gettext("That is personal, so let's do it in a private chat with me."),
        [[InlineKeyboardButton(t.gettext("Open the private chat"), url=url)]],
    )


async def linked_group(turn: Turn) -> tuple[Translator, Viewer, Programme] | None:
    """The group's translator (its language, its landscapes' time zone), what it may see and
    its programme; None, with a hint, when the group is not linked."""
    chat = turn.update.effective_chat
    assert chat is not None
    linked = await turn.uow.linked_chats.active(chat.id)
    programme = await turn.uow.programmes.get(linked.programme_id) if linked else None
    if linked is None or programme is None:
        await turn.reply(
            turn.t.gettext(
                "This group is not linked to a programme yet. An admin of the group who "
                "coordinates a programme can send /link."
            )
        )
        return None
    t = group_translator(turn, linked, programme)
    turn.t = t
    return t, group_viewer(programme.id, landscape_ids(linked, programme)), programme


def landscape_ids(linked: LinkedChat, programme: Programme) -> list[int]:
    """The group's landscapes; all of its programme's when it chose none."""
    return linked.landscape_ids or [landscape.id for landscape in programme.landscapes]


def group_translator(turn: Turn, linked: LinkedChat, programme: Programme) -> Translator:
    """Times in a group are shown in its first landscape's zone (its programme's otherwise)."""
    places = [p for p in programme.landscapes if p.id in landscape_ids(linked, programme)]
    zone = places[0].timezone if places else turn.services.settings.locale.default_timezone
    return turn.services.catalogs.translator(linked.language, zone)


ROUTES: tuple[Route, ...] = (
    GroupCommand("next", next_event, Level.GUEST, N_("The next meeting")),
    GroupCommand("events", list_events, Level.GUEST, N_("Upcoming events")),
    GroupCommand("status", status, Level.GUEST, N_("Where the programme stands")),
)
