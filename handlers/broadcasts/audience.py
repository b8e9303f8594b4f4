"""Choosing who a broadcast reaches: the audience kept in the composing flow, checked against
what this coordinator may reach on every press, the panel that narrows it (landscapes,
stakeholder types, languages, roles; the linked groups and channels too, or only them) with a
live recipient count, and one facet's toggles."""

from __future__ import annotations

from typing import Any

from telegram import InlineKeyboardButton

from bot.access import manages
from bot.callbacks import InvalidCallback
from bot.turn import Turn
from handlers.broadcasts import views
from handlers.shared import flow
from handlers.shared.cards import programme_name
from handlers.shared.flow import data
from handlers.shared.localized_input import button_label
from storage.broadcasts import GROUPS_CHOICES
from storage.models import Landscape, Programme

FLOW = "broadcast"


def audience(turn: Turn) -> dict[str, Any]:
    return dict(data(turn).get("audience") or {})


async def scope(turn: Turn) -> tuple[Programme | None, list[Landscape]]:
    """The audience's programme and chosen landscapes, if this user may still reach them;
    a forged or stale choice (another programme, a landscape not in it) is refused."""
    wanted = audience(turn)
    programme_id = wanted.get("programme")
    if programme_id is None:
        if not manages(turn.partner, None):
            raise InvalidCallback("only admins broadcast to everyone")
        return None, []
    programme = await turn.uow.programmes.get(int(programme_id))
    if programme is None or not manages(turn.partner, programme.id):
        raise InvalidCallback(f"programme {programme_id} is not managed")
    own = {landscape.id: landscape for landscape in programme.landscapes}
    chosen = [int(i) for i in wanted.get("landscapes") or []]
    if any(i not in own for i in chosen):
        raise InvalidCallback("a landscape outside the programme")
    return programme, [own[i] for i in chosen]


async def counts(turn: Turn) -> dict[str, int]:
    """Recipients of the audience now, per language."""
    by_language = await turn.uow.broadcasts.audience_languages(audience(turn))
    return views.languages_of(by_language, turn.services.catalogs.default)


async def chat_count(turn: Turn) -> int:
    """Linked groups and channels the audience reaches now (0 when they are not included)."""
    return len(await turn.uow.broadcasts.audience_chats(audience(turn)))


async def total(turn: Turn) -> int:
    """Everyone the audience reaches now: partners and linked chats."""
    return sum((await counts(turn)).values()) + await chat_count(turn)


async def reach(turn: Turn) -> str:
    """Who it reaches, in words: partners per language, then the linked chats if included."""
    t, chats = turn.t, audience(turn).get("groups", "no")
    lines = [] if chats == "only" else [views.recipients_line(t, await counts(turn))]
    if chats != "no":
        lines.append(views.chats_line(t, await chat_count(turn)))
    return "\n".join(lines)


def toggle_chats(turn: Turn) -> str:
    """The pressed choice for linked chats (not included, also, only); anything else is forged."""
    choice = turn.arg(0)
    if choice not in GROUPS_CHOICES:
        raise InvalidCallback(f"groups {choice}")
    return choice


async def summary(turn: Turn) -> str:
    programme, landscapes = await scope(turn)
    name = programme_name(turn.t, programme) if programme else None
    return views.audience_summary(turn.t, audience(turn), name, landscapes)


async def show_panel(turn: Turn) -> None:
    t = turn.t
    programme, _ = await scope(turn)
    chosen = audience(turn)
    rows: list[list[InlineKeyboardButton]] = []
    for code, (facet, label) in views.FACETS.items():
        if facet == "landscapes" and (programme is None or not programme.landscapes):
            continue
        picked = chosen.get(facet) or []
        value = t.number(len(picked)) if picked else t.gettext("all")
        rows.append([turn.button(button_label(t, t.gettext(label), value), "bc.facet", code, 0)])
    chats = chosen.get("groups", "no")
    following = GROUPS_CHOICES[(GROUPS_CHOICES.index(chats) + 1) % len(GROUPS_CHOICES)]
    rows.append([turn.button(views.chats_label(t, chats), "bc.grp", following)])
    rows.append(
        [
            turn.button(t.gettext("Continue »"), "bc.next"),
            turn.button(t.gettext("Cancel"), "bc.stop"),
        ]
    )
    text = "\n".join(
        [
            t.gettext("<b>Who should receive it?</b>"),
            await summary(turn),
            await reach(turn),
            "",
            t.gettext("Narrow it down with the buttons, then press Continue."),
        ]
    )
    await turn.settle(text, rows)


async def show_facet(turn: Turn, code: str, page: int = 0) -> None:
    """The facet's choices (✓ on chosen ones), paged to fit a phone with « Back below."""
    t = turn.t
    facet, label = _facet(code)
    chosen = {str(value) for value in audience(turn).get(facet) or []}
    options = await _options(turn, facet)
    per_page = flow.page_size(len(options), flow.SCREEN_BUTTONS - 1)
    start = page * per_page
    rows = [
        [turn.button(("✓ " if value in chosen else "") + name, "bc.tog", code, value, page)]
        for value, name in options[start : start + per_page]
    ]
    paging = flow.pager(turn, "bc.facet", page, start + per_page < len(options), code)
    if paging:
        rows.append(paging)
    rows.append([turn.button(t.gettext("« Back"), "bc.panel")])
    text = t.gettext(
        "<b>{facet}</b>: choose who to include. Choosing none includes everyone.",
        facet=t.gettext(label),
    )
    await turn.settle(text + "\n" + await reach(turn), rows)


async def toggle(turn: Turn) -> str:
    """Add or remove the pressed value, which must be one this user may choose; returns the
    facet's code (its page is the button's third argument)."""
    code, value = turn.arg(0), turn.arg(1)
    facet, _ = _facet(code)
    if value not in {option for option, _ in await _options(turn, facet)}:
        raise InvalidCallback(f"{facet} {value}")
    chosen = [str(v) for v in audience(turn).get(facet) or []]
    chosen = [v for v in chosen if v != value] if value in chosen else [*chosen, value]
    stored: list[Any] = [int(v) for v in chosen] if facet == "landscapes" else chosen
    await set_audience(turn, **{facet: stored})
    return code


async def set_audience(turn: Turn, **changes: Any) -> None:
    assert turn.conversation is not None
    merged = {**audience(turn), **changes}
    await turn.uow.conversations.move(turn.conversation, turn.conversation.step, audience=merged)


def empty_audience(programme: int | None) -> dict[str, Any]:
    return {
        "programme": programme,
        "landscapes": [],
        "kinds": [],
        "languages": [],
        "roles": [],
        "groups": "no",
    }


async def _options(turn: Turn, facet: str) -> list[tuple[str, str]]:
    """(value, label) of everything this user may choose for `facet`."""
    t = turn.t
    if facet == "landscapes":
        programme, _ = await scope(turn)
        places = programme.landscapes if programme else []
        return [
            (str(place.id), f"{place.name} · {t.country_name(place.country)}") for place in places
        ]
    values: tuple[str, ...] = {
        "kinds": views.KIND_VALUES,
        "languages": turn.services.catalogs.languages,
        "roles": views.ROLE_VALUES,
    }[facet]
    return [(value, views.value_label(t, facet, value)) for value in values]


def _facet(code: str) -> tuple[str, str]:
    if code not in views.FACETS:
        raise InvalidCallback(f"facet {code}")
    return views.FACETS[code]
