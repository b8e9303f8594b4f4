"""What the content-editing commands (/setstatus, /faq) share: a language picker that ticks the
languages already written, reading typed texts and phrase lists with a hint when they do not fit."""

from __future__ import annotations

import re
from collections.abc import Callable

from babel import Locale

from bot.i18n import Translator
from bot.replies import Keyboard
from bot.turn import Turn

LABEL_MAX = 60  # characters of stored text shown on a button
PHRASE_MIN = 2
PHRASE_MAX = 100
PHRASES_MAX = 20
# Phrases come one per line or separated by commas (Latin, Arabic or full-width).
_PHRASE_SEPARATORS = re.compile(r"[\n,،，]")


def clip(text: str, limit: int = LABEL_MAX) -> str:
    """Stored text short enough for a button."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def button_label(t: Translator, label: str, value: str) -> str:
    """ "Label: value" the locale's way, as plain text: buttons show no HTML, so the values are
    filled in unescaped."""
    return t.gettext("{label}: {value}").format(label=clip(label, 40), value=value)


def language_picker(turn: Turn, action: str, written: Callable[[str], bool]) -> Keyboard:
    """Each shipped language in its own name, two to a row, ticked where a text exists."""
    buttons = [
        turn.button(("✓ " if written(code) else "") + turn.t.language_name(code), action, code)
        for code in turn.services.catalogs.languages
    ]
    return [buttons[i : i + 2] for i in range(0, len(buttons), 2)]


def language_in(t: Translator, code: str) -> str:
    """A language's name in the reader's language, cased for the middle of a sentence as the
    locale writes it: "French" in English, "anglais" in French, "영어" in Korean."""
    return Locale.parse(code).get_display_name(t.locale) or code


def read_text(t: Translator, text: str, limit: int) -> tuple[str | None, str | None]:
    """(the text, None), or (None, a hint to send it again)."""
    value = text.strip()
    if not value:
        return None, t.gettext("Please send some text.")
    if len(value) > limit:
        return None, t.ngettext(
            "This is too long: at most {n} character, please. Nothing was saved; shorten it "
            "and send it again.",
            "This is too long: at most {n} characters, please. Nothing was saved; shorten it "
            "and send it again.",
            limit,
        )
    return value, None


def read_phrases(t: Translator, text: str) -> tuple[list[str] | None, str | None]:
    """Trigger phrases, one per line or separated by commas: (phrases, None) or (None, hint)."""
    phrases: list[str] = []
    seen: set[str] = set()
    for part in _PHRASE_SEPARATORS.split(text):
        phrase = " ".join(part.split())
        if not phrase or phrase.casefold() in seen:
            continue
        if not PHRASE_MIN <= len(phrase) <= PHRASE_MAX:
            hint = t.gettext(
                "Each phrase must be {least} to {most} characters long, and “{phrase}” is not. "
                "Please send the phrases again.",
                least=PHRASE_MIN,
                most=PHRASE_MAX,
                phrase=clip(phrase, 40),
            )
            return None, hint
        seen.add(phrase.casefold())
        phrases.append(phrase)
    if not phrases:
        return None, t.gettext("Please send at least one phrase.")
    if len(phrases) > PHRASES_MAX:
        return None, too_many_phrases(t)
    return phrases, None


def too_many_phrases(t: Translator) -> str:
    return t.ngettext(
        "Please send at most {n} phrase.", "Please send at most {n} phrases.", PHRASES_MAX
    )
