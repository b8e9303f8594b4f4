"""Answers to understood questions: the built-in ones narrowed to the time and places asked
about, a friendly word for small talk, an FAQ entry, and the passage of an event or programme
that answers, with a button to its whole card."""

from __future__ import annotations

from datetime import date, timedelta

from bot.access import viewer
from bot.i18n import N_, Html, Translator, escape
from bot.localized import show
from bot.turn import Turn
from bot.understanding import Reading
from handlers import help
from handlers.events import events
from handlers.menu import main_menu
from handlers.programmes import programmes
from handlers.shared.cards import escape_attr, event_line, figure_line, programme_name
from storage.models import Event, Programme

LISTED = 5  # events shown for a window; more are one tap away in /events


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
        await contact(turn)


async def small_talk(turn: Turn, intent: str) -> None:
    t = turn.t
    if intent == "thanks":
        text = t.gettext("You're welcome! Ask me anything else, or choose below.")
    else:
        name = turn.partner.name if turn.partner and turn.partner.name else turn.user.first_name
        text = t.gettext("Hello, {name}! Ask me anything, or choose below.", name=name)
    await turn.reply(text, main_menu(turn))


async def faq(turn: Turn, entry_id: int) -> bool:
    entry = await turn.uow.faq.get(entry_id)
    if entry is None:  # removed since the index was built
        return False
    question = show(turn.t, entry.question, entry.default_language)
    answer = show(turn.t, entry.answer, entry.default_language)
    await turn.settle(f"<b>{question}</b>\n\n{answer}", main_menu(turn))
    return True


async def event(turn: Turn, event_id: int) -> bool:
    """What an event is about, with a button to its card (time, place, RSVP)."""
    found = await turn.uow.events.get(event_id)
    if found is None or not turn.uow.events.visible(found, viewer(turn.partner)):
        return False
    if not found.description:
        await events.show_card(turn, found)
        return True
    t, default = turn.t, found.default_language
    text = f"<b>{show(t, found.title, default)}</b>\n\n{show(t, found.description, default)}"
    keyboard = [[turn.button(t.gettext("🗓 When and where"), "ev", found.id)]]
    await turn.settle(text, keyboard)
    return True


async def programme(turn: Turn, programme_id: int, part: str) -> bool:
    """The part of a programme that answers (its status, a figure, its countries...), with a
    button to the whole programme card."""
    found = await turn.uow.programmes.get(programme_id)
    if found is None:
        return False
    t = turn.t
    keyboard = [[turn.button(t.gettext("More about this programme"), "prg", found.id)]]
    await turn.settle(programme_passage(t, found, part), keyboard)
    return True


def programme_passage(t: Translator, found: Programme, part: str) -> str:
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


async def _events(turn: Turn, reading: Reading | None) -> None:
    """The events in the window and places asked about; if none, says so and gives the next."""
    window = reading.window if reading else None
    named = reading.named if reading else None
    if window is None and not (named and named.landscapes):
        await events.next_event(turn)
        return
    t, now = turn.t, turn.services.clock()
    upcoming = await turn.uow.events.upcoming(viewer(turn.partner), now=now, limit=500)
    places = [e for e in upcoming if named is None or _in_places(e, named.landscapes)]
    start, end = (window.start, window.end) if window else (now.astimezone(t.zone).date(), None)
    found = [e for e in places if _in_window(turn, e, start, end)]
    if found:
        lines = [_span(turn, start, end, found=True)] + [
            event_line(t, e, now) for e in found[:LISTED]
        ]
        keyboard = [[turn.button(t.gettext("Upcoming events"), "ev.list", 0)]]
        await turn.settle("\n\n".join(lines), keyboard)
        return
    text = _span(turn, start, end, found=False)
    if not places:
        await turn.settle(text, main_menu(turn))
        return
    text += "\n\n" + t.gettext("The next one:") + "\n\n" + event_line(t, places[0], now)
    await turn.settle(text, [[turn.button(t.gettext("🗓 When and where"), "ev", places[0].id)]])


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
_ANY_TIME = (N_("<b>Upcoming events</b>"), N_("There are no upcoming events for you there."))
_ONE_DAY = (N_("<b>Events on {date}</b>"), N_("There are no events for you on {date}."))
_DAYS = (
    N_("<b>Events from {start} to {end}</b>"),
    N_("There are no events for you from {start} to {end}."),
)


def _span(turn: Turn, start: date, end: date | None, *, found: bool) -> str:
    t, which = turn.t, 0 if found else 1
    if end is None:
        return t.gettext(_ANY_TIME[which])
    if end - start == timedelta(days=1):
        return t.gettext(_ONE_DAY[which], date=t.date(start, "full"))
    last = t.date(end - timedelta(days=1), "medium")
    return t.gettext(_DAYS[which], start=t.date(start, "medium"), end=last)


async def contact(turn: Turn) -> None:
    """Who coordinates the partner's landscapes, with a link to write to them."""
    partner = turn.partner
    landscapes = {landscape.id for landscape in partner.landscapes} if partner else set()
    coordinators = [
        c
        for c in await turn.uow.partners.coordinators_of(landscapes)
        if c.telegram_id != turn.user.id
    ]
    t = turn.t
    if not coordinators:
        await turn.settle(
            t.gettext(
                "No coordinator is registered for your landscapes yet. Please ask an admin to "
                "name one."
            ),
            main_menu(turn),
        )
        return
    lines = [t.gettext("Your coordinators — tap a name to write to them:")]
    for person in coordinators:
        link = Html(f'<a href="tg://user?id={person.telegram_id}">{escape(person.name or "?")}</a>')
        line = f"• {link}"
        if person.organisation:
            line += f" · {escape(person.organisation)}"
        if person.username:
            line += f" · @{escape_attr(person.username)}"
        lines.append(line)
    await turn.settle("\n".join(lines), main_menu(turn))
