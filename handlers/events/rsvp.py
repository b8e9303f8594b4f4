"""The Attend / Maybe / Can't attend buttons under reminders and event cards: the answer is
stored per partner (a later press replaces it) and the pressed message is redrawn with it,
buttons still there to change it. "Can't attend" also stops that event's reminders."""

from __future__ import annotations

from bot.access import Level, viewer
from bot.callbacks import InvalidCallback
from bot.routing import Button, Route
from bot.turn import Turn
from handlers.events.events import show_card
from handlers.events.reminders import ANSWER_CODES, CARD, REMINDED, RETIMED, answer_label, notice
from handlers.shared.cards import event_card


async def on_rsvp(turn: Turn) -> None:
    event_id, answer, view = turn.arg_int(0), ANSWER_CODES.get(turn.arg(1)), turn.arg(2)
    if answer is None or view not in (CARD, REMINDED, RETIMED):
        raise InvalidCallback(f"rsvp {turn.arg(1)} {view}")
    event = await turn.uow.events.get(event_id)
    if event is None:
        raise InvalidCallback(f"event {event_id}")
    t, now = turn.t, turn.services.clock()
    if not turn.uow.events.visible(event, viewer(turn.partner)):
        await turn.answer(t.gettext("This event is not open to you."), alert=True)
        return
    if event.cancelled_at is not None or now >= event.ends_at:
        refusal = (
            t.gettext("This event was cancelled.")
            if event.cancelled_at is not None
            else t.gettext("This event is over.")
        )
        await turn.answer(refusal, alert=True)
        # Redraw without the answer buttons, so they are not pressed again.
        if view == CARD:
            await show_card(turn, event)
        else:
            await turn.settle(event_card(t, event, now))
        return
    assert turn.partner is not None  # Level.PARTNER
    await turn.uow.rsvps.answer(event.id, turn.partner.id, answer, now)
    await turn.answer(t.gettext("Noted: {answer}", answer=answer_label(t, answer)))
    if view == CARD:
        await show_card(turn, event)
        return
    message = notice(turn, t, event, now, answer, view)
    await turn.settle(message.text, message.keyboard)


ROUTES: tuple[Route, ...] = (Button("rsvp", on_rsvp, Level.PARTNER),)
