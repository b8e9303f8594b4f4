"""/newevent: a coordinator adds an event to the calendar, one question at a time — programme,
landscapes, title, start, length, place or link, description — then sees it as partners will
before saving. The answers wait in the conversation, so a restart continues the flow."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from babel.dates import get_timezone_location

from bot.access import Level, manages
from bot.callbacks import InvalidCallback
from bot.i18n import N_
from bot.reminders import plan_reminders
from bot.routing import Button, Command, Route, Step
from bot.turn import Turn
from handlers.events import start as event_start
from handlers.events import steps
from handlers.events.readers import read_description, read_title, read_where
from handlers.shared import flow
from handlers.shared.cards import event_card, programme_name
from storage.models import Event, Landscape, Programme

FLOW = "newevent"
EVERYONE = 0  # the programme button for partnership-wide events
ZONES_SHOWN = 3  # in the preview; more are counted


async def new_event(turn: Turn) -> None:
    """/newevent: ask for the programme, unless there is only one to choose."""
    t = turn.t
    programmes = await flow.manageable_programmes(turn)
    everyone = manages(turn.partner, None)
    if not programmes and not everyone:
        await turn.reply(t.gettext("You don't coordinate any programme yet."))
        return
    if len(programmes) == 1 and not everyone:
        await _begin(turn, programmes[0])
        return
    await turn.uow.conversations.begin(turn.user.id, FLOW, "programme")
    keyboard = [[turn.button(programme_name(t, p), "ne.prog", p.id)] for p in programmes]
    if everyone:
        keyboard.append([turn.button(t.gettext("Everyone (all programmes)"), "ne.prog", EVERYONE)])
    await turn.settle(t.gettext("Which programme is the event for?"), keyboard)


async def on_programme(turn: Turn) -> None:
    programme_id = turn.arg_int()
    if programme_id == EVERYONE:
        if not manages(turn.partner, None):
            raise InvalidCallback("partnership-wide event")
        await _begin(turn, None)
        return
    programme = await turn.uow.programmes.get(programme_id)
    if programme is None or not manages(turn.partner, programme.id):
        raise InvalidCallback(f"programme {programme_id}")
    await _begin(turn, programme)


async def _begin(turn: Turn, programme: Programme | None) -> None:
    data: dict[str, Any] = {"programme": programme.id if programme else None, "landscapes": []}
    if programme is not None and programme.landscapes:
        await turn.uow.conversations.begin(turn.user.id, FLOW, "landscapes", data)
        await _ask_landscapes(turn, programme, [], 0)
        return
    await turn.uow.conversations.begin(turn.user.id, FLOW, "title", data)
    await _ask_title(turn)


async def _ask_landscapes(turn: Turn, programme: Programme, chosen: list[int], page: int) -> None:
    keyboard = steps.landscapes_keyboard(turn, programme, chosen, page, "ne")
    await turn.settle(steps.landscapes_question(turn.t), keyboard)


async def on_landscape_toggle(turn: Turn) -> None:
    programme = await _programme(turn)
    chosen, page = await steps.toggle_landscape(turn, programme)
    await _ask_landscapes(turn, programme, chosen, page)


async def on_landscape_page(turn: Turn) -> None:
    programme = await _programme(turn)
    chosen = steps.chosen_landscapes(turn, programme)
    await _ask_landscapes(turn, programme, chosen, max(0, turn.arg_int()))


async def on_landscapes_done(turn: Turn) -> None:
    chosen = steps.chosen_landscapes(turn, await _programme(turn))
    if not chosen:
        raise InvalidCallback("no landscape chosen")
    await flow.move(turn, "title", landscapes=chosen)
    await _ask_title(turn)


async def on_whole_programme(turn: Turn) -> None:
    await flow.move(turn, "title", landscapes=[])
    await _ask_title(turn)


async def _ask_title(turn: Turn) -> None:
    await turn.settle(turn.t.gettext("What is the title of the event?"))


async def on_title(turn: Turn) -> None:
    title = await flow.typed(turn, read_title)
    if title is None:
        return
    await flow.move(turn, "start", title=title)
    zone = await _default_zone(turn)
    question = event_start.start_question(turn.t, zone, turn.services.clock())
    await turn.reply(question, event_start.day_keyboard(turn, zone, "ne.day"))


async def on_day(turn: Turn) -> None:
    await event_start.on_day(turn, await _default_zone(turn))


async def on_start(turn: Turn) -> None:
    await event_start.on_start(turn, await _default_zone(turn), "ne")


async def on_length_button(turn: Turn) -> None:
    await _ended(turn, event_start.pressed_end(turn))


async def on_end(turn: Turn) -> None:
    end = await event_start.typed_end(turn)
    if end is not None:
        await _ended(turn, end)


async def _ended(turn: Turn, end: datetime) -> None:
    await flow.move(turn, "where", ends=end.isoformat())
    await turn.settle(steps.where_question(turn.t))


async def on_where(turn: Turn) -> None:
    where = await flow.typed(turn, read_where)
    if where is None:
        return
    online_url, place = where
    await flow.move(turn, "description", online_url=online_url, place=place)
    skip = [[turn.button(turn.t.gettext("Skip"), "ne.skip")]]
    await turn.reply(turn.t.gettext("Send a short description for partners, or skip it."), skip)


async def on_description(turn: Turn) -> None:
    description = await flow.typed(turn, read_description)
    if description is not None:
        await _preview(turn, description)


async def on_skip_description(turn: Turn) -> None:
    await _preview(turn, None)


async def _preview(turn: Turn, description: str | None) -> None:
    await flow.move(turn, "preview", description=description)
    event, _ = await _draft(turn)
    t = turn.t
    text = t.gettext("This is how partners will see it:") + "\n\n"
    text += event_card(t, event, turn.services.clock())
    text += await _audience_times(turn, event)
    keyboard = [
        [turn.button(t.gettext("Save"), "ne.save"), turn.button(t.gettext("Cancel"), "ne.stop")]
    ]
    await turn.settle(text, keyboard)


async def _audience_times(turn: Turn, event: Event) -> str:
    """The start in the time zones of the partners the event reaches, most partners first."""
    t, services = turn.t, turn.services
    default = services.settings.locale.default_timezone
    found = await turn.uow.events.audience_zones(event)
    zones = list(dict.fromkeys(zone or default for zone in found))
    if not zones:
        return ""
    lines = ["", "", t.gettext("Partners will see the start as:")]
    for zone in zones[:ZONES_SHOWN]:
        local = services.catalogs.translator(t.language, zone).when(event.starts_at)
        city = (
            ""
            if zone.startswith("Etc/") or zone == "UTC"
            else get_timezone_location(zone, t.locale, return_city=True)
        )
        lines.append(f"• {local} — {city}" if city else f"• {local}")
    if len(zones) > ZONES_SHOWN:
        more = len(zones) - ZONES_SHOWN
        lines.append(t.ngettext("and {n} more time zone", "and {n} more time zones", more))
    return "\n".join(lines)


async def on_save(turn: Turn) -> None:
    event, landscapes = await _draft(turn)
    programme = event.programme
    if not manages(turn.partner, programme.id if programme else None):
        raise InvalidCallback("programme no longer managed")
    assert turn.partner is not None  # Level.COORDINATOR
    event.created_by = turn.partner.id
    await turn.uow.events.add(event, landscapes)
    event.slug = f"event-{event.id}"
    services = turn.services
    await plan_reminders(turn.uow, event, services.settings.reminders, services.clock())
    await turn.uow.audit.record(
        "event.created",
        actor=turn.partner,
        telegram_id=turn.user.id,
        event=event.id,
        programme=event.programme_id,
        landscapes=[landscape.id for landscape in landscapes],
    )
    await turn.uow.conversations.end(turn.user.id)
    t = turn.t
    if programme is None:
        await turn.settle(t.gettext("Saved. All partners will see it in /events."))
        return
    where = steps.where_label(t, programme, landscapes)
    await turn.settle(t.gettext("Saved. Partners of {where} will see it in /events.", where=where))


async def on_stop(turn: Turn) -> None:
    await turn.uow.conversations.end(turn.user.id)
    await turn.settle(turn.t.gettext("Stopped. Nothing was changed."))


async def _draft(turn: Turn) -> tuple[Event, list[Landscape]]:
    """The event the answers describe, not yet in the database (the preview shows it)."""
    data = flow.data(turn)
    programme = await _programme(turn) if data["programme"] is not None else None
    landscapes = steps.in_order(programme, data["landscapes"]) if programme else []
    language = turn.t.language

    def texts(key: str) -> dict[str, str]:
        return {language: data[key]} if data.get(key) else {}

    event = Event(
        title=texts("title"),
        description=texts("description"),
        place=texts("place"),
        online_url=data.get("online_url"),
        programme=programme,
        programme_id=programme.id if programme else None,
        starts_at=flow.moment(turn, "starts"),
        ends_at=flow.moment(turn, "ends"),
        timezone=data["zone"],
        audience=[],
        sequence=0,
    )
    event.landscapes = landscapes
    return event, landscapes


async def _default_zone(turn: Turn) -> str:
    """The first chosen landscape's zone, else the programme's first, else the coordinator's."""
    data = flow.data(turn)
    if data["programme"] is not None:
        programme = await _programme(turn)
        chosen = steps.in_order(programme, data["landscapes"]) or programme.landscapes
        if chosen:
            return chosen[0].timezone
    return turn.t.timezone


