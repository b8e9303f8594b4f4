"""/chart [indicator] [programme or landscape] [period]: a numeric indicator over time, one
line per landscape, as a picture labelled in the requester's language. Without an indicator
(or one it cannot find) it offers the numeric ones as buttons; without a period it shows the
last twelve months.

A chart is a rollup, so funders may see their programmes' charts; for them a point made from
fewer than MIN_ANONYMOUS_CHECKINS check-ins is left out, as it could reveal one partner's
answers.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Sequence
from datetime import date, timedelta

import babel.dates
from rapidfuzz import fuzz, process

from bot.access import (
    MIN_ANONYMOUS_CHECKINS,
    Level,
    SummaryView,
    summary_programmes,
    summary_view,
)
from bot.callbacks import InvalidCallback
from bot.checkins.answers import short_label
from bot.checkins.charts import ChartText, Line, render_png
from bot.checkins.ranges import DateRange, parse_period
from bot.i18n import N_, SOURCE_LANGUAGE
from bot.intents import normalize
from bot.localized import plain
from bot.routing import Button, Command, Route
from bot.turn import Turn
from handlers.reports.scopes import Report, place_by_code, read_report, split_place
from handlers.shared.flow import today
from storage.models import CheckinQuestion, QuestionKind

DEFAULT_MONTHS = 12
MATCH_SCORE = 80
_NUMERIC = (QuestionKind.NUMBER, QuestionKind.PERCENTAGE)


async def chart(turn: Turn) -> None:
    """Read indicator, place and period from the words; draw, or offer the indicators."""
    place, rest = await split_place(turn, turn.args)
    # The indicator comes first; the longest tail that reads as a period is the period.
    language, day = turn.t.language, today(turn)
    cut = next(
        (n for n in range(len(rest)) if parse_period(" ".join(rest[n:]), language, day)),
        len(rest),
    )
    allowed = summary_programmes(turn.partner)
    report = await read_report(turn, place, rest[cut:], allowed, _last_year(turn))
    if report is not None:
        await _draw_or_offer(turn, report, " ".join(rest[:cut]))


async def on_indicator(turn: Turn) -> None:
    """A pressed indicator button: chart:<question id>:<place code>:<start>:<end> (ordinals)."""
    place = await place_by_code(turn, turn.arg(1))
    try:
        period = DateRange(date.fromordinal(turn.arg_int(2)), date.fromordinal(turn.arg_int(3)))
    except ValueError:
        raise InvalidCallback("period") from None
    report = await read_report(turn, place, [], summary_programmes(turn.partner), period)
    if report is None:
        return
    question = next((q for q in await _indicators(turn, report) if q.id == turn.arg_int(0)), None)
    if question is None:
        raise InvalidCallback("indicator")
    await _draw(turn, report, question)


async def _draw_or_offer(turn: Turn, report: Report, wanted: str) -> None:
    t = turn.t
    indicators = await _indicators(turn, report)
    if not indicators:
        await turn.reply(
            t.gettext("{scope} has no numeric check-in questions to chart.", scope=report.title)
        )
        return
    question = _match(wanted, indicators) if wanted else None
    if question is not None:
        await _draw(turn, report, question)
        return
    period = report.period or _last_year(turn)
    dates = (period.start.toordinal(), period.end.toordinal())
    keyboard = [
        [turn.button(short_label(t, q, SOURCE_LANGUAGE), "chart", q.id, report.code, *dates)]
        for q in indicators
    ]
    text = t.gettext("Which indicator?")
    if wanted:
        text = t.gettext("I don't know an indicator called “{name}”.", name=wanted) + "\n" + text
    await turn.reply(text, keyboard)


async def _draw(turn: Turn, report: Report, question: CheckinQuestion) -> None:
    t = turn.t
    percentage = question.kind == QuestionKind.PERCENTAGE
    points = await turn.uow.checkin_export.series(
        report.selection, question.key, average=percentage
    )
    if summary_view(turn.partner) == SummaryView.ANONYMISED:
        points = [p for p in points if p.checkins >= MIN_ANONYMOUS_CHECKINS]
    indicator = short_label(t, question, SOURCE_LANGUAGE)
    period = report.period_text(t)
    if not points:
        await turn.reply(
            t.gettext(
                "No answers to “{indicator}” for {scope}, {period}.",
                indicator=indicator,
                scope=report.title,
                period=period,
            )
        )
        return
    names = {landscape.slug: landscape.name for landscape in await turn.uow.places.landscapes()}
    values: dict[str, dict[date, float]] = defaultdict(dict)
    for point in points:
        values[names.get(point.landscape, point.landscape)][point.period_start] = point.value
    unit = "%" if percentage else plain(t, question.unit, SOURCE_LANGUAGE)
    monthly = all(p.period_start.day == 1 for p in points)
    text = ChartText(
        # A picture, not HTML: the values go in unescaped.
        title=t.gettext("{indicator} by landscape").format(indicator=indicator),
        x_label=t.gettext("Period"),
        y_label=unit or t.gettext("Total"),
        period=lambda day: babel.dates.format_skeleton(
            "yMMM" if monthly else "yMMMd", day, locale=t.locale
        ),
        number=t.number,
    )
    lines = [Line(name, values[name]) for name in sorted(values)]
    png = await asyncio.to_thread(render_png, lines, text)
    caption = t.gettext(
        "{indicator}: {scope}, {period}", indicator=indicator, scope=report.title, period=period
    )
    await turn.send_photo("chart.png", png, caption)


async def _indicators(turn: Turn, report: Report) -> list[CheckinQuestion]:
    """The numeric questions of the programmes in scope, one per key, in template order."""
    wanted = report.selection.programme_ids
    found: dict[str, CheckinQuestion] = {}
    for template in await turn.uow.checkins.templates():
        if wanted is None or template.programme_id in wanted:
            for question in template.questions:
                if question.kind in _NUMERIC:
                    found.setdefault(question.key, question)
    return list(found.values())


def _match(wanted: str, questions: Sequence[CheckinQuestion]) -> CheckinQuestion | None:
    """By key, else by its text in any language, forgiving typos."""
    choices = {}
    for index, question in enumerate(questions):
        for name in (question.key, question.key.replace("_", " "), *question.text.values()):
            choices[normalize(name)] = index
    found = process.extractOne(
        normalize(wanted), list(choices), scorer=fuzz.WRatio, score_cutoff=MATCH_SCORE
    )
    return questions[choices[found[0]]] if found else None


def _last_year(turn: Turn) -> DateRange:
    """The current month and the eleven before it."""
    first = today(turn).replace(day=1)
    month = DateRange(first, (first + timedelta(days=31)).replace(day=1))
    return DateRange(month.shifted(1 - DEFAULT_MONTHS).start, month.end)


ROUTES: tuple[Route, ...] = (
    Command("chart", chart, Level.FUNDER, N_("Chart a check-in indicator over time")),
    Button("chart", on_indicator, Level.FUNDER),
)
