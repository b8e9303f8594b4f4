"""/forget: erase a partner's personal data after confirmation; anonymous aggregates stay."""

from __future__ import annotations

from bot.access import Level
from bot.i18n import N_
from bot.menus import refresh_after_commit
from bot.routing import Button, Command, Route
from bot.turn import Turn

FLOW = "forget"


async def forget(turn: Turn) -> None:
    """/forget: ask before erasing anything."""
    await turn.uow.conversations.begin(turn.user.id, FLOW, "confirm")
    t = turn.t
    await turn.reply(
        t.gettext(
            "This deletes your name, organisation and contact with this bot, the questions "
            "you asked, your written answers, photos and locations, and comments on your "
            "check-ins. Numbers and choices you reported stay in anonymous totals. "
            "Delete your data?"
        ),
        [
            [turn.button(t.gettext("Yes, delete my data"), "pv.forget", "yes")],
            [turn.button(t.gettext("No, keep it"), "pv.forget", "no")],
        ],
    )


async def on_confirm(turn: Turn) -> None:
    partner = turn.partner
    assert partner is not None
    await turn.uow.conversations.end(turn.user.id)
    if turn.arg() != "yes":
        await turn.settle(turn.t.gettext("Nothing was deleted."))
        return
    await turn.uow.audit.record("partner.forgotten", actor=partner, telegram_id=None)
    await turn.uow.erasure.forget(partner, turn.update.update_id, turn.services.clock())
    refresh_after_commit(turn)
    await turn.settle(
        turn.t.gettext("Your personal data has been deleted. Goodbye, and thank you for your work.")
    )


ROUTES: tuple[Route, ...] = (
    Command("forget", forget, Level.PARTNER, N_("Delete your personal data")),
    Button("pv.forget", on_confirm, Level.PARTNER, (FLOW, "confirm")),
)
