"""/cancelevent: a coordinator takes an event of a programme they manage off the calendar,
after confirming. The event is kept, marked cancelled, so calendar files can say so; its
reminders are withdrawn and everyone already reminded (or who said they would come) is told."""

from __future__ import annotations

from bot.access import Level
from bot.callbacks import InvalidCallback
from bot.i18n import N_
from bot.reminders import on_cancel
from bot.routing import Button, Command, Route
from bot.turn import Turn
from handlers.events import steps
from handlers.shared.cards import event_title
from storage.models import Event

FLOW = "cancelevent"


async def cancel_event(turn: Turn) -> None:
    """/cancelevent [number]: pick an event, then confirm."""
    if not turn.args:
        await _picker(turn, 0)
        return
    event = await steps.event_from_args(turn, "cancelevent")
    if event is not None:
        await _confirm(turn, event)


async def on_cancel_page(turn: Turn) -> None:
    await _picker(turn, max(0, turn.arg_int()))


async def on_cancel_pick(turn: Turn) -> None:
    event = await steps.manageable(turn, turn.arg_int())
    if event is None:
        raise InvalidCallback("event not manageable")
    await _confirm(turn, event)


async def _picker(turn: Turn, offset: int) -> None:
    t = turn.t
    question = t.gettext("Which event do you want to cancel?")
    none = t.gettext("There are no upcoming events you can cancel.")
    await steps.show_picker(turn, question, none, "ce", offset)


async def _confirm(turn: Turn, event: Event) -> None:
    t = turn.t
    if event.cancelled_at is not None:
        await turn.settle(_already_cancelled(turn, event))
        return
    await turn.uow.conversations.begin(turn.user.id, FLOW, "confirm", {"event": event.id})
    question = t.gettext(
        "Cancel {title} on {when}? Partners will no longer see it.",
        title=event_title(t, event),
        when=t.when(event.starts_at),
    )
    keyboard = [
        [turn.button(t.gettext("Yes, cancel it"), "ce.yes")],
        [turn.button(t.gettext("No, keep it"), "ce.no")],
    ]
    await turn.settle(question, keyboard)


async def on_cancel_yes(turn: Turn) -> None:
    event = await steps.flow_event(turn)
    if event is None:
        return
    await turn.uow.conversations.end(turn.user.id)
    if event.cancelled_at is not None:  # someone else was quicker
        await turn.settle(_already_cancelled(turn, event))
        return
    event.cancelled_at = now = turn.services.clock()
    await turn.uow.events.flush()
    await on_cancel(turn.uow, event, now)
    await turn.uow.audit.record(
        "event.cancelled", actor=turn.partner, telegram_id=turn.user.id, event=event.id
    )
    await turn.settle(turn.t.gettext("Cancelled."))


async def on_cancel_no(turn: Turn) -> None:
    await turn.uow.conversations.end(turn.user.id)
    await turn.settle(turn.t.gettext("The event stays on the calendar."))


def _already_cancelled(turn: Turn, event: Event) -> str:
    return turn.t.gettext(
        "{title} is already cancelled. Nothing was changed.", title=event_title(turn.t, event)
    )


COORDINATOR = Level.COORDINATOR
ROUTES: tuple[Route, ...] = (
    Command("cancelevent", cancel_event, COORDINATOR, N_("Cancel an event in the calendar")),
    Button("ce.page", on_cancel_page, COORDINATOR),
    Button("ce.pick", on_cancel_pick, COORDINATOR),
    Button("ce.yes", on_cancel_yes, COORDINATOR, (FLOW, "confirm")),
    Button("ce.no", on_cancel_no, COORDINATOR, (FLOW, "confirm")),
)
