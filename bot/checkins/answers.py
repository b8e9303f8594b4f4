"""Reading a partner's answer to one check-in question — typed in their locale, a photo or a
location — into the value stored, or a localized hint saying exactly what is expected, so the
flow can ask the same question again. Also how a stored value reads back to a partner.

Values are numbers (numbers, percentages, yes/no as 1/0) or texts (a choice's key, free text,
a photo's file id, a location as "lat,lon").
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import babel.numbers

from bot.i18n import Translator
from bot.localized import plain
from bot.numbers import read_number
from bot.typed import Invalid
from storage.models import CheckinQuestion, QuestionKind

Value = float | str
TEXT_MAX = 1000  # a free-text answer's length when the template sets none
SHORT_MAX = 40  # a short label's length, as the content file bounds it
_PERCENT_SIGNS = "%\u066a\uff05"  # "%", the Arabic "٪", the full-width "％"
_DECIMAL_EXAMPLES = (12.5, 0.5, 1234.5)
_WHOLE_EXAMPLES = (1200, 25, 3)


@dataclass(frozen=True)
class Sent:
    """What the partner sent at a question."""

    text: str = ""
    photo: str | None = None  # file id of the photo's largest size
    location: tuple[float, float] | None = None  # (latitude, longitude)


def parse(question: CheckinQuestion, sent: Sent, t: Translator, default: str = "en") -> Value:
    """The value to store for `question`, or `Invalid` with a hint. `default` is the
    programme's default language, used for units and labels missing in the reader's."""
    kind = QuestionKind(question.kind)
    if kind in (QuestionKind.NUMBER, QuestionKind.PERCENTAGE):
        return read_amount(question, sent.text, t, default)
    if kind == QuestionKind.YES_NO:
        return _read_yes_no(t, sent.text)
    if kind == QuestionKind.CHOICE:
        return _read_choice(question, t, sent.text, default)
    if kind == QuestionKind.TEXT:
        return read_text(t, sent.text, question.max_length or TEXT_MAX)
    if kind == QuestionKind.PHOTO:
        if sent.photo is None:
            raise Invalid(
                t.gettext("Please send a photo: tap 📎 and choose one from your gallery.")
            )
        return sent.photo
    return read_location(t, sent)


def read_location(t: Translator, sent: Sent) -> str:
    if sent.location is None:
        raise Invalid(t.gettext("Please share a location: tap 📎, then choose Location."))
    latitude, longitude = sent.location
    return f"{latitude:.6f},{longitude:.6f}"


def read_amount(question: CheckinQuestion, text: str, t: Translator, default: str) -> float:
    cleaned = text.strip()
    if question.kind == QuestionKind.PERCENTAGE:
        cleaned = cleaned.strip(_PERCENT_SIGNS).strip()
    unit = plain(t, question.unit, default)
    if unit and cleaned.casefold().endswith(unit.casefold()):
        cleaned = cleaned[: -len(unit)].strip()  # "12.5 ha" means 12.5
    value = read_number(t, cleaned)
    if value is None:
        raise Invalid(expected_amount(question, t, default))
    if question.integer and not value.is_integer():
        example = amount(question, t, _example(question), default)
        raise Invalid(
            t.gettext("Please send a whole number, for example {example}.", example=example)
        )
    low, high = bounds(question)
    if (low is not None and value < low) or (high is not None and value > high):
        raise Invalid(expected_amount(question, t, default))
    return value


def expected_amount(question: CheckinQuestion, t: Translator, default: str) -> str:
    """What a number question takes, with its range and an example, in the reader's locale."""
    low, high = bounds(question)
    example = amount(question, t, _example(question), default)
    if low is not None and high is not None:
        return t.gettext(
            "Please send a number between {low} and {high}, for example {example}.",
            low=amount(question, t, low, default),
            high=amount(question, t, high, default),
            example=example,
        )
    if low is not None:
        return t.gettext(
            "Please send a number of at least {low}, for example {example}.",
            low=amount(question, t, low, default),
            example=example,
        )
    if high is not None:
        return t.gettext(
            "Please send a number of at most {high}, for example {example}.",
            high=amount(question, t, high, default),
            example=example,
        )
    return t.gettext("Please send a number, for example {example}.", example=example)


def read_text(t: Translator, text: str, limit: int) -> str:
    # Line breaks are kept (answers are often short lists); other control characters are not.
    lines = (
        "".join(ch for ch in line if unicodedata.category(ch) != "Cc") for line in text.split("\n")
    )
    value = "\n".join(" ".join(line.split()) for line in lines).strip()
    if not value:
        raise Invalid(t.gettext("Please send your answer as text."))
    if len(value) > limit:
        raise Invalid(
            t.ngettext(
                "Please keep it to at most {n} character (yours has {length}).",
                "Please keep it to at most {n} characters (yours has {length}).",
                limit,
                length=t.number(len(value)),
            )
        )
    return value


def bounds(question: CheckinQuestion) -> tuple[float | None, float | None]:
    if question.kind == QuestionKind.PERCENTAGE:
        low = 0.0 if question.minimum is None else question.minimum
        return low, 100.0 if question.maximum is None else question.maximum
    return question.minimum, question.maximum


def amount(question: CheckinQuestion, t: Translator, value: float, default: str) -> str:
    """A number as the reader writes it, with the question's unit: "1 234,5 ha", "85 %"."""
    if question.kind == QuestionKind.PERCENTAGE:
        return babel.numbers.format_percent(
            value / 100, locale=t.locale, decimal_quantization=False
        )
    unit = plain(t, question.unit, default)
    return f"{t.number(value)} {unit}" if unit else t.number(value)


def short_label(t: Translator, question: CheckinQuestion, default: str) -> str:
    """The indicator in a few words (plain text): its short label in the reader's language,
    else its question in that language cut to fit, else the same in the default language."""
    if question.short.get(t.language):
        return question.short[t.language]
    if question.short and not question.text.get(t.language):
        return plain(t, question.short, default)
    return shortened(plain(t, question.text, default) or question.key)


def shortened(text: str, limit: int = SHORT_MAX) -> str:
    """`text` cut at a word boundary to at most `limit` characters, "…" marking the cut."""
    text = text.strip()
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:.?¿؟") + "…"


def label(t: Translator, item: Mapping[str, Any], default: str) -> str:
    """The label of a choice or part ({"key": ..., "label": {language: text}})."""
    return plain(t, item.get("label") or {}, default) or str(item["key"])


def _example(question: CheckinQuestion) -> float:
    low, high = bounds(question)
    if question.kind == QuestionKind.PERCENTAGE:
        candidates: tuple[float, ...] = (85,)
    else:
        candidates = _WHOLE_EXAMPLES if question.integer else _DECIMAL_EXAMPLES
    for candidate in candidates:
        if (low is None or candidate >= low) and (high is None or candidate <= high):
            return candidate
    return low if low is not None else high if high is not None else 0


def _read_yes_no(t: Translator, text: str) -> float:
    typed = " ".join(text.split()).casefold()
    if typed in {t.gettext("Yes").casefold(), "yes"}:
        return 1.0
    if typed in {t.gettext("No").casefold(), "no"}:
        return 0.0
    raise Invalid(t.gettext("Please press Yes or No."))


def _read_choice(question: CheckinQuestion, t: Translator, text: str, default: str) -> str:
    typed = " ".join(text.split()).casefold()
    for choice in question.choices:
        if typed in {label(t, choice, default).casefold(), str(choice["key"]).casefold()}:
            return str(choice["key"])
    raise Invalid(t.gettext("Please choose one of the buttons."))
