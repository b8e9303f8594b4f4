"""Adding an FAQ entry: for which programme (skipped when there is one choice), the question, the
answer, then trigger phrases or "Skip". Started from /faq, or from /unanswered with the partner's
question already filled in; saving then marks that question, and every identical one, answered."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.access import Level, level_of, manages
from bot.callbacks import InvalidCallback
from bot.i18n import escape
from bot.routing import Button, Route, Step
from bot.turn import Turn
from handlers.questions.faq_views import (
    ANSWER_MAX,
    FLOW,
    QUESTION_MAX,
    entry_screen,
)
from handlers.shared.cards import programme_name
from handlers.shared.flow import manageable_programmes
from handlers.shared.localized_input import (
    PHRASE_MAX,
    PHRASE_MIN,
    PHRASES_MAX,
    language_in,
    read_phrases,
    read_text,
    too_many_phrases,
)
from storage.models import FaqEntry, Question

TRIGGERS_FROM_QUESTIONS = 5  # wordings of a group of questions kept as trigger phrases

EVERY_PROGRAMME = 0  # the button argument for partnership-wide entries (admins only)


async def on_add(turn: Turn) -> None:
    await start(turn, {"language": turn.t.language})


async def start_from_question(turn: Turn, question: Question, alike: Sequence[Question]) -> None:
    """Answer a partner's question, and those `alike` it: it becomes the entry's question (when
    short enough), and the wordings in its language become trigger phrases."""
    asked = [question.id, *(other.id for other in alike)]
    data: dict[str, Any] = {"language": question.language, "asked": asked}
    text = " ".join(question.text.split())
    if len(text) <= QUESTION_MAX:
        data["question"] = text
    else:
        data["original"] = text  # shown while the coordinator writes a shorter question
    wordings = [
        " ".join(q.text.split()) for q in (question, *alike) if q.language == question.language
    ]
    triggers = [w for w in dict.fromkeys(wordings) if PHRASE_MIN <= len(w) <= PHRASE_MAX]
    if triggers:
        data["triggers"] = triggers[:TRIGGERS_FROM_QUESTIONS]
    await start(turn, data)


async def start(turn: Turn, data: dict[str, Any]) -> None:
    t = turn.t
    choices: list[tuple[str, int]] = [
        (programme_name(t, p), p.id) for p in await manageable_programmes(turn)
    ]
    if level_of(turn.partner) == Level.ADMIN:
        choices.append((t.gettext("All programmes"), EVERY_PROGRAMME))
    if not choices:
        await turn.settle(t.gettext("There is no programme you can update."))
        return
    if len(choices) == 1:
        data["programme"] = choices[0][1]
    turn.conversation = await turn.uow.conversations.begin(
        turn.user.id, FLOW, "add.programme", data
    )
    if len(choices) == 1:
        await _ask_next(turn)
        return
    keyboard = [[turn.button(label, "fq.prg", value)] for label, value in choices]
    await turn.settle(t.gettext("Which programme is the question about?"), keyboard)


async def on_programme(turn: Turn) -> None:
    value = turn.arg_int()
    programme_id = None if value == EVERY_PROGRAMME else value
    if not manages(turn.partner, programme_id) or turn.conversation is None:
        raise InvalidCallback("programme")
    if programme_id is not None and await turn.uow.programmes.get(programme_id) is None:
        raise InvalidCallback("programme gone")
    await turn.uow.conversations.move(turn.conversation, "add.programme", programme=value)
    await _ask_next(turn)


async def _ask_next(turn: Turn) -> None:
    """Ask for the first thing the new entry still lacks."""
    conversation = turn.conversation
    assert conversation is not None
    data, t = conversation.data, turn.t
    name = language_in(t, str(data["language"]))
    if "question" not in data:
        await turn.uow.conversations.move(conversation, "add.question")
        prompt = t.gettext("Send the question in {language}.", language=name)
        if "original" in data:
            prompt = t.gettext(
                "The partner asked: {question}\n\nThat is too long for a question here. Send a "
                "shorter version of it in {language}.",
                question=data["original"],
                language=name,
            )
        await turn.settle(prompt)
        return
    lines = [t.gettext("Question: {question}", question=data["question"]), ""]
    if "answer" not in data:
        await turn.uow.conversations.move(conversation, "add.answer")
        lines.append(t.gettext("Send the answer in {language}.", language=name))
        await turn.settle("\n".join(lines))
        return
    await turn.uow.conversations.move(conversation, "add.triggers")
    lines.append(
        t.gettext(
            "Which phrases might partners use to ask this? Send them in {language}, one per "
            "line or separated by commas — or press Skip.",
            language=name,
        )
    )
    for phrase in data.get("triggers", []):
        lines.append(f"• {escape(phrase)}")
    await turn.settle("\n".join(lines), [[turn.button(t.gettext("Skip"), "fq.skip")]])


async def on_question(turn: Turn) -> None:
    await _keep_text(turn, "question", QUESTION_MAX)


async def on_answer(turn: Turn) -> None:
    await _keep_text(turn, "answer", ANSWER_MAX)


async def _keep_text(turn: Turn, key: str, limit: int) -> None:
    value, hint = read_text(turn.t, turn.text, limit)
    if value is None:
        await turn.reply(hint or "")  # the step stays open: the coordinator sends it again
        return
    assert turn.conversation is not None
    await turn.uow.conversations.move(turn.conversation, turn.conversation.step, **{key: value})
    await _ask_next(turn)


async def on_triggers(turn: Turn) -> None:
    assert turn.conversation is not None
    phrases, hint = read_phrases(turn.t, turn.text)
    if phrases is not None:
        known = list(turn.conversation.data.get("triggers", []))
        seen = {phrase.casefold() for phrase in known}
        phrases = known + [p for p in phrases if p.casefold() not in seen]
        if len(phrases) > PHRASES_MAX:
            phrases, hint = None, too_many_phrases(turn.t)
    if phrases is None:
        await turn.reply(hint or "")
        return
    await _create(turn, phrases)


async def on_skip(turn: Turn) -> None:
    assert turn.conversation is not None
    await _create(turn, list(turn.conversation.data.get("triggers", [])))


async def _create(turn: Turn, phrases: list[str]) -> None:
    assert turn.conversation is not None
    data, t = turn.conversation.data, turn.t
    value = int(data["programme"])
    programme = None if value == EVERY_PROGRAMME else await turn.uow.programmes.get(value)
    gone = value != EVERY_PROGRAMME and programme is None
    if gone or not manages(turn.partner, programme.id if programme else None):
        await turn.uow.conversations.end(turn.user.id)
        await turn.reply(t.gettext("You can no longer update this. Nothing was saved."))
        return
    language = str(data["language"])
    entry = await turn.uow.faq.add(
        FaqEntry(
            programme=programme,
            question={language: data["question"]},
            answer={language: data["answer"]},
            triggers={language: phrases} if phrases else {},
            created_by=turn.partner.id if turn.partner else None,
        )
    )
    entry.slug = f"faq-{entry.id}"
    # A list of the questions answered (a single id in drafts begun before questions grouped).
    asked = data.get("asked", [])
    asked = [int(asked)] if isinstance(asked, int | str) else [int(i) for i in asked]
    if asked:
        await turn.uow.questions.answer(asked, entry)
    await turn.uow.audit.record(
        "faq.created",
        actor=turn.partner,
        telegram_id=turn.user.id,
        entry=entry.id,
        programme=entry.programme_id,
        question=asked[0] if asked else None,
        **({"alike": asked[1:]} if len(asked) > 1 else {}),
    )
    await turn.uow.conversations.end(turn.user.id)
    await turn.settle(t.gettext("Saved. Partners who ask this now get the answer."))
    await turn.reply(*entry_screen(turn, entry))


ROUTES: tuple[Route, ...] = (
    Button("fq.add", on_add, Level.COORDINATOR),
    Button("fq.prg", on_programme, Level.COORDINATOR, (FLOW, "add.programme")),
    Step(FLOW, "add.question", on_question, Level.COORDINATOR),
    Step(FLOW, "add.answer", on_answer, Level.COORDINATOR),
    Step(FLOW, "add.triggers", on_triggers, Level.COORDINATOR),
    Button("fq.skip", on_skip, Level.COORDINATOR, (FLOW, "add.triggers")),
)
