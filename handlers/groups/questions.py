"""A question sent in a linked group as a reply to the bot (privacy mode delivers those, and
nothing else said there): read by the same Understanding as in private, in the group's language
and about what the group may see (its programme, its landscapes, no event meant for one kind of
partner), and answered in the group, quoting the question.

Nothing personal is done in the group. A question nobody can answer yet is kept for the
coordinators only when a registered partner asked it — the same as from their private chat,
under the privacy terms they accepted; a stranger's words are not stored with their identity,
they are told where to ask instead."""

from __future__ import annotations

from datetime import datetime

from bot.access import Level, level_of
from bot.i18n import Translator
from bot.intents import SMALL_TALK
from bot.localized import show
from bot.replies import Keyboard
from bot.turn import Turn
from bot.understanding import EVENT, FAQ, PROGRAMME, Reading
from handlers.groups.commands import linked_group, to_private
from handlers.questions.answers import programme_passage
from handlers.shared.cards import event_card, status_card
from storage.events import Viewer
from storage.models import Programme

Answer = tuple[str, Keyboard | None]


async def question(turn: Turn) -> None:
    found = await linked_group(turn)
    if found is None:
        return
    t, seen_by, programme = found
    now = turn.services.clock()
    reading = await turn.services.understanding.read(
        turn.uow,
        turn.text,
        t.language,
        now.astimezone(t.zone).date(),
        lambda event: turn.uow.events.visible(event, seen_by),
    )
    answer = None
    if reading.verdict.kind == "answer":
        answer = await _answer(turn, t, seen_by, programme, reading, now)
    text, keyboard = answer or await _not_answered(turn, t)
    await turn.reply(text, keyboard, quote=True)


async def _answer(
    turn: Turn,
    t: Translator,
    seen_by: Viewer,
    programme: Programme,
    reading: Reading,
    now: datetime,
) -> Answer | None:
    """What the group is told about the understood target; None if it cannot be answered here
    (gone since the index was built, or not for this group)."""
    target = reading.verdict.targets[0]
    kind, _, number = target.partition(":")
    if target == "events":
        upcoming = await turn.uow.events.upcoming(seen_by, now=now, limit=1)
        if not upcoming:
            return t.gettext("There are no upcoming events for this group."), None
        return event_card(t, upcoming[0], now), None
    if target == "status":
        return status_card(t, programme), None
    if target == "contact":
        return to_private(turn, t, "contact")
    if target == "thanks":
        return t.gettext("You're welcome!"), None
    if target == "help" or target in SMALL_TALK:
        return _what_i_do_here(t), None
    if not number.isdecimal():
        return None
    if kind + ":" == FAQ:
        entry = await turn.uow.faq.get(int(number))
        if entry is None:
            return None
        question = show(t, entry.question, entry.default_language)
        return f"<b>{question}</b>\n\n{show(t, entry.answer, entry.default_language)}", None
    if kind + ":" == EVENT:
        event = await turn.uow.events.get(int(number))
        if event is None or not turn.uow.events.visible(event, seen_by):
            return None
        return event_card(t, event, now), None
    if kind + ":" == PROGRAMME:
        named = await turn.uow.programmes.get(int(number))
        return (programme_passage(t, named, reading.verdict.part), None) if named else None
    return None


async def _not_answered(turn: Turn, t: Translator) -> Answer:
    if level_of(turn.partner) >= Level.PARTNER:
        await turn.uow.questions.record(turn.partner, t.language, turn.text)
        return (
            t.gettext(
                "I don't have an answer to that yet, so I have passed your question on to the "
                "coordinators."
            ),
            None,
        )
    return _what_i_do_here(t), None


def _what_i_do_here(t: Translator) -> str:
    return t.gettext(
        "Here I answer /next, /events and /status, and questions about this group's meetings "
        "and programme sent as a reply to me. For anything else, write to me in private."
    )
