"""Answering check-in questions: typed text, a photo or a location at a question's step, and
the choice, yes/no, Skip and "keep my answer" buttons. A wrong answer gets a hint and the same
question again; a right one moves the flow on (see `flow.advance`)."""

from __future__ import annotations

from bot.access import Level
from bot.callbacks import InvalidCallback
from bot.checkins.answers import Sent, Value, label, parse, read_location
from bot.checkins.draft import PIN, parts_of, step_name
from bot.content.schema import QUESTIONS
from bot.i18n import escape
from bot.routing import Button, Route, Step
from bot.turn import Turn
from bot.typed import Invalid
from handlers.checkins import flow
from handlers.checkins.cards import question_text

MAX_QUESTIONS = QUESTIONS[1]  # one step per question


async def on_answer(turn: Turn) -> None:
    """Whatever the partner sent at a question: checked, stored, and the flow moves on."""
    check = await flow.load(turn)
    if check is None:
        return
    index, part = flow.position(turn, check)
    question = check.questions[index]
    try:
        if parts_of(question)[part] == PIN:
            value: Value = read_location(turn.t, _sent(turn))
        else:
            value = parse(question, _sent(turn), turn.t, check.default)
    except Invalid as invalid:
        await flow.ask(turn, check, index, part, hint=invalid.hint)
        return
    check.draft.store(question, part, value)
    await flow.advance(turn, check, index, part)


def _sent(turn: Turn) -> Sent:
    message = turn.update.effective_message
    if message is None:
        return Sent()
    photo = message.photo[-1].file_id if message.photo else None  # the largest size
    document = message.document  # a photo sent "as a file", uncompressed
    if document is not None and (document.mime_type or "").startswith("image/"):
        photo = document.file_id
    where = message.location
    location = (where.latitude, where.longitude) if where is not None else None
    return Sent(text=turn.text, photo=photo, location=location)


async def on_pick(turn: Turn) -> None:
    """A choice question's button: the choice's position in the question."""
    check = await flow.load(turn)
    if check is None:
        return
    index, chosen = turn.arg_int(0), turn.arg_int(1)
    flow.expect_position(turn, check, index, 0)
    question = check.questions[index]
    if not 0 <= chosen < len(question.choices):
        raise InvalidCallback(f"choice {chosen}")
    choice = question.choices[chosen]
    await _answered(turn, check, index, label(turn.t, choice, check.default))
    check.draft.store(question, 0, str(choice["key"]))
    await flow.advance(turn, check, index, 0)


async def on_yes_no(turn: Turn) -> None:
    check = await flow.load(turn)
    if check is None:
        return
    index, answer = turn.arg_int(0), turn.arg_int(1)
    flow.expect_position(turn, check, index, 0)
    if answer not in (0, 1):
        raise InvalidCallback(f"yes/no {answer}")
    await _answered(turn, check, index, turn.t.gettext("Yes") if answer else turn.t.gettext("No"))
    check.draft.store(check.questions[index], 0, float(answer))
    await flow.advance(turn, check, index, 0)


async def on_skip(turn: Turn) -> None:
    """Skip an optional question (all its parts), or a photo's location pin."""
    check = await flow.load(turn)
    if check is None:
        return
    index, part = turn.arg_int(0), turn.arg_int(1)
    flow.expect_position(turn, check, index, part)
    question = check.questions[index]
    if parts_of(question)[part] != PIN:
        if question.required or part != 0:
            raise InvalidCallback(f"question {index} cannot be skipped")
        check.draft.answers.pop(question.key, None)
    await _answered(turn, check, index, turn.t.gettext("Skipped"))
    await flow.advance(turn, check, index, part)


async def on_keep(turn: Turn) -> None:
    """While changing one answer from the summary: leave it as it was."""
    check = await flow.load(turn)
    if check is None:
        return
    index = turn.arg_int(0)
    flow.expect_position(turn, check, index, 0)
    if not check.draft.editing:
        raise InvalidCallback("not changing an answer")
    await _answered(turn, check, index, turn.t.gettext("Kept"))
    await flow.show_summary(turn, check)


async def _answered(turn: Turn, check: flow.Open, index: int, answer: str) -> None:
    """The pressed question's message keeps the question and shows the answer, buttons gone."""
    question = question_text(turn.t, check.questions[index], check.default)
    await turn.settle(f"{question}\n→ <b>{escape(answer)}</b>")


PARTNER = Level.PARTNER
ROUTES: tuple[Route, ...] = (
    *(Step(flow.FLOW, step_name(n), on_answer, PARTNER, media=True) for n in range(MAX_QUESTIONS)),
    # Question buttons carry their question (and part); each handler checks it is the one
    # being asked, as one Button route cannot name seven steps.
    Button("ci.pick", on_pick, PARTNER),
    Button("ci.yn", on_yes_no, PARTNER),
    Button("ci.skip", on_skip, PARTNER),
    Button("ci.keep", on_keep, PARTNER),
)