async def _programme(turn: Turn) -> Programme:
    programme_id = flow.data(turn)["programme"]
    programme = await turn.uow.programmes.get(int(programme_id)) if programme_id else None
    if programme is None:
        raise InvalidCallback("the flow has no programme")
    return programme


def _at(step: str) -> tuple[str, str]:
    return (FLOW, step)


COORDINATOR = Level.COORDINATOR
ROUTES: tuple[Route, ...] = (
    Command("newevent", new_event, COORDINATOR, N_("Add an event to the calendar")),
    Button("ne.prog", on_programme, COORDINATOR, _at("programme")),
    Button("ne.land", on_landscape_toggle, COORDINATOR, _at("landscapes")),
    Button("ne.landpage", on_landscape_page, COORDINATOR, _at("landscapes")),
    Button("ne.landdone", on_landscapes_done, COORDINATOR, _at("landscapes")),
    Button("ne.landall", on_whole_programme, COORDINATOR, _at("landscapes")),
    Step(FLOW, "title", on_title, COORDINATOR),
    Step(FLOW, "start", on_start, COORDINATOR),
    Button("ne.day", on_day, COORDINATOR, _at("start")),
    Step(FLOW, event_start.TIME_STEP, on_start, COORDINATOR),
    Button("ne.len", on_length_button, COORDINATOR, _at("length")),
    Step(FLOW, "length", on_end, COORDINATOR),
    Step(FLOW, "where", on_where, COORDINATOR),
    Step(FLOW, "description", on_description, COORDINATOR),
    Button("ne.skip", on_skip_description, COORDINATOR, _at("description")),
    Button("ne.save", on_save, COORDINATOR, _at("preview")),
    Button("ne.stop", on_stop, COORDINATOR, _at("preview")),
)
