"""Questions in a partner's own words: recognised ones are answered straight away with buttons to
go further, uncertain ones get the best two or three guesses as buttons, and the rest are kept
for coordinators (/unanswered) while the partner hears what the bot can do."""

from __future__ import annotations

from telegram import InlineKeyboardButton

from bot.access import Level, level_of
from bot.answers import FAQ_INTENT
from bot.callbacks import InvalidCallback
from bot.i18n import N_, Html, escape
from bot.intents import BUILTIN_INTENTS
from bot.localized import plain, show
from bot.routing import Button, Command, Route
from bot.turn import Turn
from handlers import events, help, programmes
from handlers.cards import escape_attr
from handlers.menu import main_menu

_GUESS_LABELS = {
    "events": N_("When is the next meeting?"),
    "status": N_("Where does the programme stand?"),
    "help": N_("What can you do?"),
    "contact": N_("How do I reach my coordinator?"),
}


async def free_text(turn: Turn) -> None:
    """Text outside any flow."""
    if level_of(turn.partner) == Level.GUEST:
        await turn.reply(turn.t.gettext("Hello! Send /start to join the partnership."))
        return
    matcher = await turn.services.answers.matcher(turn.uow)
    verdict = matcher.match(turn.text, turn.t.language)
    if verdict.kind == "answer" and await _answer(turn, verdict.intents[0]):
        return
    guesses = [
        [_guess_button(turn, intent, label)]
        for intent in verdict.intents
        if (label := await _label(turn, intent))
    ]
    if verdict.kind == "guess" and guesses:
        await turn.reply(turn.t.gettext("Did you mean one of these?"), guesses)
        return
    await turn.uow.questions.record(turn.partner, turn.t.language, turn.text)
    await turn.reply(
        turn.t.gettext(
            "I don't have an answer to that yet, so I have passed your question on to the "
            "coordinators. Meanwhile, here is what I can do:"
        ),
        main_menu(turn),
    )


def _guess_button(turn: Turn, intent: str, label: str) -> InlineKeyboardButton:
    if intent.startswith(FAQ_INTENT):
        return turn.button(label, "ask.faq", intent.removeprefix(FAQ_INTENT))
    return turn.button(label, "ask.pick", intent)


async def on_pick(turn: Turn) -> None:
    """A guessed built-in intent chosen from the buttons."""
    if turn.arg() not in BUILTIN_INTENTS:
        raise InvalidCallback("intent")
    await _answer(turn, turn.arg())


async def on_faq(turn: Turn) -> None:
    """A guessed FAQ entry chosen from the buttons."""
    if not await _faq(turn, f"{FAQ_INTENT}{turn.arg_int()}"):
        raise InvalidCallback("faq entry")


async def _answer(turn: Turn, intent: str) -> bool:
    match intent:
        case "events":
            await events.next_event(turn)
        case "status":
            turn.args = []
            await programmes.status(turn)
        case "help":
            await help.show_help(turn)
        case "contact":
            await contact(turn)
        case _:
            return await _faq(turn, intent)
    return True


async def _faq(turn: Turn, intent: str) -> bool:
    number = intent.removeprefix(FAQ_INTENT)
    if not intent.startswith(FAQ_INTENT) or not number.isdecimal():
        return False
    entry = await turn.uow.faq.get(int(number))
    if entry is None:  # removed since the matcher was built
        return False
    question = show(turn.t, entry.question, entry.default_language)
    answer = show(turn.t, entry.answer, entry.default_language)
    await turn.settle(f"<b>{question}</b>\n\n{answer}", main_menu(turn))
    return True


async def _label(turn: Turn, intent: str) -> str | None:
    if intent in BUILTIN_INTENTS:
        return turn.t.gettext(_GUESS_LABELS[intent])
    number = intent.removeprefix(FAQ_INTENT)
    entry = await turn.uow.faq.get(int(number)) if number.isdecimal() else None
    return plain(turn.t, entry.question, entry.default_language)[:60] if entry else None


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


ROUTES: tuple[Route, ...] = (
    Command("contact", contact, Level.PARTNER, N_("Write to your coordinator")),
    Button("ask.pick", on_pick, Level.PARTNER),
    Button("ask.faq", on_faq, Level.PARTNER),
)
