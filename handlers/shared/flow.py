"""The toolkit every flow uses: its answers so far (`data`, `moment`), moving it to its next
step (`move`), reading typed input and answering the hint when it does not fit (`typed`,
`clean_text`), the reader's today, the programmes a coordinator manages, and the landscape
multi-select (toggle buttons, paged, with Done) that profiles, invites, events and broadcasts
ask with."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Collection, Sequence
from datetime import date, datetime
from typing import Any, Concatenate, ParamSpec, TypeVar

from telegram import InlineKeyboardButton

from bot.access import managed_programmes
from bot.callbacks import InvalidCallback
from bot.i18n import Translator
from bot.replies import Keyboard
from bot.turn import Turn
from bot.typed import Invalid
from storage.models import Landscape, Programme

SCREEN_BUTTONS = 8  # a keyboard taller than this scrolls off a phone screen

P = ParamSpec("P")
T = TypeVar("T")


def data(turn: Turn) -> dict[str, Any]:
    """The answers of the open flow so far."""
    assert turn.conversation is not None  # flow routes only run inside their flow
    return turn.conversation.data


def moment(turn: Turn, key: str) -> datetime:
    return datetime.fromisoformat(data(turn)[key])


async def move(turn: Turn, step: str, **changes: Any) -> None:
    assert turn.conversation is not None
    await turn.uow.conversations.move(turn.conversation, step, **changes)


async def typed(
    turn: Turn,
    read: Callable[Concatenate[Translator, str, P], T],
    *args: P.args,
    **kwargs: P.kwargs,
) -> T | None:
    """Read the typed text with `read`; on bad input, reply with its hint and return None (the
    flow stays at the same question, so the user simply types again)."""
    try:
        return read(turn.t, turn.text, *args, **kwargs)
    except Invalid as invalid:
        await turn.reply(invalid.hint)
        return None


def clean_text(text: str) -> str:
    """Collapse white space and drop control characters from typed text."""
    printable = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C" or ch == " ")
    return " ".join(printable.split())


def today(turn: Turn) -> date:
    """Today where the reader is: a check-in belongs to the period of the day it is sent, and
    what an editor writes is true "as of" their today."""
    return turn.services.clock().astimezone(turn.t.zone).date()


async def manageable_programmes(turn: Turn) -> list[Programme]:
    """The programmes whose content this user manages (admins: every one)."""
    allowed = managed_programmes(turn.partner)
    return [p for p in await turn.uow.programmes.all() if allowed is None or p.id in allowed]


def landscapes_keyboard(
    turn: Turn,
    landscapes: Sequence[Landscape],
    chosen: Sequence[int],
    *,
    toggle: str,
    page_action: str,
    done: str,
    page: int = 0,
    extra: int = 0,
) -> Keyboard:
    """Toggle buttons (✓ on chosen ones), paged, with a Done button once something is chosen:
    at most SCREEN_BUTTONS buttons with the `extra` ones the caller adds below. Done's place is
    kept even before it shows, so a page holds the same landscapes whatever is chosen."""
    per_page = page_size(len(landscapes), SCREEN_BUTTONS - 1 - extra)
    start = page * per_page
    shown = landscapes[start : start + per_page]
    rows: list[list[InlineKeyboardButton]] = [
        [
            turn.button(
                ("✓ " if landscape.id in chosen else "")
                + f"{landscape.name} · {turn.t.country_name(landscape.country)}",
                toggle,
                landscape.id,
                page,
            )
        ]
        for landscape in shown
    ]
    paging = pager(turn, page_action, page, start + per_page < len(landscapes))
    if paging:
        rows.append(paging)
    if chosen:
        rows.append([turn.button(turn.t.gettext("Done"), done)])
    return rows


def page_size(count: int, room: int) -> int:
    """How many of `count` choices a page shows when `room` buttons are free: all of them if
    they fit, else two fewer to leave room for ◀ and ▶."""
    return room if count <= room else room - 2


def pager(
    turn: Turn, action: str, page: int, more: bool, *args: object
) -> list[InlineKeyboardButton]:
    """◀ and ▶ where there is a page before or after."""
    row = [turn.button("◀", action, *args, page - 1)] if page > 0 else []
    return row + ([turn.button("▶", action, *args, page + 1)] if more else [])


async def toggle_landscape(
    turn: Turn, among: Collection[int] | None = None
) -> tuple[list[int], int]:
    """Add or remove the pressed landscape in the flow's choice; returns (chosen, page).
    `among`: the landscapes it may be (None: any landscape there is)."""
    conversation = turn.conversation
    assert conversation is not None
    landscape_id, page = turn.arg_int(0), max(0, turn.arg_int(1))
    if among is None:
        if await turn.uow.places.landscape(landscape_id) is None:
            raise InvalidCallback(str(landscape_id))
    elif landscape_id not in among:
        raise InvalidCallback(f"landscape {landscape_id} is not in the programme")
    chosen = chosen_landscapes(turn, among)
    if landscape_id in chosen:
        chosen.remove(landscape_id)
    else:
        chosen.append(landscape_id)
    await turn.uow.conversations.move(conversation, conversation.step, landscapes=chosen)
    return chosen, page


def chosen_landscapes(turn: Turn, among: Collection[int] | None = None) -> list[int]:
    """The flow's choice, limited to `among` when given (landscapes the programme still has)."""
    conversation = turn.conversation
    assert conversation is not None
    ids = [int(i) for i in conversation.data.get("landscapes", [])]
    return ids if among is None else [i for i in ids if i in among]
