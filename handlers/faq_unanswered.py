"""/unanswered: the questions nothing matched, newest first, each to be answered as a new FAQ entry
(which also answers whoever asks it next) or dismissed."""

from __future__ import annotations

from telegram import InlineKeyboardButton

from bot.access import Level, managed_programmes
from bot.i18n import N_, escape
from bot.routing import Button, Command, Route
from bot.turn import Keyboard, Turn
from handlers import faq_add
from handlers.faq_views import end_flow
from handlers.localized_input import language_in
from storage.models import Question

PAGE = 10


async def list_questions(turn: Turn) -> None:
    """/unanswered"""
    await end_flow(turn)
    await turn.settle(*await _screen(turn, 0))


async def on_page(turn: Turn) -> None:
    await turn.settle(*await _screen(turn, max(0, turn.arg_int())))


async def _screen(turn: Turn, offset: int) -> tuple[str, Keyboard | None]:
    t = turn.t
    scope = managed_programmes(turn.partner)
    questions = await turn.uow.questions.open(scope, offset=offset, limit=PAGE + 1)
    if not questions and offset > 0:  # the last one of a page was answered or dismissed
        return await _screen(turn, max(0, offset - PAGE))
    if not questions:
        return t.gettext("No unanswered questions. 🎉"), None
    answer, dismiss = t.gettext("Answer as FAQ"), t.gettext("Dismiss")
    lines = ["<b>" + t.gettext("Unanswered questions") + "</b>"]
    keyboard: list[list[InlineKeyboardButton]] = []
    for number, question in enumerate(questions[:PAGE], start=offset + 1):
        asked = t.date(question.asked_at.astimezone(t.zone).date(), "medium")
        heading = t.gettext(
            "{number}. {language}, {date}:",
            number=number,
            language=language_in(t, question.language),
            date=asked,
        )
        lines += ["", f"<b>{heading}</b>", escape(question.text)]
        keyboard.append(
            [
                turn.button(f"{number}. {answer}", "un.faq", question.id),
                turn.button(f"{number}. {dismiss}", "un.dis", question.id, offset),
            ]
        )
    paging = []
    if offset > 0:
        paging.append(turn.button(t.gettext("« Newer"), "un.page", max(0, offset - PAGE)))
    if len(questions) > PAGE:
        paging.append(turn.button(t.gettext("Older »"), "un.page", offset + PAGE))
    if paging:
        keyboard.append(paging)
    return "\n".join(lines), keyboard


async def _open_question(turn: Turn) -> Question | None:
    """The pressed question while still open; otherwise say so and refresh the list."""
    question = await turn.uow.questions.get(turn.arg_int(0), managed_programmes(turn.partner))
    if question is not None and question.answered_by is None and question.dismissed_at is None:
        return question
    await turn.answer(turn.t.gettext("Someone has already dealt with this question."), alert=True)
    await turn.settle(*await _screen(turn, 0))
    return None


async def on_answer(turn: Turn) -> None:
    question = await _open_question(turn)
    if question is not None:
        await faq_add.start_from_question(turn, question)


async def on_dismiss(turn: Turn) -> None:
    question = await _open_question(turn)
    if question is None:
        return
    await turn.uow.questions.dismiss(question, turn.services.clock())
    await turn.uow.audit.record(
        "question.dismissed", actor=turn.partner, telegram_id=turn.user.id, question=question.id
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
