"""FAQ entries as the coordinators who edit them see them: the paged list of the entries they may
edit, and one entry with its question, answer and trigger phrases in the reader's language."""

from __future__ import annotations

from telegram import InlineKeyboardButton

from bot.access import Level, level_of, manages
from bot.callbacks import InvalidCallback
from bot.i18n import N_, escape
from bot.localized import plain, show
from bot.replies import Keyboard
from bot.turn import Turn
from handlers.shared.cards import programme_name
from handlers.shared.flow import manageable_programmes
from handlers.shared.localized_input import clip, language_in
from storage.models import FaqEntry

FLOW = "faq"
PAGE = 8
QUESTION_MAX = 200
ANSWER_MAX = 3000
FIELDS = {
    "question": N_("Question"),
    "answer": N_("Answer"),
    "triggers": N_("Trigger phrases"),
}


async def editable_entry(turn: Turn, entry_id: int) -> FaqEntry:
    """The entry a button names, if this user may edit it; otherwise the button was forged or
    outlived the user's rights."""
    entry = await turn.uow.faq.get(entry_id)
    if entry is None or not manages(turn.partner, entry.programme_id):
        raise InvalidCallback("faq entry gone or not managed")
    return entry


async def end_flow(turn: Turn) -> None:
    """Leave a half-done FAQ edit when the user goes elsewhere in /faq."""
    if turn.conversation is not None and turn.conversation.flow == FLOW:
        await turn.uow.conversations.end(turn.user.id)


async def list_screen(turn: Turn, offset: int) -> tuple[str, Keyboard]:
    t = turn.t
    # Admins edit every entry, including partnership-wide ones (no programme).
    everything = level_of(turn.partner) == Level.ADMIN
    ids = None if everything else [p.id for p in await manageable_programmes(turn)]
    entries = await turn.uow.faq.page(ids, offset=offset, limit=PAGE + 1)
    if not entries and offset > 0:  # the last one of a page was deleted
        return await list_screen(turn, max(0, offset - PAGE))
    keyboard = [
        [turn.button(clip(plain(t, e.question, e.default_language)) or "?", "fq.open", e.id)]
        for e in entries[:PAGE]
    ]
    keyboard += _pager(turn, offset, len(entries) > PAGE)
    keyboard.append([turn.button(t.gettext("Add a question"), "fq.add")])
    if not entries:
        return t.gettext("There are no questions you can edit yet."), keyboard
    return t.gettext("Questions partners ask. Choose one to edit it:"), keyboard


def _pager(turn: Turn, offset: int, more: bool) -> list[list[InlineKeyboardButton]]:
    t = turn.t
    row = []
    if offset > 0:
        row.append(turn.button(t.gettext("« Previous"), "fq.page", max(0, offset - PAGE)))
    if more:
        row.append(turn.button(t.gettext("Next »"), "fq.page", offset + PAGE))
    return [row] if row else []


def entry_screen(turn: Turn, entry: FaqEntry) -> tuple[str, Keyboard]:
    t, default = turn.t, entry.default_language
    where = programme_name(t, entry.programme) if entry.programme else t.gettext("All programmes")
    phrases = entry.triggers.get(t.language, [])
    lines = [
        f"<b>{show(t, entry.question, default)}</b>",
        t.gettext("For: {where}", where=where),
        "",
        show(t, entry.answer, default),
        "",
        t.gettext("Trigger phrases in {language}:", language=language_in(t, t.language)),
        *(f"• {escape(phrase)}" for phrase in phrases),
    ]
    if not phrases:
        lines.append(t.gettext("None yet."))
    keyboard = [
        *(
            [turn.button(t.gettext(label), "fq.field", entry.id, field)]
            for field, label in FIELDS.items()
        ),
        [turn.button(t.gettext("Delete"), "fq.del", entry.id)],
        [turn.button(t.gettext("« All questions"), "fq.page", 0)],
    ]
    return "\n".join(lines), keyboard
