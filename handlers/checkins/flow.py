"""The core of the /checkin flow, shared by its entry, answer and summary handlers: the open
check-in loaded from the conversation row, asking a question (or one part of it), moving on,
and the summary the partner checks before sending."""

from __future__ import annotations

from dataclasses import dataclass

from telegram import InlineKeyboardButton

from bot.callbacks import InvalidCallback
from bot.checkins.answers import label
from bot.checkins.cadence import Period, period_containing
from bot.checkins.draft import PIN, Draft, parts_of, shape, step_index, step_name
from bot.i18n import Translator
from bot.replies import Keyboard
from bot.turn import Turn
from handlers.checkins.cards import answer_lines, period_label, question_text
from handlers.shared.cards import programme_name
from handlers.shared.flow import today
from storage.models import CheckinQuestion, CheckinTemplate, Landscape, Programme, QuestionKind

FLOW = "checkin"
REVIEW = "review"
EDIT_BUTTONS_PER_ROW = 4


@dataclass
class Open:
    """A check-in in progress, with what it refers to loaded for this turn."""

    draft: Draft
    programme: Programme
    template: CheckinTemplate
    landscape: Landscape | None

    @property
    def default(self) -> str:
        return self.programme.default_language

    @property
    def questions(self) -> list[CheckinQuestion]:
        return list(self.template.questions)


def period(turn: Turn, template: CheckinTemplate) -> Period:
    return period_containing(template, today(turn))


async def load(turn: Turn) -> Open | None:
    """The open check-in; if its programme, landscape or questions changed meanwhile, the flow
    ends with a word on why (answers to other questions would be stored under wrong keys)."""
    conversation = turn.conversation
    if conversation is None or conversation.flow != FLOW:
        raise InvalidCallback("no check-in is open")
    draft = Draft.from_data(conversation.data)
    programme = await turn.uow.programmes.get(draft.programme_id)
    template = await turn.uow.checkins.template_for(draft.programme_id)
    mine = (
        {landscape.id: landscape for landscape in turn.partner.landscapes} if turn.partner else {}
    )
    landscape = mine.get(draft.landscape_id) if draft.landscape_id is not None else None
    if (
        programme is None
        or template is None
        or shape(template.questions) != draft.shape
        or (draft.landscape_id is not None and landscape is None)
    ):
        await turn.uow.conversations.end(turn.user.id)
        await turn.settle(
            turn.t.gettext(
                "This check-in changed since you started it. Please send /checkin to start again."
            )
        )
        return None
    return Open(draft, programme, template, landscape)


def position(turn: Turn, check: Open) -> tuple[int, int]:
    assert turn.conversation is not None
    index = step_index(turn.conversation.step)
    assert index is not None  # question steps only
    return index, check.draft.part


def expect_position(turn: Turn, check: Open, index: int, part: int) -> None:
    """A button made for one question (and part) is stale at any other moment."""
    at = step_index(turn.conversation.step) if turn.conversation else None
    if (at, check.draft.part) != (index, part):
        raise InvalidCallback(f"check-in button for question {index}.{part} out of step")


async def save(turn: Turn, check: Open, step: str) -> None:
    assert turn.conversation is not None
    await turn.uow.conversations.begin(turn.user.id, FLOW, step, check.draft.to_data())


def title(t: Translator, check: Open) -> str:
    where = programme_name(t, check.programme)
    if check.landscape is not None:
        where += " · " + check.landscape.name
    return where


async def ask(
    turn: Turn,
    check: Open,
    index: int,
    part: int,
    hint: str | None = None,
    *,
    whole: bool = False,
) -> None:
    """Send question `index` (its part `part`), after `hint` when the last answer was wrong.
    The question itself is shown at its first part (or `whole`, on resuming); a later part
    says only what it asks for, so a phone screen is not filled with the same question."""
    t, question = turn.t, check.questions[index]
    lines = [hint, ""] if hint else []
    if part == 0 or whole:
        count = t.gettext(
            "Question {n} of {total}", n=t.number(index + 1), total=t.number(len(check.questions))
        )
        lines += [f"<b>{count}</b>", question_text(t, question, check.default), ""]
    parts = parts_of(question)
    if parts[part] == PIN:
        lines.append(
            t.gettext(
                "Photo received. If you took it at the plot, share the plot's location too: "
                "tap 📎, then choose Location. Or press Skip."
            )
        )
    elif question.kind == QuestionKind.NUMBER and question.parts:
        # TRANSLATORS: a part of a check-in question asked on its own, e.g. "Women?".
        asked = t.gettext("{part}?", part=label(t, question.parts[part], check.default))
        step = t.gettext("{n} of {total}", n=t.number(part + 1), total=t.number(len(parts)))
        lines.append(f"→ <b>{asked}</b> ({step})")
    await turn.reply("\n".join(lines).strip(), _keyboard(turn, check, question, index, part))


