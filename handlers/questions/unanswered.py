"""/unanswered: the questions nothing matched, newest first and grouped by meaning, so a
coordinator answers a group once (as a new FAQ entry, which also answers whoever asks it next)
or dismisses it, and sees how many partners asked."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton

from bot.access import Level, managed_programmes
from bot.i18n import N_, escape
from bot.replies import Keyboard
from bot.routing import Button, Command, Route
from bot.turn import Turn
from bot.understanding.clusters import group
from handlers.questions import faq_add
from handlers.questions.faq_views import end_flow
from handlers.shared.localized_input import language_in
from storage.models import Question

PAGE = 10  # groups on one screen
OPEN_LIMIT = 300  # newest open questions grouped; older ones show as these are dealt with
WORDINGS_SHOWN = 3  # other wordings quoted under a group's newest question


async def list_questions(turn: Turn) -> None:
    """/unanswered"""
    await end_flow(turn)
    await turn.settle(*await _screen(turn, 0))


async def on_page(turn: Turn) -> None:
    await turn.settle(*await _screen(turn, max(0, turn.arg_int())))


async def _groups(turn: Turn) -> list[list[Question]]:
    """Open questions of the coordinator's programmes in groups that ask the same thing, each
    led by its newest question, newest group first."""
    scope = managed_programmes(turn.partner)
    questions = await turn.uow.questions.open(scope, limit=OPEN_LIMIT)
    if not questions:
        return []
    vectors = await turn.services.understanding.vectors([q.text for q in questions])
    return [[questions[i] for i in members] for members in group(vectors)]


async def _screen(turn: Turn, offset: int) -> tuple[str, Keyboard | None]:
    t = turn.t
    groups = await _groups(turn)
    if not groups:
        return t.gettext("No unanswered questions. 🎉"), None
    if offset >= len(groups):  # the last group of a page was answered or dismissed
        offset = max(0, (len(groups) - 1) // PAGE * PAGE)
    answer, dismiss = t.gettext("Answer as FAQ"), t.gettext("Dismiss")
    lines = ["<b>" + t.gettext("Unanswered questions") + "</b>"]
    keyboard: list[list[InlineKeyboardButton]] = []
    for number, members in enumerate(groups[offset : offset + PAGE], start=offset + 1):
        lead = members[0]
        lines += ["", *_describe(turn, number, members)]
        keyboard.append(
            [
                turn.button(f"{number}. {answer}", "un.faq", lead.id),
                turn.button(f"{number}. {dismiss}", "un.dis", lead.id, offset),
            ]
        )
    paging = []
    if offset > 0:
        paging.append(turn.button(t.gettext("« Newer"), "un.page", max(0, offset - PAGE)))
    if len(groups) > offset + PAGE:
        paging.append(turn.button(t.gettext("Older »"), "un.page", offset + PAGE))
    if paging:
        keyboard.append(paging)
    return "\n".join(lines), keyboard


def _describe(turn: Turn, number: int, members: Sequence[Question]) -> list[str]:
    t, lead = turn.t, members[0]
    asked = t.date(lead.asked_at.astimezone(t.zone).date(), "medium")
    heading = t.gettext(
        "{number}. {language}, {date}:",
        number=number,
        language=language_in(t, lead.language),
        date=asked,
    )
    lines = [f"<b>{heading}</b>", escape(lead.text)]
    if len(members) > 1:
        askers = len({q.partner_id for q in members})
        lines.append(
            "<i>"
            + t.ngettext(
                "Asked by {n} partner, also as:",
                "Asked by {n} partners, also as:",
                askers,
            )
            + "</i>"
        )
        wordings = dict.fromkeys(q.text for q in members[1:] if q.text != lead.text)
        lines += [f"• {escape(text)}" for text in list(wordings)[:WORDINGS_SHOWN]]
    return lines


async def _open_group(turn: Turn) -> list[Question] | None:
    """The pressed question's group while it is still open; otherwise say so and refresh."""
    pressed = turn.arg_int(0)
    for members in await _groups(turn):
        if any(question.id == pressed for question in members):
            return members
    await turn.answer(turn.t.gettext("Someone has already dealt with this question."), alert=True)
    await turn.settle(*await _screen(turn, 0))
    return None


async def on_answer(turn: Turn) -> None:
    members = await _open_group(turn)
    if members is not None:
        await faq_add.start_from_question(turn, members[0], members[1:])


async def on_dismiss(turn: Turn) -> None:
    members = await _open_group(turn)
    if members is None:
        return
    ids = [question.id for question in members]
    await turn.uow.questions.dismiss(ids, turn.services.clock())
    await turn.uow.audit.record(
        "question.dismissed",
        actor=turn.partner,
        telegram_id=turn.user.id,
        question=ids[0],
        **({"alike": ids[1:]} if len(ids) > 1 else {}),
    )
    await turn.answer(turn.t.gettext("Dismissed."))
    await turn.settle(*await _screen(turn, max(0, turn.arg_int(1))))


ROUTES: tuple[Route, ...] = (
    Command(
        "unanswered",
        list_questions,
        Level.COORDINATOR,
        N_("Questions the bot could not answer"),
    ),
    Button("un.page", on_page, Level.COORDINATOR),
    Button("un.faq", on_answer, Level.COORDINATOR),
    Button("un.dis", on_dismiss, Level.COORDINATOR),
)
