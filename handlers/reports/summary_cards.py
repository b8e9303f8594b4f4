"""How a check-in summary reads: per indicator its total and average with the unit and the
change since the previous period, the response rate, who has not reported and the open
barriers — in the reader's language and number format, a screen at a time for a phone. An anonymised
summary has nothing that names anyone: the query did not even fetch it (summary_lists)."""

from __future__ import annotations

from collections.abc import Mapping

import babel.numbers

from bot.access import MIN_ANONYMOUS_CHECKINS
from bot.checkins.answers import label as item_label
from bot.checkins.ranges import DateRange, period_label
from bot.i18n import Html, Translator, escape
from bot.localized import plain
from handlers.checkins.cards import indicator
from handlers.reports.summary_lists import anonymous, barriers, counts, missing
from handlers.shared.cards import programme_name
from storage.checkin_stats import Indicator, Summary
from storage.models import CheckinQuestion, CheckinTemplate, Programme, QuestionKind

NUMERIC = (QuestionKind.NUMBER, QuestionKind.PERCENTAGE, QuestionKind.YES_NO)


HEADLINE, MISSING, BARRIERS, PROGRAMME, DETAILS = SCREENS = ("h", "m", "b", "g", "d")
DETAILS_BUDGET = 500  # characters of a list or of figures in detail on one screen


def several(summary: Summary) -> bool:
    """Whether the summary spans programmes, each then a screen of its own."""
    ids = summary.scope.programme_ids
    return ids is None or len(ids) > 1


def shown_programmes(summary: Summary) -> list[int]:
    return sorted(set(summary.checkins) | {key[0] for key in summary.previous})


def summary_screen(
    t: Translator,
    summary: Summary,
    screen: tuple[str, int, int],
    *,
    title: str,
    programmes: Mapping[int, Programme],
    templates: Mapping[int, CheckinTemplate],
    named: bool,
) -> tuple[str, int]:
    """One phone screen of a summary and how many pages that screen has: the headline, or what
    a "More" button opens — who has not reported, the open barriers, programme `section`'s
    figures in brief, or page `page` of its figures in detail."""
    kind, section, page = screen
    period = DateRange(summary.start, summary.end)
    lines, pages = [f"<b>{escape(title)} · {escape(period_label(t, period))}</b>"], 1
    if kind in (MISSING, BARRIERS):
        heading, *listed = (
            missing(t, summary, programmes)
            if kind == MISSING
            else barriers(t, summary, programmes, templates)
        )
        shown = _pages(listed, 1 if kind == MISSING else 2)  # a barrier takes two lines
        pages = len(shown)
        lines += [heading, *shown[min(page, pages - 1)]]
    elif kind == PROGRAMME:
        lines += _programme(t, summary, programmes[section], templates, named)
    elif kind == DETAILS:
        programme = programmes[section]
        fewest = 1 if named else MIN_ANONYMOUS_CHECKINS
        found, _ = _indicators(t, summary, programme, templates.get(programme.id), fewest)
        details = _pages(found, 2)
        pages = len(details)
        lines += [_programme_line(t, summary, programme), "", *details[min(page, pages - 1)]]
    else:
        lines += _headline(t, summary, programmes, templates, named)
    return "\n".join(lines), pages


def _pages(lines: list[str], size: int) -> list[list[str]]:
    """Lines in blocks of `size` (an indicator in detail, a barrier: two), in pages of about
    DETAILS_BUDGET characters."""
    pages: list[list[str]] = [[]]
    for n in range(0, len(lines), size):
        block = lines[n : n + size]
        if pages[-1] and len("\n".join(pages[-1] + block)) > DETAILS_BUDGET:
            pages.append([])
        pages[-1] += block
    return pages


def _headline(
    t: Translator,
    summary: Summary,
    programmes: Mapping[int, Programme],
    templates: Mapping[int, CheckinTemplate],
    named: bool,
) -> list[str]:
    lines = _response(t, summary)
    if summary.previous:
        previous = period_label(t, DateRange(summary.start, summary.end).shifted(-1))
        lines.append(t.gettext("Compared with {period}.", period=previous))
    shown = shown_programmes(summary)
    if not shown:
        lines += ["", t.gettext("No check-ins in this period.")]
    elif several(summary):
        lines.append("")
        lines += [_programme_line(t, summary, programmes[p]) for p in shown]
    else:
        lines += _programme(t, summary, programmes[shown[0]], templates, named)[1:]
    return [*lines, "", *(counts(t, summary) if named else anonymous(t, summary))]


