"""How check-ins read in a chat: the period they cover, each question with its answer in the
reader's language and number format (units included), for the summary before sending, a
partner's own history and anyone reviewing them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date

import babel.dates

from bot.checkins.answers import Value, amount, label, short_label
from bot.checkins.draft import PIN
from bot.i18n import Html, Translator, escape
from bot.localized import show
from handlers.shared.cards import escape_attr
from storage.models import Cadence, CheckinAnswer, CheckinQuestion, QuestionKind

Answers = Mapping[str, Mapping[str, Value]]  # question key -> part -> value


def period_label(t: Translator, cadence: str, start: date) -> str:
    """ "July 2026" for a monthly check-in, "the week of 6 Jul 2026" for a weekly one."""
    if cadence == Cadence.WEEKLY:
        return t.gettext("the week of {date}", date=t.date(start, "medium"))
    return str(babel.dates.format_skeleton("yMMMM", start, locale=t.locale))


def question_text(t: Translator, question: CheckinQuestion, default: str) -> Html:
    return show(t, question.text, default)


def indicator(t: Translator, question: CheckinQuestion, default: str) -> Html:
    """The question's short label: lists of answers name indicators, not whole questions."""
    return Html(escape(short_label(t, question, default)))


def answer_lines(
    t: Translator, questions: Sequence[CheckinQuestion], answers: Answers, default: str
) -> list[str]:
    """ "1. question" then "→ answer" for each question; answers to questions the template no
    longer has follow under their key, so nothing stored is hidden."""
    lines = []
    for n, question in enumerate(questions, start=1):
        lines.append(f"<b>{t.number(n)}.</b> {indicator(t, question, default)}")
        lines.append("→ " + answer_text(t, question, answers.get(question.key, {}), default))
    known = {question.key for question in questions}
    for key, values in answers.items():
        if key not in known:
            shown = ", ".join(escape(_raw(t, value)) for value in values.values())
            lines.append(f"<b>{escape(key)}</b>: {shown}")
    return lines


def answer_text(
    t: Translator, question: CheckinQuestion, values: Mapping[str, Value], default: str
) -> str:
    """One question's answer as HTML; "skipped" when there is none."""
    if not values:
        return "<i>" + t.gettext("skipped") + "</i>"
    kind = QuestionKind(question.kind)
    if kind == QuestionKind.NUMBER and question.parts:
        shown = [
            t.gettext(
                "{part}: {value}",
                part=label(t, part, default),
                value=_number(t, question, values.get(str(part["key"])), default),
            )
            for part in question.parts
        ]
        return " · ".join(shown)
    value = values.get("")
    if kind in (QuestionKind.NUMBER, QuestionKind.PERCENTAGE):
        return _number(t, question, value, default)
    if kind == QuestionKind.YES_NO:
        return t.gettext("Yes") if value else t.gettext("No")
    if kind == QuestionKind.CHOICE:
        chosen = next((c for c in question.choices if c["key"] == value), None)
        return escape(label(t, chosen, default) if chosen else str(value))
    if kind == QuestionKind.TEXT:
        return "«" + escape(str(value)) + "»"
    if kind == QuestionKind.PHOTO:
        shown = ["📷 " + t.gettext("photo")]
        if PIN in values:
            shown.append(map_link(t, str(values[PIN])))
        return ", ".join(shown)
    return map_link(t, str(value))


def map_link(t: Translator, value: str) -> str:
    """A "lat,lon" location as a link to the map, so nobody has to read coordinates."""
    try:
        latitude, longitude = (float(number) for number in value.split(","))
    except ValueError:
        return escape(value)
    url = f"https://www.openstreetmap.org/?mlat={latitude}&mlon={longitude}#map=17/{latitude}/{longitude}"
    label = t.gettext("location on the map")  # outside the f-string, so it is extracted
    return f'<a href="{escape_attr(url)}">📍 {label}</a>'


def stored_answers(rows: Iterable[CheckinAnswer]) -> dict[str, dict[str, Value]]:
    """Stored answer rows as the question key -> part -> value mapping the cards read."""
    answers: dict[str, dict[str, Value]] = {}
    for row in rows:
        value: Value = row.number if row.number is not None else (row.text or "")
        answers.setdefault(row.question_key, {})[row.part] = value
    return answers


def _number(t: Translator, question: CheckinQuestion, value: Value | None, default: str) -> Html:
    if value is None or isinstance(value, str):
        return Html("—")
    return Html(escape(amount(question, t, float(value), default)))


def _raw(t: Translator, value: Value) -> str:
    return value if isinstance(value, str) else t.number(value)
