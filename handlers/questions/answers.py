"""Answers to understood questions: the built-in ones narrowed to the time and places asked
about, a friendly word for small talk, an FAQ entry, and the passage of an event or programme
that answers, with a button to its whole card. What answers each kind of target is rendered
here once, for a partner in private and for a linked group (handlers.groups.questions)."""

from __future__ import annotations

from datetime import date, timedelta

from telegram import InlineKeyboardButton

from bot.access import viewer
from bot.i18n import N_, Translator, escape
from bot.localized import show
from bot.replies import Keyboard
from bot.turn import Turn
from bot.understanding import Reading
from handlers import help
from handlers.events import events
from handlers.menu import main_menu
from handlers.programmes import programmes
from handlers.questions import coordinators
from handlers.shared.cards import (
    event_card,
    event_line,
    figure_line,
    programme_name,
)
from storage.events import Viewer
from storage.models import Event, Programme

LISTED = 5  # events shown for a window; more are one tap away in /events
Answer = tuple[str, Keyboard | None]


async def builtin(turn: Turn, intent: str, reading: Reading | None) -> None:
    if intent == "events":
        await _events(turn, reading)
    elif intent == "status":
        named = reading.named.programmes if reading else frozenset()
        programme = await turn.uow.programmes.get(next(iter(named))) if len(named) == 1 else None
        turn.args = [programme.slug] if programme else []
        await programmes.status(turn)
    elif intent == "help":
        await help.show_help(turn)
    else:
        await coordinators.contact(turn)


async def small_talk(turn: Turn, intent: str) -> None:
    t = turn.t
    if intent == "thanks":
        text = t.gettext("You're welcome! Ask me anything else, or choose below.")
    else:
        name = turn.partner.name if turn.partner and turn.partner.name else turn.user.first_name
        text = t.gettext("Hello, {name}! Ask me anything, or choose below.", name=name)
    await turn.reply(text, main_menu(turn))


async def faq(turn: Turn, entry_id: int) -> bool:
    return await _settle(turn, await faq_answer(turn, viewer(turn.partner), entry_id))


async def event(turn: Turn, event_id: int) -> bool:
    """What an event is about, with a button to its card; an event with nothing more to say
    than its card gets the card itself, with the partner's RSVP."""
    seen_by = viewer(turn.partner)
    found = await visible_event(turn, seen_by, event_id)
    if found is None:
        return False
    if found.description:
        await turn.settle(*event_answer(turn, seen_by, found))
    else:
        await events.show_card(turn, found)
    return True


async def programme(turn: Turn, programme_id: int, part: str) -> bool:
    answer = await programme_answer(turn, viewer(turn.partner), programme_id, part)
    return await _settle(turn, answer)


async def _events(turn: Turn, reading: Reading | None) -> None:
    answer = await events_answer(turn, viewer(turn.partner), reading)
    if answer is None:
        await events.next_event(turn)
    else:
        await turn.settle(*answer)


async def _settle(turn: Turn, answer: Answer | None) -> bool:
    if answer is not None:
        await turn.settle(*answer)
    return answer is not None


# What answers each kind of target, in turn.t, for whoever `seen_by` is: a partner in private
# or a linked group. None when the target is gone since the index was built or not theirs.
def _buttons(seen_by: Viewer, keyboard: Keyboard) -> Keyboard | None:
    """Buttons for a partner in private only: in a group anyone could press them, and what they
    open (a card with the presser's RSVP, their menu) is personal."""
    return None if seen_by.in_group else keyboard


async def events_answer(turn: Turn, seen_by: Viewer, reading: Reading | None) -> Answer | None:
    """The events in the window and places asked about; if none, says so and gives the next.
    None when the question named neither: the next event, in full, answers it."""
    window = reading.window if reading else None
    named = reading.named if reading else None
    if window is None and not (named and named.landscapes):
        return None
    t, now = turn.t, turn.services.clock()
    upcoming = await turn.uow.events.upcoming(seen_by, now=now, limit=500)
    places = [e for e in upcoming if named is None or _in_places(e, named.landscapes)]
    start, end = (window.start, window.end) if window else (now.astimezone(t.zone).date(), None)
    found = [e for e in places if _in_window(turn, e, start, end)]
    if found:
        lines = [_span(turn, start, end, found=True)] + [
            event_line(t, e, now) for e in found[:LISTED]
        ]
        keyboard = [[turn.button(t.gettext("Upcoming events"), "ev.list", 0)]]
        return "\n\n".join(lines), _buttons(seen_by, keyboard)
    text = _span(turn, start, end, found=False)
    if not places:
        return text, _buttons(seen_by, main_menu(turn))
    text += "\n\n" + t.gettext("The next one:") + "\n\n" + event_line(t, places[0], now)
    return text, _buttons(seen_by, [[_when_and_where(turn, places[0])]])


