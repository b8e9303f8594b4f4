"""/events, /event and /next: the upcoming events a partner may see, in their time zone, each
with an "Add to calendar" file, for online meetings the link, and while it is open the partner's
answer with the Attend / Maybe / Can't attend buttons."""

from __future__ import annotations

from telegram import InlineKeyboardButton

from bot.access import Level, viewer
from bot.calendar import CalendarEvent, event_ics, ics_filename
from bot.callbacks import InvalidCallback
from bot.i18n import N_
from bot.localized import plain
from bot.replies import Keyboard
from bot.routing import Button, Command, Route
from bot.turn import Turn
from handlers.events.reminders import CARD, answer_of, rsvp_open, rsvp_row, your_answer
from handlers.shared.cards import event_card, event_line, event_title
from storage.models import Event

PAGE = 5


async def list_events(turn: Turn) -> None:
    """/events: upcoming events, five at a time."""
    await _page(turn, 0)


async def on_page(turn: Turn) -> None:
    await _page(turn, max(0, turn.arg_int()))


async def _page(turn: Turn, offset: int) -> None:
    t, now = turn.t, turn.services.clock()
    # One more than a page tells whether there is a next page.
    events = await turn.uow.events.upcoming(
        viewer(turn.partner), now=now, offset=offset, limit=PAGE + 1
    )
    if not events and offset == 0:
        await turn.settle(t.gettext("There are no upcoming events for you right now."))
        return
    shown = events[:PAGE]
    text = "\n\n".join(
        [t.gettext("<b>Upcoming events</b>")] + [event_line(t, event, now) for event in shown]
    )
    keyboard: list[list[InlineKeyboardButton]] = [
        [turn.button(event_title(t, event), "ev", event.id)] for event in shown
    ]
    paging = []
    if offset > 0:
        paging.append(turn.button(t.gettext("« Earlier"), "ev.list", max(0, offset - PAGE)))
    if len(events) > PAGE:
        paging.append(turn.button(t.gettext("Later »"), "ev.list", offset + PAGE))
    if paging:
        keyboard.append(paging)
    await turn.settle(text, keyboard)


async def show_event(turn: Turn) -> None:
    """/event <number>: one event in full."""
    if len(turn.args) != 1 or not turn.args[0].isdecimal() or len(turn.args[0]) > 9:
        await turn.reply(
            turn.t.gettext("Send /event followed by the event's number, e.g. /event 12.")
        )
        return
    event = await _visible(turn, int(turn.args[0]))
    if event is None:
        await turn.reply(turn.t.gettext("I can't find event {number}.", number=turn.args[0]))
        return
    await show_card(turn, event)


async def next_event(turn: Turn) -> None:
    """/next: the next event, in full."""
    events = await turn.uow.events.upcoming(
        viewer(turn.partner), now=turn.services.clock(), limit=1
    )
    if not events:
        await turn.settle(turn.t.gettext("There are no upcoming events for you right now."))
        return
    await show_card(turn, events[0])


async def show_card(turn: Turn, event: Event) -> None:
    t, now = turn.t, turn.services.clock()
    text, keyboard = event_card(t, event, now), list(_card_keyboard(turn, event))
    if rsvp_open(event, now) and turn.partner is not None:
        answer = await answer_of(turn.uow, event.id, turn.partner.id)
        text += "\n\n" + your_answer(t, answer)
        keyboard.insert(0, rsvp_row(turn, t, event, CARD))
    await turn.settle(text, keyboard)


async def on_event(turn: Turn) -> None:
    event = await _visible(turn, turn.arg_int())
    if event is None:
        raise InvalidCallback("event")
    await show_card(turn, event)


async def on_calendar(turn: Turn) -> None:
    """The "Add to calendar" button: an .ics file the phone's calendar app opens."""
    event = await _visible(turn, turn.arg_int())
    if event is None:
        raise InvalidCallback("event")
    t = turn.t
    place = plain(t, event.place, event.default_language) or None
    entry = CalendarEvent(
        uid=f"event-{event.id}@landscape-bot",
        title=event_title(t, event),
        description=plain(t, event.description, event.default_language),
        starts_at=event.starts_at,
        ends_at=event.ends_at,
        timezone=event.timezone,
        url=event.online_url,
        location=place,
        updated_at=event.updated_at,
        sequence=event.sequence,
        cancelled=event.cancelled_at is not None,
    )
    await turn.answer()
    await turn.send_document(
        ics_filename(entry.title, event.starts_at.astimezone(t.zone).date()),
        event_ics(entry),
        t.gettext("Open this file to add the event to your calendar."),
    )


def _card_keyboard(turn: Turn, event: Event) -> Keyboard:
    t = turn.t
    keyboard: list[list[InlineKeyboardButton]] = []
    if event.cancelled_at is None:
        keyboard.append([turn.button(t.gettext("📅 Add to calendar"), "ev.ics", event.id)])
        if event.online_url:
            keyboard.append(
                [InlineKeyboardButton(t.gettext("💻 Join online"), url=event.online_url)]
            )
    keyboard.append([turn.button(t.gettext("« Upcoming events"), "ev.list", 0)])
    return keyboard


async def _visible(turn: Turn, event_id: int) -> Event | None:
    event = await turn.uow.events.get(event_id)
    if event is None or not turn.uow.events.visible(event, viewer(turn.partner)):
        return None
    return event


ROUTES: tuple[Route, ...] = (
    Command("next", next_event, Level.PARTNER, N_("The next meeting")),
    Command("events", list_events, Level.PARTNER, N_("Upcoming events")),
    Command("event", show_event, Level.PARTNER, N_("One event in full"), in_menu=False),
    Button("ev", on_event, Level.PARTNER),
    Button("ev.list", on_page, Level.PARTNER),
    Button("ev.ics", on_calendar, Level.PARTNER),
)
