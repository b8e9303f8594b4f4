"""The parts of a summary that name people — who has not reported yet, the open barriers with
who wrote them, each a page of its own behind a button that gives its count — and what an
anonymised summary shows instead: counts only."""

from __future__ import annotations

from collections.abc import Mapping

from bot.checkins.answers import label as item_label
from bot.i18n import Translator, escape
from handlers.shared.cards import programme_name
from handlers.shared.localized_input import clip
from storage.checkin_stats import OpenBarrier, Summary
from storage.models import CheckinQuestion, CheckinTemplate, Programme, QuestionKind

BARRIER_SHOWN = 280  # characters of a barrier in a list; /review shows it whole


def counts(t: Translator, summary: Summary) -> list[str]:
    """How many have not reported and how many barriers are open; the names are a tap away."""
    lines = []
    if summary.missing_count:
        lines.append(missing_heading(t, summary))
    if summary.barrier_count:
        lines.append(barriers_heading(t, summary))
    return lines or [t.gettext("Everyone expected has reported, and no barrier is open.")]


def missing_heading(t: Translator, summary: Summary) -> str:
    return t.gettext("Not reported yet ({count})", count=t.number(summary.missing_count))


def barriers_heading(t: Translator, summary: Summary) -> str:
    return t.gettext("Open barriers ({count})", count=t.number(summary.barrier_count))


def missing(t: Translator, summary: Summary, programmes: Mapping[int, Programme]) -> list[str]:
    return [f"<b>{missing_heading(t, summary)}</b>", *_missing(t, summary, programmes)]


def barriers(
    t: Translator,
    summary: Summary,
    programmes: Mapping[int, Programme],
    templates: Mapping[int, CheckinTemplate],
) -> list[str]:
    lines = [f"<b>{barriers_heading(t, summary)}</b>"]
    for barrier in summary.barriers:
        template = templates.get(barrier.programme_id)
        question = (
            next((q for q in template.questions if q.key == barrier.question_key), None)
            if template
            else None
        )
        who = ", ".join(filter(None, [barrier.partner_name or "?", barrier.landscape_name]))
        day = t.date(barrier.submitted_at.astimezone(t.zone).date(), "medium")
        lines.append(f"• {escape(day)} · {escape(who)}")
        default = programmes[barrier.programme_id].default_language
        lines.append(f"   {_barrier_text(t, question, barrier, default)}")
    return lines + _more(t, summary.barrier_count - len(summary.barriers))


def _missing(t: Translator, summary: Summary, programmes: Mapping[int, Programme]) -> list[str]:
    several = summary.scope.programme_ids is None or len(summary.scope.programme_ids) > 1
    lines = []
    for partner in summary.missing:
        who = partner.name or "?"
        if partner.organisation:
            who += f" ({partner.organisation})"
        if several:
            who += f" · {programme_name(t, programmes[partner.programme_id])}"
        lines.append(f"• {escape(who)}")
    return lines + _more(t, summary.missing_count - len(summary.missing))


def _barrier_text(
    t: Translator, question: CheckinQuestion | None, barrier: OpenBarrier, default: str
) -> str:
    text, number = barrier.text, barrier.number
    if question is not None and question.kind == QuestionKind.CHOICE and text:
        choice = next((c for c in question.choices if c["key"] == text), None)
        return escape(item_label(t, choice, default)) if choice else escape(text)
    if text:
        return escape(clip(text, BARRIER_SHOWN))
    return t.gettext("Yes") if number == 1 else escape(t.number(number or 0))


def anonymous(t: Translator, summary: Summary) -> list[str]:
    return [
        t.ngettext("{n} open barrier.", "{n} open barriers.", summary.barrier_count),
        "<i>" + t.gettext("Anonymised: no names and no individual answers.") + "</i>",
    ]


def _more(t: Translator, hidden: int) -> list[str]:
    return [t.ngettext("… and {n} more", "… and {n} more", hidden)] if hidden > 0 else []