async def faq_answer(turn: Turn, seen_by: Viewer, entry_id: int) -> Answer | None:
    entry = await turn.uow.faq.get(entry_id)
    if entry is None:
        return None
    t, default = turn.t, entry.default_language
    text = f"<b>{show(t, entry.question, default)}</b>\n\n{show(t, entry.answer, default)}"
    return text, _buttons(seen_by, main_menu(turn))


async def visible_event(turn: Turn, seen_by: Viewer, event_id: int) -> Event | None:
    found = await turn.uow.events.get(event_id)
    return found if found is not None and turn.uow.events.visible(found, seen_by) else None


def event_answer(turn: Turn, seen_by: Viewer, found: Event) -> Answer:
    """What an event is about (its card, when nothing is written about it), with a button to
    its card."""
    t, default = turn.t, found.default_language
    if found.description:
        text = f"<b>{show(t, found.title, default)}</b>\n\n{show(t, found.description, default)}"
    else:
        text = event_card(t, found, turn.services.clock())
    return text, _buttons(seen_by, [[_when_and_where(turn, found)]])


def _when_and_where(turn: Turn, found: Event) -> InlineKeyboardButton:
    return turn.button(turn.t.gettext("🗓 When and where"), "ev", found.id)


async def programme_answer(
    turn: Turn, seen_by: Viewer, programme_id: int, part: str
) -> Answer | None:
    """The part of a programme that answers (its status, a figure, its countries...), with a
    button to the whole programme card."""
    found = await turn.uow.programmes.get(programme_id)
    if found is None:
        return None
    keyboard = [[turn.button(turn.t.gettext("More about this programme"), "prg", found.id)]]
    return _programme_passage(turn.t, found, part), _buttons(seen_by, keyboard)


def _programme_passage(t: Translator, found: Programme, part: str) -> str:
    """A programme's name over the part of it a question was about."""
    default = found.default_language
    lines = [f"<b>{escape(programme_name(t, found))}</b>"]
    figure = next((f for f in found.figures if f"figure:{f.position}" == part), None)
    if figure is not None:
        lines.append(figure_line(t, figure, default))
    elif part == "countries" and found.countries:
        countries = ", ".join(t.country_name(code) for code in found.countries)
        lines.append(t.gettext("Countries: {countries}", countries=countries))
    elif part == "funder" and found.funder:
        lines.append(t.gettext("Funded by {funder}", funder=show(t, found.funder, default)))
    elif part in ("status", "phase") and found.status:
        heading = t.gettext("Where we are")
        if found.status_as_of:
            heading = t.gettext("Where we are (as of {date})", date=t.date(found.status_as_of))
        lines += [f"<i>{heading}</i>", show(t, found.status, default)]
    else:
        lines.append(show(t, found.summary, default))
    return "\n".join(lines)


def _in_places(event: Event, landscapes: frozenset[int]) -> bool:
    """For one of the named landscapes (or for everyone there), when any are named."""
    if not landscapes or not event.landscapes:
        return True
    return any(landscape.id in landscapes for landscape in event.landscapes)


def _in_window(turn: Turn, event: Event, start: date, end: date | None) -> bool:
    first = event.starts_at.astimezone(turn.t.zone).date()
    last = event.ends_at.astimezone(turn.t.zone).date()
    return last >= start and (end is None or first < end)


# How a span reads: (a heading over its events, when there are none) for any time ahead, one
# day, or several days.
_ANY_TIME = (N_("<b>Upcoming events</b>"), N_("There are no upcoming events there."))
_ONE_DAY = (N_("<b>Events on {date}</b>"), N_("There are no events on {date}."))
_DAYS = (
    N_("<b>Events from {start} to {end}</b>"),
    N_("There are no events from {start} to {end}."),
)


def _span(turn: Turn, start: date, end: date | None, *, found: bool) -> str:
    t, which = turn.t, 0 if found else 1
    if end is None:
        return t.gettext(_ANY_TIME[which])
    if end - start == timedelta(days=1):
        return t.gettext(_ONE_DAY[which], date=t.date(start, "full"))
    last = t.date(end - timedelta(days=1), "medium")
    return t.gettext(_DAYS[which], start=t.date(start, "medium"), end=last)