def _keyboard(
    turn: Turn, check: Open, question: CheckinQuestion, index: int, part: int
) -> Keyboard:
    t = turn.t
    rows: list[list[InlineKeyboardButton]] = []
    if question.kind == QuestionKind.CHOICE:
        rows += [
            [turn.button(label(t, choice, check.default), "ci.pick", index, n)]
            for n, choice in enumerate(question.choices)
        ]
    if question.kind == QuestionKind.YES_NO:
        rows.append(
            [
                turn.button(t.gettext("Yes"), "ci.yn", index, 1),
                turn.button(t.gettext("No"), "ci.yn", index, 0),
            ]
        )
    if parts_of(question)[part] == PIN or (part == 0 and not question.required):
        rows.append([turn.button(t.gettext("Skip"), "ci.skip", index, part)])
    if check.draft.editing and part == 0 and question.key in check.draft.answers:
        rows.append([turn.button(t.gettext("Keep my answer"), "ci.keep", index)])
    return rows


async def advance(turn: Turn, check: Open, index: int, part: int) -> None:
    """After question `index`'s part `part` is answered (or skipped): its next part, else the
    next question, else — or straight away when changing one answer — the summary."""
    if part + 1 < len(parts_of(check.questions[index])) and not _skipped(check, index):
        check.draft.part = part + 1
        await save(turn, check, step_name(index))
        await ask(turn, check, index, part + 1)
        return
    check.draft.part = 0
    if check.draft.editing or index + 1 == len(check.questions):
        await show_summary(turn, check)
        return
    await save(turn, check, step_name(index + 1))
    await ask(turn, check, index + 1, 0)


def _skipped(check: Open, index: int) -> bool:
    return check.questions[index].key not in check.draft.answers


async def show_summary(turn: Turn, check: Open) -> None:
    check.draft.editing = False
    check.draft.part = 0
    await save(turn, check, REVIEW)
    text = await summary_text(turn, check)
    await turn.reply(text, summary_keyboard(turn))


def summary_keyboard(turn: Turn) -> Keyboard:
    """Send, change, discard: one button per question would not fit a phone screen, so they
    are a tap away (edit_keyboard)."""
    t = turn.t
    return [
        [turn.button("✅ " + t.gettext("Send"), "ci.send")],
        [turn.button("✏️ " + t.gettext("Change an answer"), "ci.change")],
        [turn.button(t.gettext("Discard"), "ci.drop")],
    ]


def edit_keyboard(turn: Turn, check: Open) -> Keyboard:
    """A ✏️ button per question, numbered as in the summary, and back to Send."""
    t = turn.t
    edits = [turn.button("✏️ " + t.number(n + 1), "ci.edit", n) for n in range(len(check.questions))]
    keyboard = [
        edits[i : i + EDIT_BUTTONS_PER_ROW] for i in range(0, len(edits), EDIT_BUTTONS_PER_ROW)
    ]
    keyboard.append([turn.button(t.gettext("« Back"), "ci.back")])
    return keyboard


async def summary_text(turn: Turn, check: Open, *, closing: str | None = None) -> str:
    t = turn.t
    current = period(turn, check.template)
    when = period_label(t, check.template.cadence, current.start)
    heading = t.gettext("Your check-in for {where}, {period}", where=title(t, check), period=when)
    lines = [f"<b>{heading}</b>", ""]
    lines += answer_lines(t, check.questions, check.draft.answers, check.default)
    lines.append("")
    if closing is not None:
        return "\n".join([*lines, closing]).strip()
    assert turn.partner is not None
    if await turn.uow.checkins.has_checkin(turn.partner.id, check.programme.id, current.start):
        lines.append(
            t.gettext(
                "You already sent a check-in for {period}; sending this one replaces it.",
                period=when,
            )
        )
    lines.append(t.gettext("Is all of it right? Press Send, or change an answer first."))
    return "\n".join(lines)
