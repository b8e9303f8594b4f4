"""A question sent in a linked group as a reply to the bot (privacy mode delivers those, and
nothing else said there): read by the same Understanding as in private, in the group's language
and about what the group may see (its programme, its landscapes, no event meant for one kind of
partner), and answered in the group, quoting the question.

Nothing personal is done in the group. A question nobody can answer yet is kept for the
coordinators only when a registered partner asked it — the same as from their private chat,
under the privacy terms they accepted; a stranger's words are not stored with their identity,
they are told where to ask instead."""

from __future__ import annotations

from bot.access import Level, level_of
from bot.i18n import Translator
from bot.intents import SMALL_TALK
from bot.turn import Turn
from bot.understanding import EVENT, FAQ, PROGRAMME, Reading
from handlers.groups.commands import linked_group, next_card, to_private
from handlers.questions import answers
from handlers.questions.answers import Answer
from handlers.shared.cards import status_card
from storage.events import Viewer
from storage.models import Programme


async def question(turn: Turn) -> None:
    found = await linked_group(turn)
    if found is None:
        return
    t, seen_by, programme = found
    reading = await turn.services.understanding.read(
        turn.uow,
        turn.text,
        t.language,
        turn.services.clock().astimezone(t.zone).date(),
        lambda event: turn.uow.events.visible(event, seen_by),
    )
    answer = None
    if reading.verdict.kind == "answer":
        answer = await _answer(turn, t, seen_by, programme, reading)
    text, keyboard = answer or await _not_answered(turn, t)
    await turn.reply(text, keyboard, quote=True)


async def _answer(
    turn: Turn, t: Translator, seen_by: Viewer, programme: Programme, reading: Reading
) -> Answer | None:
    """What the group is told about the understood target, rendered as in private but for
    what the group may see; None if it cannot be answered here (gone since the index was built,
    or not for this group)."""
    target = reading.verdict.targets[0]
    kind, _, number = target.partition(":")
    if target == "events":
        narrowed = await answers.events_answer(turn, seen_by, reading)
        return narrowed or (await next_card(turn, t, seen_by), None)
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
        return await answers.faq_answer(turn, seen_by, int(number))
    if kind + ":" == EVENT:
        found = await answers.visible_event(turn, seen_by, int(number))
        return answers.event_answer(turn, seen_by, found) if found else None
    if kind + ":" == PROGRAMME:
        part = reading.verdict.part
        return await answers.programme_answer(turn, seen_by, int(number), part)
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