def _programme(
    t: Translator,
    summary: Summary,
    programme: Programme,
    templates: Mapping[int, CheckinTemplate],
    named: bool,
) -> list[str]:
    """The programme's line, then its indicators."""
    # Anonymised, a figure from one or two answers would single a partner out.
    fewest = 1 if named else MIN_ANONYMOUS_CHECKINS
    template = templates.get(programme.id)
    indicators, hidden = _indicators(t, summary, programme, template, fewest, brief=True)
    lines = [_programme_line(t, summary, programme), ""]
    lines += indicators or [t.gettext("No check-ins in this period.")]
    if hidden:
        note = t.gettext("Figures from too few answers to keep partners anonymous are hidden.")
        lines += ["", note]
    return lines


def _programme_line(t: Translator, summary: Summary, programme: Programme) -> str:
    count = t.ngettext("{n} check-in", "{n} check-ins", summary.checkins.get(programme.id, 0))
    return f"<b>{escape(programme_name(t, programme))}</b> · {count}"


def _response(t: Translator, summary: Summary) -> list[str]:
    count = t.ngettext("{n} check-in", "{n} check-ins", sum(summary.checkins.values()))
    if summary.response_rate is None:
        return [count, t.gettext("No partner was expected to report.")]
    rate = t.ngettext(
        "Response rate: {rate} ({responded} of {n} partner expected)",
        "Response rate: {rate} ({responded} of {n} partners expected)",
        summary.expected,
        rate=percent(t, summary.response_rate),
        responded=t.number(summary.responded),
    )
    return [count, rate]


def _indicators(
    t: Translator,
    summary: Summary,
    programme: Programme,
    template: CheckinTemplate | None,
    fewest: int,
    *,
    brief: bool = False,
) -> tuple[list[str], bool]:
    """The programme's indicator lines, and whether any was left out for having fewer than
    `fewest` answers. In brief, a line per question: its totals, parts side by side."""
    default, lines, hidden = programme.default_language, [], False
    questions = template.questions if template else []
    known = {(programme.id, q.key, str(p["key"])) for q in questions for p in q.parts}
    known |= {(programme.id, q.key, "") for q in questions}
    for question in questions:
        if question.kind == QuestionKind.CHOICE:
            choices = _choices(t, summary, programme.id, question, default, fewest)
            hidden = hidden or choices is None
            if choices:
                lines += [_line(t, choices[0], Html(choices[1].strip()))] if brief else choices
            continue
        if question.kind not in NUMERIC:
            continue
        values = []
        for part in [str(p["key"]) for p in question.parts] or [""]:
            key = (programme.id, question.key, part)
            found = summary.indicators.get(key)
            if found is not None and found.answers < fewest:
                hidden = True
            elif found is not None and brief:
                unit = (
                    plain(t, question.unit, default) if question.kind == QuestionKind.NUMBER else ""
                )
                value = _brief(t, question.kind, found, summary.previous, unit)
                item = next((p for p in question.parts if p["key"] == part), None)
                name = escape(item_label(t, item, default)) if item else ""
                values.append(_line(t, name, value) if item else value)
            elif found is not None:
                name = _label(t, question, part, default)
                lines += _numbers(t, question, name, found, summary.previous, default)
        if values:
            lines.append(
                _line(t, f"• <b>{indicator(t, question, default)}</b>", " · ".join(values))
            )
    for key, found in sorted(summary.indicators.items()):  # keys a newer template dropped
        if key[0] == programme.id and key not in known:
            if found.answers < fewest:
                hidden = True
                continue
            name = escape(".".join(filter(None, key[1:])))
            if brief:
                brief_value = _brief(t, QuestionKind.NUMBER, found, summary.previous)
                lines.append(_line(t, f"• <b>{name}</b>", brief_value))
            else:
                lines += _numbers(t, None, name, found, summary.previous, default)
    return lines, hidden


def _line(t: Translator, label: str, value: str) -> str:
    """ "label: value" the locale's way; both are HTML already."""
    return t.gettext("{part}: {value}", part=Html(label), value=Html(value))


