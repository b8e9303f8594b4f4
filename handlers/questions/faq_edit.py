"""Editing one FAQ entry: its question, answer or trigger phrases, one language at a time, then
back to the entry. The flow's state (entry, field, language) lives in the conversation."""

from __future__ import annotations

from bot.access import Level
from bot.callbacks import InvalidCallback
from bot.i18n import escape
from bot.routing import Button, Route, Step
from bot.turn import Turn
from handlers.questions.faq_views import (
    ANSWER_MAX,
    FIELDS,
    FLOW,
    QUESTION_MAX,
    editable_entry,
    entry_screen,
)
from handlers.shared.localized_input import language_in, language_picker, read_phrases, read_text
from storage.models import FaqEntry


async def on_field(turn: Turn) -> None:
    """Which language of the question, answer or phrases to write: ticked where one exists."""
    entry = await editable_entry(turn, turn.arg_int(0))
    field = turn.arg(1)
    if field not in FIELDS:
        raise InvalidCallback(field)
    await turn.uow.conversations.begin(
        turn.user.id, FLOW, "language", {"entry": entry.id, "field": field}
    )
    texts = getattr(entry, field)
    keyboard = [
        *language_picker(turn, "fq.lang", lambda code: bool(texts.get(code))),
        [turn.button(turn.t.gettext("« Back"), "fq.open", entry.id)],
    ]
    await turn.settle(turn.t.gettext("In which language do you want to write it?"), keyboard)


async def on_language(turn: Turn) -> None:
    code = turn.arg()
    if code not in turn.services.catalogs.languages or turn.conversation is None:
        raise InvalidCallback(code)
    entry = await editable_entry(turn, int(turn.conversation.data["entry"]))
    field = str(turn.conversation.data["field"])
    await turn.uow.conversations.move(turn.conversation, "text", language=code)
    t, name = turn.t, language_in(turn.t, code)
    current: list[str] = []
    if field == "question":
        prompt = t.gettext("Send the question in {language}.", language=name)
        current = [entry.question[code]] if entry.question.get(code) else []
    elif field == "answer":
        prompt = t.gettext("Send the answer in {language}.", language=name)
        current = [entry.answer[code]] if entry.answer.get(code) else []
    else:
        prompt = t.gettext(
            "Send the trigger phrases in {language}: one per line, or separated by commas. They "
            "replace the ones there are now.",
            language=name,
        )
        current = [f"• {phrase}" for phrase in entry.triggers.get(code, [])]
    lines = [prompt]
    if current:
        lines += ["", t.gettext("Now:"), *(escape(line) for line in current)]
    await turn.settle("\n".join(lines), [[turn.button(t.gettext("« Back"), "fq.open", entry.id)]])


async def on_text(turn: Turn) -> None:
    assert turn.conversation is not None
    data, t = turn.conversation.data, turn.t
    field, language = str(data["field"]), str(data["language"])
    value: str | list[str] | None
    if field == "triggers":
        value, hint = read_phrases(t, turn.text)
    else:
        value, hint = read_text(t, turn.text, QUESTION_MAX if field == "question" else ANSWER_MAX)
    if value is None:
        await turn.reply(hint or "")  # the step stays open: the coordinator sends it again
        return
    entry = await _entry(turn, int(data["entry"]))
    if entry is None:
        return
    # A new dict, so the JSON column sees the change (and the answer index its new revision).
    setattr(entry, field, {**getattr(entry, field), language: value})
    await turn.uow.audit.record(
        "faq.edited",
        actor=turn.partner,
        telegram_id=turn.user.id,
        entry=entry.id,
        field=field,
        language=language,
    )
    await turn.uow.conversations.end(turn.user.id)
    await turn.reply(t.gettext("Saved."))
    await turn.reply(*entry_screen(turn, entry))


async def _entry(turn: Turn, entry_id: int) -> FaqEntry | None:
    """The entry being edited, or None after telling the user it can no longer be saved."""
    try:
        return await editable_entry(turn, entry_id)
    except InvalidCallback:
        await turn.uow.conversations.end(turn.user.id)
        await turn.reply(turn.t.gettext("You can no longer update this. Nothing was saved."))
        return None


ROUTES: tuple[Route, ...] = (
    Button("fq.field", on_field, Level.COORDINATOR),
    Button("fq.lang", on_language, Level.COORDINATOR, (FLOW, "language")),
    Step(FLOW, "text", on_text, Level.COORDINATOR),
)
