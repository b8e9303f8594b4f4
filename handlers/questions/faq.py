"""/faq: coordinators browse the FAQ entries of their programmes (admins: every entry), open one,
edit it (faq_edit), delete it, or add a new one (faq_add); /unanswered turns
questions nothing matched into entries. Every route of the FAQ tools is composed here."""

from __future__ import annotations

from bot.access import Level
from bot.i18n import N_
from bot.routing import Button, Command, Route
from bot.turn import Turn
from handlers.questions import faq_add, faq_edit
from handlers.questions import unanswered as faq_unanswered
from handlers.questions.faq_views import editable_entry, end_flow, entry_screen, list_screen


async def list_entries(turn: Turn) -> None:
    """/faq: the entries this user may edit, eight at a time."""
    await end_flow(turn)
    await turn.settle(*await list_screen(turn, 0))


async def on_page(turn: Turn) -> None:
    await end_flow(turn)
    await turn.settle(*await list_screen(turn, max(0, turn.arg_int())))


async def on_open(turn: Turn) -> None:
    entry = await editable_entry(turn, turn.arg_int())
    await end_flow(turn)
    await turn.settle(*entry_screen(turn, entry))


async def on_delete(turn: Turn) -> None:
    """Deleting is asked twice: partners lose the answer at once."""
    entry = await editable_entry(turn, turn.arg_int())
    t = turn.t
    text, _ = entry_screen(turn, entry)
    question = t.gettext("Delete this question and its answer in every language?")
    keyboard = [
        [turn.button(t.gettext("Yes, delete it"), "fq.delyes", entry.id)],
        [turn.button(t.gettext("No, keep it"), "fq.open", entry.id)],
    ]
    await turn.settle(f"{text}\n\n<b>{question}</b>", keyboard)


async def on_delete_confirmed(turn: Turn) -> None:
    entry = await editable_entry(turn, turn.arg_int())
    await turn.uow.audit.record(
        "faq.deleted",
        actor=turn.partner,
        telegram_id=turn.user.id,
        entry=entry.id,
        slug=entry.slug,
        question=dict(entry.question),
    )
    await turn.uow.faq.remove(entry)
    await end_flow(turn)
    await turn.answer(turn.t.gettext("Deleted."))
    await turn.settle(*await list_screen(turn, 0))


ROUTES: tuple[Route, ...] = (
    Command("faq", list_entries, Level.COORDINATOR, N_("Edit the questions and answers")),
    Button("fq.page", on_page, Level.COORDINATOR),
    Button("fq.open", on_open, Level.COORDINATOR),
    Button("fq.del", on_delete, Level.COORDINATOR),
    Button("fq.delyes", on_delete_confirmed, Level.COORDINATOR),
    *faq_edit.ROUTES,
    *faq_add.ROUTES,
    *faq_unanswered.ROUTES,
)
