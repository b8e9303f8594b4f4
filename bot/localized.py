"""Showing content written per language (`Localized`): the reader's language when there is a
version in it, else the content's default language with a visible marker, so nobody mistakes
a fallback for a translation."""

from __future__ import annotations

from collections.abc import Mapping

from babel import Locale

from bot.i18n import Html, Translator, escape


def pick(texts: Mapping[str, str], language: str, default: str) -> tuple[str, str | None]:
    """(text, None) in the reader's language, or (text, its language) for a fallback."""
    if texts.get(language):
        return texts[language], None
    if texts.get(default):
        return texts[default], default
    for other, text in texts.items():
        if text:
            return text, other
    return "", None


def show(t: Translator, texts: Mapping[str, str], default: str) -> Html:
    """The text, escaped, followed by "(in English)" in the reader's language if a fallback."""
    text, fallback = pick(texts, t.language, default)
    if fallback is None:
        return Html(escape(text))
    language = Locale.parse(fallback).get_display_name(t.locale) or fallback
    return Html(escape(text) + " " + t.gettext("<i>(in {language})</i>", language=language))


def plain(t: Translator, texts: Mapping[str, str], default: str) -> str:
    """The bare text, for places that cannot hold a marker (button labels, calendar files)."""
    return pick(texts, t.language, default)[0]
