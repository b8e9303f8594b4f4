"""The check-in summary's buttons: change one answer, send, or discard. Sending stores one
check-in for the period of the day it is sent (a repeat replaces it); the buttons belong to the
summary step, so a second tap on Send, after the first ended the flow, is stale."""

from __future__ import annotations

from bot.access import Level
from bot.callbacks import InvalidCallback
from bot.checkins.draft import answer_values, step_name
from bot.routing import Button, Route
from bot.turn import Turn
from handlers.checkins import flow
from handlers.checkins.cards import period_label


async def on_edit(turn: Turn) -> None:
    """✏️ n: ask question n again; once answered, back to the summary."""
    check = await flow.load(turn)
    if check is None:
        return
    index = turn.arg_int()
    if not 0 <= index < len(check.questions):
        raise InvalidCallback(f"question {index}")
    await turn.settle(await flow.summary_text(turn, check, closing=""))
    check.draft.editing = True
    check.draft.part = 0
    await flow.save(turn, check, step_name(index))
    await flow.ask(turn, check, index, 0)


async def on_change(turn: Turn) -> None:
    """The ✏️ question numbers in place of Send, to change an answer."""
    check = await flow.load(turn)
    if check is not None:
        await turn.show_buttons(flow.edit_keyboard(turn, check))


async def on_back(turn: Turn) -> None:
    await turn.show_buttons(flow.summary_keyboard(turn))


async def on_send(turn: Turn) -> None:
    check = await flow.load(turn)
    if check is None:
        return
    if check.draft.missing(check.questions):
        raise InvalidCallback("required answers missing")  # the flow asks every one of them
    partner = turn.partner
    assert partner is not None  # Level.PARTNER
    t = turn.t
    current = flow.period(turn, check.template)
    checkin, replaced = await turn.uow.checkins.submit(
        partner_id=partner.id,
        programme_id=check.programme.id,
        landscape_id=check.landscape.id if check.landscape else None,
        period_start=current.start,
        answers=answer_values(check.questions, check.draft.answers),
        at=turn.services.clock(),
    )
    await turn.uow.conversations.end(turn.user.id)
    await turn.uow.audit.record(
        "checkin.submitted",
        actor=partner,
        telegram_id=turn.user.id,
        checkin=checkin.id,
        programme=check.programme.id,
        period=current.start.isoformat(),
        replaced=replaced,
    )
    when = period_label(t, check.template.cadence, current.start)
    closing = t.gettext("✅ Sent. Thank you! Your check-in for {period} is saved.", period=when)
    if replaced:
        closing += " " + t.gettext("It replaces the one you sent before.")
    closing += "\n" + t.gettext("Send /mycheckins to see your check-ins.")
    # The answers stay above without their buttons; the thanks come as a message of their own,
    # so the two together need not fit one screen.
    await turn.settle(await flow.summary_text(turn, check, closing=""))
    await turn.reply(closing)


async def on_discard(turn: Turn) -> None:
    await turn.uow.conversations.end(turn.user.id)
    await turn.settle(turn.t.gettext("Discarded. Nothing was sent."))


SUMMARY = (flow.FLOW, flow.REVIEW)
ROUTES: tuple[Route, ...] = (
    Button("ci.change", on_change, Level.PARTNER, SUMMARY),
    Button("ci.back", on_back, Level.PARTNER, SUMMARY),
    Button("ci.edit", on_edit, Level.PARTNER, SUMMARY),
    Button("ci.send", on_send, Level.PARTNER, SUMMARY),
    Button("ci.drop", on_discard, Level.PARTNER, SUMMARY),
)
