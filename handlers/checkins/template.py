"""/template [programme]: coordinators and admins see a programme's check-in as partners get
it — cadence and each question with its type, range, parts or choices — in their own language.
Templates are changed through the content file (/exportcontent, then send it back)."""

from __future__ import annotations

from datetime import time

import babel.dates

from bot.access import Level, managed_programmes
from bot.callbacks import InvalidCallback
from bot.checkins.answers import TEXT_MAX, amount, bounds, label
from bot.i18n import N_, Translator, escape
from bot.routing import Button, Command, Route
from bot.turn import Turn
from handlers.checkins.cards import question_text
from handlers.shared.cards import programme_name
from storage.models import Cadence, CheckinQuestion, CheckinTemplate, Programme, QuestionKind

_KINDS = {
    QuestionKind.NUMBER: N_("number"),
    QuestionKind.PERCENTAGE: N_("percentage"),
    QuestionKind.YES_NO: N_("yes or no"),
    QuestionKind.CHOICE: N_("one choice"),
    QuestionKind.TEXT: N_("text"),
    QuestionKind.PHOTO: N_("photo, then an optional location pin"),
    QuestionKind.LOCATION: N_("location"),
}


async def show_template(turn: Turn) -> None:
    """/template [programme]: the named programme's, the only one's, or a choice."""
    t = turn.t
    programmes = await _viewable(turn)
    if turn.args:
        wanted = " ".join(turn.args).casefold()
        programmes = [p for p in programmes if _named(p, wanted)]
    if not programmes:
        await turn.reply(t.gettext("No check-in template found for your programmes."))
    elif len(programmes) == 1:
        await _show(turn, programmes[0])
    else:
        keyboard = [[turn.button(programme_name(t, p), "tpl", p.id)] for p in programmes]
        await turn.settle(t.gettext("Which programme's check-in?"), keyboard)


async def on_programme(turn: Turn) -> None:
    found = [p for p in await _viewable(turn) if p.id == turn.arg_int()]
    if not found:
        raise InvalidCallback("programme")
    await _show(turn, found[0])


async def _viewable(turn: Turn) -> list[Programme]:
    allowed = managed_programmes(turn.partner)  # None: every programme (admins)
    with_template = {template.programme_id for template in await turn.uow.checkins.templates()}
    return [
        p
        for p in await turn.uow.programmes.all()
        if p.id in with_template and (allowed is None or p.id in allowed)
    ]


def _named(programme: Programme, wanted: str) -> bool:
    names = {programme.slug, *(name.casefold() for name in programme.name.values())}
    return wanted in names or any(wanted in name for name in names if len(wanted) >= 3)


async def _show(turn: Turn, programme: Programme) -> None:
    template = await turn.uow.checkins.template_for(programme.id)
    assert template is not None  # only programmes with a template are offered
    t = turn.t
    heading = t.gettext("Check-in of {programme}", programme=programme_name(t, programme))
    lines = [f"<b>{heading}</b>", _cadence(t, template), ""]
    for n, question in enumerate(template.questions, start=1):
        text = question_text(t, question, programme.default_language)
        lines.append(f"<b>{t.number(n)}.</b> {text}")
        lines.append("   " + escape(_details(t, question, programme.default_language)))
    lines += [
        "",
        t.gettext("To change it, edit the check-in in the content file (/exportcontent)."),
    ]
    await turn.settle("\n".join(lines))


def _cadence(t: Translator, template: CheckinTemplate) -> str:
    weekday = babel.dates.get_day_names("wide", locale=t.locale)[template.weekday]
    hour = babel.dates.format_time(time(template.hour), "short", locale=t.locale)
    days = t.ngettext("{n} day", "{n} days", template.window_days)
    if template.cadence == Cadence.WEEKLY:
        return t.gettext(
            "Every week: partners are asked on {weekday} at {hour} their time, "
            "and answer within {days}.",
            weekday=weekday,
            hour=hour,
            days=days,
        )
    return t.gettext(
        "Every month: partners are asked on the first {weekday} at {hour} their time, "
        "and answer within {days}.",
        weekday=weekday,
        hour=hour,
        days=days,
    )


def _details(t: Translator, question: CheckinQuestion, default: str) -> str:
    kind = QuestionKind(question.kind)
    details = [t.gettext(_KINDS[kind])]
    if kind in (QuestionKind.NUMBER, QuestionKind.PERCENTAGE):
        low, high = bounds(question)
        if low is not None and high is not None:
            details.append(
                f"{amount(question, t, low, default)} – {amount(question, t, high, default)}"
            )
        if question.integer:
            details.append(t.gettext("whole numbers"))
    if question.parts:
        details.append(", ".join(label(t, part, default) for part in question.parts))
    if question.choices:
        details.append(" / ".join(label(t, choice, default) for choice in question.choices))
    if kind == QuestionKind.TEXT:
        limit = question.max_length or TEXT_MAX
        details.append(t.ngettext("up to {n} character", "up to {n} characters", limit))
    if question.barrier:
        details.append(t.gettext("answers are open barriers"))
    details.append(t.gettext("required") if question.required else t.gettext("optional"))
    return " · ".join(details)


ROUTES: tuple[Route, ...] = (
    Command("template", show_template, Level.COORDINATOR, N_("See a programme's check-in")),
    Button("tpl", on_programme, Level.COORDINATOR),
)
