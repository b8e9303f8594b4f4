"""/contact, and "who do I talk to?": the coordinators of the partner's landscapes, each a tap
away in a private chat."""

from __future__ import annotations

from bot.i18n import Html, escape
from bot.turn import Turn
from handlers.menu import main_menu
from handlers.shared.cards import escape_attr


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
