"""Questions in a partner's own words: understood ones are answered straight away with buttons to
go further, uncertain ones get the best two or three guesses as buttons, and the rest are kept
for coordinators (/unanswered) while the partner hears what the bot can do."""

from __future__ import annotations

from telegram import InlineKeyboardButton

from bot.access import Level, level_of, viewer
from bot.callbacks import InvalidCallback
from bot.i18n import N_
from bot.intents import BUILTIN_INTENTS, SMALL_TALK
from bot.localized import plain
from bot.routing import Button, Command, Route
from bot.turn import Turn
from bot.understanding import EVENT, FAQ, PROGRAMME, Reading
from handlers.menu import main_menu
from handlers.questions import answers as ask_answers
from handlers.questions import coordinators
from handlers.shared.cards import event_title, programme_name

_GUESS_LABELS = {
    "events": N_("When is the next meeting?"),
    "status": N_("Where does the programme stand?"),
    "help": N_("What can you do?"),
    "contact": N_("How do I reach my coordinator?"),
}
LABEL_LENGTH = 60  # characters of a guess's button


async def free_text(turn: Turn) -> None:
    """Text outside any flow."""
    if level_of(turn.partner) == Level.GUEST:
        await turn.reply(turn.t.gettext("Hello! Send /start to join the partnership."))
        return
    seen_by = viewer(turn.partner)
    reading = await turn.services.understanding.read(
        turn.uow,
        turn.text,
        turn.t.language,
        turn.services.clock().astimezone(turn.t.zone).date(),
        lambda event: turn.uow.events.visible(event, seen_by),
    )
    verdict = reading.verdict
    if verdict.kind == "answer" and await _answer(turn, verdict.targets[0], reading):
        return
    guesses = [
        [button]
        for target in verdict.targets
        if target not in SMALL_TALK and (button := await _guess_button(turn, target))
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


async def _guess_button(turn: Turn, target: str) -> InlineKeyboardButton | None:
    kind, _, number = target.partition(":")
    if target in BUILTIN_INTENTS:
        return turn.button(turn.t.gettext(_GUESS_LABELS[target]), "ask.pick", target)
    if not number.isdecimal():
        return None
    if kind + ":" == FAQ:
        entry = await turn.uow.faq.get(int(number))
        label = plain(turn.t, entry.question, entry.default_language) if entry else None
        return turn.button(label[:LABEL_LENGTH], "ask.faq", number) if label else None
    if kind + ":" == EVENT:
        event = await turn.uow.events.get(int(number))
        return (
            turn.button(event_title(turn.t, event)[:LABEL_LENGTH], "ev", number) if event else None
        )
    programme = await turn.uow.programmes.get(int(number))
    if programme is None:
        return None
    return turn.button(programme_name(turn.t, programme)[:LABEL_LENGTH], "prg", number)


async def on_pick(turn: Turn) -> None:
    """A guessed built-in intent chosen from the buttons."""
    if turn.arg() not in BUILTIN_INTENTS:
        raise InvalidCallback("intent")
    await _answer(turn, turn.arg(), None)


async def on_faq(turn: Turn) -> None:
    """A guessed FAQ entry chosen from the buttons."""
    if not await ask_answers.faq(turn, turn.arg_int()):
        raise InvalidCallback("faq entry")


async def _answer(turn: Turn, target: str, reading: Reading | None) -> bool:
    """Answer `target`; False if it cannot be (removed since the index was built)."""
    kind, _, number = target.partition(":")
    if target in BUILTIN_INTENTS:
        await ask_answers.builtin(turn, target, reading)
        return True
    if target in SMALL_TALK:
        await ask_answers.small_talk(turn, target)
        return True
    if not number.isdecimal():
        return False
    if kind + ":" == FAQ:
        return await ask_answers.faq(turn, int(number))
    if kind + ":" == EVENT:
        return await ask_answers.event(turn, int(number))
    if kind + ":" == PROGRAMME:
        part = reading.verdict.part if reading else ""
        return await ask_answers.programme(turn, int(number), part)
    return False


ROUTES: tuple[Route, ...] = (
    Command("contact", coordinators.contact, Level.PARTNER, N_("Write to your coordinator")),
    Button("ask.pick", on_pick, Level.PARTNER),
    Button("ask.faq", on_faq, Level.PARTNER),
)