def _brief(
    t: Translator,
    kind: str,
    found: Indicator,
    previous: Mapping[tuple[int, str, str], Indicator],
    unit: str = "",
) -> str:
    """An indicator in a few characters: a total and its change, or an average share; the
    average and the number of answers are in the details."""
    before = previous.get((found.programme_id, found.question_key, found.part))
    if kind == QuestionKind.PERCENTAGE:
        return escape(percent(t, found.average / 100))
    if kind == QuestionKind.YES_NO:
        return t.gettext("{part}: {value}", part=t.gettext("Yes"), value=percent(t, found.average))
    total = escape(_amount(t, found.total, unit))
    if before is None or before.total == 0:
        return total
    change = (found.total - before.total) / abs(before.total)
    return f"{total} ({escape(_signed(t, change, percent(t, abs(change))))})"


def _label(t: Translator, question: CheckinQuestion, part: str, default: str) -> str:
    text = indicator(t, question, default)
    item = next((p for p in question.parts if p["key"] == part), None)
    return f"{text} — {escape(item_label(t, item, default))}" if item else text


def _numbers(
    t: Translator,
    question: CheckinQuestion | None,
    name: str,
    found: Indicator,
    previous: Mapping[tuple[int, str, str], Indicator],
    default: str,
) -> list[str]:
    kind = question.kind if question else QuestionKind.NUMBER
    answers = t.ngettext("{n} answer", "{n} answers", found.answers)
    before = previous.get((found.programme_id, found.question_key, found.part))
    if kind == QuestionKind.NUMBER:
        unit = plain(t, question.unit, default) if question else ""
        figures = t.gettext(
            "{total} in total · {average} on average · {answers}",
            total=_amount(t, found.total, unit),
            average=_amount(t, round(found.average, 1), unit),
            answers=answers,
        )
        change = _relative_change(t, found.total, before.total if before else None)
    elif kind == QuestionKind.PERCENTAGE:
        figures = t.gettext(
            "{average} on average · {answers}",
            average=percent(t, found.average / 100),
            answers=answers,
        )
        change = _points(t, found.average, before.average if before else None)
    else:
        figures = t.gettext(
            "Yes: {yes} ({share}) · {answers}",
            yes=t.number(round(found.total)),
            share=percent(t, found.average),
            answers=answers,
        )
        change = _points(t, found.average * 100, before.average * 100 if before else None)
    figures += f" · {change}" if change else ""
    return [f"• <b>{name}</b>", f"   {figures}"]


def _choices(
    t: Translator,
    summary: Summary,
    programme_id: int,
    question: CheckinQuestion,
    default: str,
    fewest: int,
) -> list[str] | None:
    """The question's choice counts; None when left out for having too few answers."""
    counts = [
        c
        for c in summary.choices
        if c.programme_id == programme_id and c.question_key == question.key
    ]
    if not counts:
        return []
    if sum(c.answers for c in counts) < fewest:
        return None
    labels = {str(c["key"]): item_label(t, c, default) for c in question.choices}
    parts = [f"{escape(labels.get(c.choice, c.choice))} {t.number(c.answers)}" for c in counts]
    return [f"• <b>{indicator(t, question, default)}</b>", "   " + " · ".join(parts)]


def percent(t: Translator, share: float) -> str:
    return babel.numbers.format_percent(round(share, 3), locale=t.locale)


def _amount(t: Translator, value: float, unit: str) -> str:
    number = t.number(round(value, 2))
    return f"{number} {unit}" if unit else number


def _relative_change(t: Translator, now: float, before: float | None) -> str | None:
    """Against a total of zero a percentage means nothing: the difference, signed, instead."""
    if before is None:
        return None
    if before == 0:
        return t.gettext(
            "{change} vs the previous period", change=_signed(t, now, t.number(round(abs(now), 2)))
        )
    change = (now - before) / abs(before)
    return t.gettext(
        "{change} vs the previous period", change=_signed(t, change, percent(t, abs(change)))
    )


def _points(t: Translator, now: float, before: float | None) -> str | None:
    if before is None:
        return None
    difference = round(now - before, 1)
    points = t.gettext("{number} pts", number=t.number(abs(difference)))
    return t.gettext("{change} vs the previous period", change=_signed(t, difference, points))


def _signed(t: Translator, value: float, magnitude: str) -> str:
    if round(value, 3) == 0:
        return t.gettext("no change")
    symbol = (
        babel.numbers.get_plus_sign_symbol(t.locale)
        if value > 0
        else babel.numbers.get_minus_sign_symbol(t.locale)
    )
    return symbol + magnitude
