"""/editevent: a coordinator changes one thing at a time about an event of a programme they
manage — a text in one language, the time, the place or link, the landscapes. Each change is
audited; moving the time bumps the event's sequence so calendar apps replace their copy."""

from __future__ import annotations

from datetime import datetime

from bot.access import Level
from bot.callbacks import InvalidCallback
from bot.i18n import N_
from bot.reminders import replan_after_move
from bot.routing import Button, Command, Route, Step
from bot.turn import Turn
from handlers.events import start as event_start
from handlers.events import steps
from handlers.events.readers import read_description, read_title, read_where
from handlers.shared import flow
from handlers.shared.cards import event_card
from handlers.shared.localized_input import language_in
from storage.models import Event, Programme

FLOW = "editevent"
_FIELDS = {
    "title": N_("Title"),
    "description": N_("Description"),
    "time": N_("Time"),
    "place": N_("Place or link"),
    "landscapes": N_("Landscapes"),
}
_TEXT_PROMPTS = {
    "title": N_("Send the title in {language}."),
    "description": N_("Send the description in {language}."),
    "place": N_("Send the place in {language}, or the link of the online meeting (https://…)."),
}


async def edit_event(turn: Turn) -> None:
    """/editevent [number]: pick an event, then what to change."""
    if not turn.args:
        await _picker(turn, 0)
        return
    event = await steps.event_from_args(turn, "editevent")
    if event is not None:
        await _open(turn, event)


async def on_edit_page(turn: Turn) -> None:
    await _picker(turn, max(0, turn.arg_int()))


async def on_edit_pick(turn: Turn) -> None:
    event = await steps.manageable(turn, turn.arg_int())
    if event is None:
        raise InvalidCallback("event not manageable")
    await _open(turn, event)


async def _picker(turn: Turn, offset: int) -> None:
    t = turn.t
    question = t.gettext("Which event do you want to change?")
    none = t.gettext("There are no upcoming events you can change.")
    await steps.show_picker(turn, question, none, "ee", offset)


async def _open(turn: Turn, event: Event) -> None:
    await turn.uow.conversations.begin(turn.user.id, FLOW, "menu", {"event": event.id})
    t = turn.t
    has_landscapes = await _programme_with_landscapes(turn, event) is not None
    fields = [field for field in _FIELDS if field != "landscapes" or has_landscapes]
    keyboard = [[turn.button(t.gettext(_FIELDS[field]), "ee.field", field)] for field in fields]
    text = event_card(t, event, turn.services.clock())
    await turn.settle(text + "\n\n" + t.gettext("What do you want to change?"), keyboard)


async def on_field(turn: Turn) -> None:
    field = turn.arg()
    if field not in _FIELDS:
        raise InvalidCallback(field)
    event = await steps.flow_event(turn)
    if event is None:
        return
    t = turn.t
    if field == "time":
        await flow.move(turn, "start")
        question = event_start.start_question(t, event.timezone, turn.services.clock())
        await turn.settle(question, event_start.day_keyboard(turn, event.timezone, "ee.day"))
    elif field == "landscapes":
        programme = await _programme_of(turn, event)
        chosen = [landscape.id for landscape in event.landscapes]
        await flow.move(turn, "landscapes", landscapes=chosen)
        await _ask_landscapes(turn, programme, chosen, 0)
    else:
        await flow.move(turn, "lang", field=field)
        keyboard = steps.language_keyboard(turn, getattr(event, field), "ee.lang")
        question = t.gettext("Which language? ✓ marks the languages that already have a text.")
        await turn.settle(question, keyboard)


async def on_language(turn: Turn) -> None:
    code = turn.arg()
    if code not in turn.services.catalogs.languages:
        raise InvalidCallback(code)
    event = await steps.flow_event(turn)
    if event is None:
        return
    field = flow.data(turn)["field"]
    await flow.move(turn, "text", language=code)
    t = turn.t
    text = t.gettext(_TEXT_PROMPTS[field], language=language_in(t, code))
    current = getattr(event, field).get(code)
    if current:
        text += "\n\n" + t.gettext("Now: {text}", text=current)
    await turn.settle(text)


async def on_text(turn: Turn) -> None:
    event = await steps.flow_event(turn)
    if event is None:
        return
    field, language = flow.data(turn)["field"], flow.data(turn)["language"]
    if field == "place":
        where = await flow.typed(turn, read_where)
        if where is None:
            return
        online_url, place = where
        if online_url is not None:
            event.online_url = online_url
        else:
            event.place = {**event.place, language: place or ""}
    else:
        text = await flow.typed(turn, read_title if field == "title" else read_description)
        if text is None:
            return
        setattr(event, field, {**getattr(event, field), language: text})
    await _saved(turn, event, field, language)


async def on_start(turn: Turn) -> None:
    event = await steps.flow_event(turn)
    if event is not None:
        await event_start.on_start(turn, event.timezone, "ee")


async def on_day(turn: Turn) -> None:
    event = await steps.flow_event(turn)
    if event is not None:
        await event_start.on_day(turn, event.timezone)


async def on_length_button(turn: Turn) -> None:
    await _retime(turn, event_start.pressed_end(turn))


