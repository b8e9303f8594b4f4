"""Check-in templates in the content file, both ways: `[[checkin_templates]]` entries checked
and turned into the fields the repository stores, and stored templates written back out in the
same shape (so an export imports as it was)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Protocol

from bot.checkins.answers import TEXT_MAX
from bot.content.schema import WEEKDAYS, CheckinTemplateEntry, LabelledKey
from storage.models import CheckinQuestion, CheckinTemplate, QuestionKind


class Checker(Protocol):
    """What the importer's check offers: programme languages, and default-language texts."""

    def programme(self, where: str, slug: str | None) -> str: ...

    def texts(
        self, where: str, default: str, **fields: dict[str, str]
    ) -> dict[str, dict[str, str]]: ...


def template_fields(
    check: Checker, index: int, entry: CheckinTemplateEntry
) -> tuple[str, dict[str, Any]]:
    """(programme slug, keyword arguments for `Checkins.replace_template`); problems go to
    `check`, so nothing is written when any is found."""
    where = f"checkin_templates[{index}] ({entry.programme})"
    default = check.programme(where, entry.programme)
    questions = []
    for n, question in enumerate(entry.questions):
        at = f"{where}.questions[{n}] ({question.key})"
        texts = check.texts(
            at, default, text=question.text, short=question.short, unit=question.unit
        )
        max_length = question.max_length
        if question.kind == QuestionKind.TEXT and max_length is None:
            max_length = TEXT_MAX
        questions.append(
            {
                **texts,
                "key": question.key,
                "kind": question.kind,
                "required": question.required,
                "minimum": question.min,
                "maximum": question.max,
                "integer": question.integer,
                "choices": _labelled(check, f"{at}.choices", default, question.choices),
                "parts": _labelled(check, f"{at}.parts", default, question.parts),
                "max_length": max_length,
                "barrier": question.barrier,
            }
        )
    fields = {
        "cadence": entry.cadence,
        "weekday": WEEKDAYS.index(entry.weekday),
        "hour": entry.hour,
        "window_days": entry.window_days,
        "questions": questions,
    }
    return entry.programme, fields


def _labelled(
    check: Checker, where: str, default: str, items: list[LabelledKey]
) -> list[dict[str, Any]]:
    labelled = []
    for n, item in enumerate(items):
        texts = check.texts(f"{where}[{n}] ({item.key})", default, label=item.label)
        labelled.append({"key": item.key, "label": texts["label"]})
    return labelled


Compact = Callable[[dict[str, Any]], dict[str, Any]]
Texts = Callable[[dict[str, str]], dict[str, str]]
Number = Callable[[float], float | int]


def template_entry(
    template: CheckinTemplate, slug: str, compact: Compact, texts: Texts, number: Number
) -> dict[str, Any]:
    """A stored template as its `[[checkin_templates]]` entry, written with the exporter's
    own helpers (drop empty values, languages in order, whole numbers without ".0")."""

    def question(row: CheckinQuestion) -> dict[str, Any]:
        return compact(
            {
                "key": row.key,
                "kind": str(row.kind),
                "text": texts(row.text),
                "short": texts(row.short),
                "required": row.required,
                "unit": texts(row.unit),
                "min": None if row.minimum is None else number(row.minimum),
                "max": None if row.maximum is None else number(row.maximum),
                "integer": row.integer or None,
                "choices": [_item(choice, texts) for choice in row.choices],
                "parts": [_item(part, texts) for part in row.parts],
                "max_length": row.max_length,
                "barrier": row.barrier or None,
            }
        )

    return {
        "programme": slug,
        "cadence": str(template.cadence),
        "weekday": WEEKDAYS[template.weekday],
        "hour": template.hour,
        "window_days": template.window_days,
        "questions": [question(row) for row in template.questions],
    }


def _item(item: Mapping[str, Any], texts: Texts) -> dict[str, Any]:
    return {"key": item["key"], "label": texts(item.get("label") or {})}
