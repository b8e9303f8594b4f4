"""/programmes and /status: what each programme is and where it stands, and from there its
landscapes and their upcoming events."""

from __future__ import annotations

from telegram import InlineKeyboardButton

from bot.access import Level, programmes_of, viewer
from bot.callbacks import InvalidCallback
from bot.i18n import N_, escape
from bot.replies import Keyboard
from bot.routing import Button, Command, Route
from bot.turn import Turn
from handlers.shared.cards import about_card, event_title, figures_card, programme_name, status_card
from storage.models import Landscape, Programme


async def list_programmes(turn: Turn) -> None:
    """/programmes: every programme, the partner's own first."""
    programmes = await turn.uow.programmes.all()
    if not programmes:
        await turn.settle(turn.t.gettext("No programmes have been set up yet."))
        return
    mine = programmes_of(turn.partner)
    ordered = sorted(programmes, key=lambda p: (p.id not in mine, p.slug))
    keyboard = [[turn.button(programme_name(turn.t, p), "prg", p.id)] for p in ordered]
    await turn.settle(turn.t.gettext("Which programme?"), keyboard)


async def status(turn: Turn) -> None:
    """/status [programme]: the card of the named programme, of the partner's only programme,
    or a choice between theirs."""
    programmes = await turn.uow.programmes.all()
    if turn.args:
        wanted = " ".join(turn.args).casefold()
        found = [p for p in programmes if _names(p, wanted)]
        if len(found) == 1:
            await _show(turn, found[0])
            return
        await turn.reply(turn.t.gettext("I don't know a programme called “{name}”.", name=wanted))
        await list_programmes(turn)
        return
    mine = [p for p in programmes if p.id in programmes_of(turn.partner)]
    if len(mine) == 1:
        await _show(turn, mine[0])
    else:
        await list_programmes(turn)


def _names(programme: Programme, wanted: str) -> bool:
    names = {programme.slug, *(name.casefold() for name in programme.name.values())}
    return wanted in names or any(wanted in name for name in names if len(wanted) >= 3)


async def on_programme(turn: Turn) -> None:
    await _show(turn, await _programme(turn))


async def _show(turn: Turn, programme: Programme) -> None:
    t = turn.t
    keyboard: list[list[InlineKeyboardButton]] = []
    if programme.figures:
        keyboard.append([turn.button(t.gettext("Key figures"), "prg.figs", programme.id)])
    keyboard.append([turn.button(t.gettext("About the programme"), "prg.about", programme.id)])
    if programme.landscapes:
        keyboard.append([turn.button(t.gettext("Landscapes"), "prg.land", programme.id)])
    keyboard += [
        [turn.button(t.gettext("Upcoming events"), "ev.list", 0)],
        [turn.button(t.gettext("« All programmes"), "prg.all")],
    ]
    await turn.settle(status_card(t, programme), keyboard)


async def on_figures(turn: Turn) -> None:
    programme = await _programme(turn)
    await turn.settle(figures_card(turn.t, programme), _back(turn, programme))


async def on_about(turn: Turn) -> None:
    programme = await _programme(turn)
    await turn.settle(about_card(turn.t, programme), _back(turn, programme))


async def _programme(turn: Turn) -> Programme:
    programme = await turn.uow.programmes.get(turn.arg_int())
    if programme is None:
        raise InvalidCallback("programme")
    return programme


def _back(turn: Turn, programme: Programme) -> Keyboard:
    return [[turn.button(turn.t.gettext("« Back"), "prg", programme.id)]]


async def on_all(turn: Turn) -> None:
    await list_programmes(turn)


async def on_landscapes(turn: Turn) -> None:
    programme = await _programme(turn)
    t = turn.t
    keyboard = [
        [turn.button(f"{place.name} · {t.country_name(place.country)}", "land", place.id)]
        for place in programme.landscapes
    ]
    keyboard.append([turn.button(t.gettext("« Back"), "prg", programme.id)])
    text = t.gettext("Landscapes of {programme}:", programme=programme_name(t, programme))
    await turn.settle(text, keyboard)


async def on_landscape(turn: Turn) -> None:
    place = await turn.uow.places.landscape(turn.arg_int())
    if place is None:
        raise InvalidCallback("landscape")
    await turn.settle(*await _landscape_card(turn, place))


async def _landscape_card(turn: Turn, place: Landscape) -> tuple[str, Keyboard]:
    t, now = turn.t, turn.services.clock()
    events = [
        event
        for event in await turn.uow.events.upcoming(viewer(turn.partner), now=now, limit=50)
        if any(landscape.id == place.id for landscape in event.landscapes)
        or (not event.landscapes and event.programme_id == place.programme_id)
    ][:5]
    lines = [
        f"<b>{escape(place.name)}</b>",
        t.gettext("Country: {country}", country=t.country_name(place.country)),
        t.gettext("Time zone: {zone}", zone=place.timezone),
        "",
        t.gettext("Upcoming events here:") if events else t.gettext("No upcoming events here."),
    ]
    keyboard = [[turn.button(event_title(t, event), "ev", event.id)] for event in events]
    keyboard.append([turn.button(t.gettext("« Back"), "prg.land", place.programme_id)])
    return "\n".join(lines), keyboard


ROUTES: tuple[Route, ...] = (
    Command("status", status, Level.PARTNER, N_("Where the programme stands")),
    Command(
        "programmes", list_programmes, Level.PARTNER, N_("The programmes and their landscapes")
    ),
    Button("prg", on_programme, Level.PARTNER),
    Button("prg.all", on_all, Level.PARTNER),
    Button("prg.land", on_landscapes, Level.PARTNER),
    Button("prg.figs", on_figures, Level.PARTNER),
    Button("prg.about", on_about, Level.PARTNER),
    Button("land", on_landscape, Level.PARTNER),
)