async def on_end(turn: Turn) -> None:
    end = await event_start.typed_end(turn)
    if end is not None:
        await _retime(turn, end)


async def _retime(turn: Turn, end: datetime) -> None:
    event = await steps.flow_event(turn)
    if event is None:
        return
    start, old_sequence, old_start = flow.moment(turn, "starts"), event.sequence, event.starts_at
    if (start, end) != (event.starts_at, event.ends_at):
        event.sequence += 1  # calendar apps replace the entry they imported
    event.starts_at, event.ends_at, event.timezone = start, end, flow.data(turn)["zone"]
    if event.sequence != old_sequence:
        services = turn.services
        await replan_after_move(
            turn.uow,
            event,
            old_sequence,
            services.settings.reminders,
            services.clock(),
            old_starts_at=old_start,
        )
    await _saved(turn, event, "time", None)


async def on_landscape_toggle(turn: Turn) -> None:
    programme = await _flow_programme(turn)
    chosen, page = await steps.toggle_landscape(turn, programme)
    await _ask_landscapes(turn, programme, chosen, page)


async def on_landscape_page(turn: Turn) -> None:
    programme = await _flow_programme(turn)
    chosen = steps.chosen_landscapes(turn, programme)
    await _ask_landscapes(turn, programme, chosen, max(0, turn.arg_int()))


async def _ask_landscapes(turn: Turn, programme: Programme, chosen: list[int], page: int) -> None:
    keyboard = steps.landscapes_keyboard(turn, programme, chosen, page, "ee")
    await turn.settle(steps.landscapes_question(turn.t), keyboard)


async def on_landscapes_done(turn: Turn) -> None:
    await _set_landscapes(turn, whole_programme=False)


async def on_whole_programme(turn: Turn) -> None:
    await _set_landscapes(turn, whole_programme=True)


async def _set_landscapes(turn: Turn, *, whole_programme: bool) -> None:
    event = await steps.flow_event(turn)
    if event is None:
        return
    programme = await _programme_of(turn, event)
    chosen = [] if whole_programme else steps.chosen_landscapes(turn, programme)
    if not whole_programme and not chosen:
        raise InvalidCallback("no landscape chosen")
    await turn.uow.events.set_landscapes(event, steps.in_order(programme, chosen))
    await _saved(turn, event, "landscapes", None)


async def _saved(turn: Turn, event: Event, field: str, language: str | None) -> None:
    await turn.uow.events.flush()
    await turn.uow.audit.record(
        "event.edited",
        actor=turn.partner,
        telegram_id=turn.user.id,
        event=event.id,
        field=field,
        language=language,
    )
    await turn.uow.conversations.end(turn.user.id)
    t = turn.t
    await turn.settle(t.gettext("Saved."))
    again = [[turn.button(t.gettext("Change something else"), "ee.pick", event.id)]]
    await turn.reply(event_card(t, event, turn.services.clock()), again)


async def _programme_with_landscapes(turn: Turn, event: Event) -> Programme | None:
    """The event's programme with its landscapes loaded, if it has any landscapes to choose."""
    if event.programme_id is None:
        return None
    programme = await turn.uow.programmes.get(event.programme_id)
    return programme if programme is not None and programme.landscapes else None


async def _programme_of(turn: Turn, event: Event) -> Programme:
    programme = await _programme_with_landscapes(turn, event)
    if programme is None:
        raise InvalidCallback("the event has no landscapes to choose from")
    return programme


async def _flow_programme(turn: Turn) -> Programme:
    """For the landscape buttons, which need no event state beyond its programme."""
    event = await steps.manageable(turn, int(flow.data(turn)["event"]))
    if event is None:
        raise InvalidCallback("event no longer manageable")
    return await _programme_of(turn, event)


def _at(step: str) -> tuple[str, str]:
    return (FLOW, step)


COORDINATOR = Level.COORDINATOR
ROUTES: tuple[Route, ...] = (
    Command("editevent", edit_event, COORDINATOR, N_("Change an event in the calendar")),
    Button("ee.page", on_edit_page, COORDINATOR),
    Button("ee.pick", on_edit_pick, COORDINATOR),
    Button("ee.field", on_field, COORDINATOR, _at("menu")),
    Button("ee.lang", on_language, COORDINATOR, _at("lang")),
    Step(FLOW, "text", on_text, COORDINATOR),
    Step(FLOW, "start", on_start, COORDINATOR),
    Button("ee.day", on_day, COORDINATOR, _at("start")),
    Step(FLOW, event_start.TIME_STEP, on_start, COORDINATOR),
    Button("ee.len", on_length_button, COORDINATOR, _at("length")),
    Step(FLOW, "length", on_end, COORDINATOR),
    Button("ee.land", on_landscape_toggle, COORDINATOR, _at("landscapes")),
    Button("ee.landpage", on_landscape_page, COORDINATOR, _at("landscapes")),
    Button("ee.landdone", on_landscapes_done, COORDINATOR, _at("landscapes")),
    Button("ee.landall", on_whole_programme, COORDINATOR, _at("landscapes")),
)
