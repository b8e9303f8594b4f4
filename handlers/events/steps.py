"""What the calendar editing flows share: which events a coordinator manages,
the event picker, the landscape, length and language keyboards, and the questions they ask."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

from telegram import InlineKeyboardButton

from bot.access import manages
from bot.callbacks import InvalidCallback
from bot.i18n import Translator
from bot.replies import Keyboard
from bot.turn import Turn
from handlers.shared import flow
from handlers.shared.cards import event_title, programme_name
from storage.models import Event, Landscape, Programme

LENGTHS = (1, 2, 3, 4, 8)  # hours offered as buttons
EVENTS_PER_PAGE = 8
_LABEL_TITLE_MAX = 40


async def manageable_events(turn: Turn) -> list[Event]:
    """Upcoming, not cancelled events of programmes this user manages, soonest first."""
    now = turn.services.clock()
    # Events has no query by programme yet; the calendar is small enough to filter here.
    return [
        event
        for event in await turn.uow.events.all()
        if event.ends_at > now
        and event.cancelled_at is None
        and manages(turn.partner, event.programme_id)
    ]


async def manageable(turn: Turn, event_id: int) -> Event | None:
    event = await turn.uow.events.get(event_id)
    if event is None or not manages(turn.partner, event.programme_id):
        return None
    return event


async def event_from_args(turn: Turn, command: str) -> Event | None:
    """The event named by `/command <number>`; says what is wrong when there is none."""
    t = turn.t
    if len(turn.args) != 1 or not turn.args[0].isdecimal() or len(turn.args[0]) > 9:
        await turn.reply(
            t.gettext(
                "Send /{command} followed by the event's number, e.g. /{command} 12.",
                command=command,
            )
        )
        return None
    event = await manageable(turn, int(turn.args[0]))
    if event is None:
        await turn.reply(t.gettext("I can't find event {number}.", number=turn.args[0]))
    return event


async def flow_event(turn: Turn) -> Event | None:
    """The event an open flow is about, if this user still manages it; else the flow ends."""
    conversation = turn.conversation
    assert conversation is not None  # flow routes only run inside their flow
    event_id = int(conversation.data["event"])
    event = await manageable(turn, event_id)
    if event is None:
        await turn.uow.conversations.end(turn.user.id)
        await turn.settle(turn.t.gettext("I can't find event {number}.", number=str(event_id)))
    return event


async def show_picker(turn: Turn, question: str, none: str, prefix: str, offset: int) -> None:
    """The events this user manages as buttons (`<prefix>.pick`), eight to a page; `none`
    when there are none."""
    events = await manageable_events(turn)
    if not events:
        await turn.settle(none)
        return
    keyboard = _picker_keyboard(turn, events, offset, f"{prefix}.pick", f"{prefix}.page")
    await turn.settle(question, keyboard)


def _picker_keyboard(
    turn: Turn, events: Sequence[Event], offset: int, pick: str, page: str
) -> Keyboard:
    t = turn.t
    shown = events[offset : offset + EVENTS_PER_PAGE]
    rows: list[list[InlineKeyboardButton]] = []
    for event in shown:
        title = event_title(t, event)
        if len(title) > _LABEL_TITLE_MAX:
            title = title[: _LABEL_TITLE_MAX - 1] + "…"
        day = t.date(event.starts_at.astimezone(t.zone).date(), "medium")
        rows.append([turn.button(f"#{event.id} {title} · {day}", pick, event.id)])
    paging = []
    if offset > 0:
        paging.append(turn.button(t.gettext("« Earlier"), page, max(0, offset - EVENTS_PER_PAGE)))
    if offset + EVENTS_PER_PAGE < len(events):
        paging.append(turn.button(t.gettext("Later »"), page, offset + EVENTS_PER_PAGE))
    if paging:
        rows.append(paging)
    return rows


def landscapes_question(t: Translator) -> str:
    return t.gettext("Which landscapes is it for? Choose one or more, or the whole programme.")


def landscapes_keyboard(
    turn: Turn, programme: Programme, chosen: Sequence[int], page: int, prefix: str
) -> Keyboard:
    """The programme's landscapes to toggle, then "Whole programme" (no landscapes)."""
    rows = list(
        flow.landscapes_keyboard(
            turn,
            programme.landscapes,
            chosen,
            toggle=f"{prefix}.land",
            page_action=f"{prefix}.landpage",
            done=f"{prefix}.landdone",
            page=page,
            extra=1,
        )
    )
    rows.append([turn.button(turn.t.gettext("Whole programme"), f"{prefix}.landall")])
    return rows


async def toggle_landscape(turn: Turn, programme: Programme) -> tuple[list[int], int]:
    """Add or remove the pressed landscape, which must be one of the programme's."""
    return await flow.toggle_landscape(turn, _ids(programme))


def chosen_landscapes(turn: Turn, programme: Programme) -> list[int]:
    """The flow's choice, limited to landscapes the programme still has."""
    return flow.chosen_landscapes(turn, _ids(programme))


def _ids(programme: Programme) -> set[int]:
    return {landscape.id for landscape in programme.landscapes}


def in_order(programme: Programme, ids: Sequence[int]) -> list[Landscape]:
    by_id = {landscape.id: landscape for landscape in programme.landscapes}
    return [by_id[i] for i in ids if i in by_id]


def length_question(t: Translator) -> str:
    return t.gettext(
        "How long does it last? Choose below, or send the end time as HH:MM or YYYY-MM-DD HH:MM."
    )


def length_keyboard(turn: Turn, action: str) -> Keyboard:
    t = turn.t
    labels = {hours: t.ngettext("{n} hour", "{n} hours", hours) for hours in LENGTHS}
    labels[4] = t.gettext("Half a day ({hours})", hours=labels[4])
    labels[8] = t.gettext("Full day ({hours})", hours=labels[8])
    return [[turn.button(labels[hours], action, hours)] for hours in LENGTHS]


def read_length(turn: Turn, start: datetime) -> datetime:
    hours = turn.arg_int(0)
    if hours not in LENGTHS:
        raise InvalidCallback(f"length {hours}")
    return start + timedelta(hours=hours)


def where_question(t: Translator) -> str:
    return t.gettext("Send the link of the online meeting (https://…) or the name of the place.")


def language_keyboard(turn: Turn, texts: Mapping[str, str], action: str) -> Keyboard:
    """The shipped languages, ✓ on those that already have a text, two to a row."""
    buttons = [
        turn.button(("✓ " if texts.get(code) else "") + turn.t.language_name(code), action, code)
        for code in turn.services.catalogs.languages
    ]
    return [buttons[i : i + 2] for i in range(0, len(buttons), 2)]


def where_label(t: Translator, programme: Programme | None, landscapes: Sequence[Landscape]) -> str:
    if landscapes:
        return ", ".join(landscape.name for landscape in landscapes)
    return programme_name(t, programme) if programme else ""
