"""Languages: the gettext catalogs, choosing a partner's language, and locale-aware formatting.

Catalogs are read from the `.po` files at start (a few milliseconds) rather than from compiled
`.mo` files: a fresh clone serves every language with no build step, and there is no binary
that can drift from its source.
"""

from __future__ import annotations

import html
import io
from collections.abc import Iterable
from datetime import date, datetime, tzinfo
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import babel.dates
import babel.numbers
from babel import Locale, UnknownLocaleError
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

Moment = datetime  # the Translator has a method named `datetime`

SOURCE_LANGUAGE = "en"
DOMAIN = "messages"
# The catalogs' English is British ("programme"); its dates read "Thursday 17 December 2026,
# 14:00" rather than the US defaults.
FORMAT_LOCALES = {"en": "en_GB"}


def N_(message: str) -> str:
    """Mark a module-level string for extraction; it is translated where it is shown."""
    return message


class Html(str):
    """Text that is already safe HTML (rendered by us), so it is not escaped again."""

    __slots__ = ()


# Line breaks stay; every other control character, and the invisible marks that reorder text
# (used to disguise what a message says), go.
_CONTROLS = dict.fromkeys(
    [c for c in range(32) if chr(c) not in "\n\t"]
    + [127, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
)


def without_controls(text: str) -> str:
    """Text as typed, minus what no one means to type (a NUL would not even store)."""
    return text.translate(_CONTROLS)


def escape(value: object) -> str:
    """Escape anything for Telegram's HTML parse mode, unless it is already `Html`."""
    return value if isinstance(value, Html) else html.escape(str(value), quote=False)


def locales_dir() -> Path:
    import locales

    return Path(locales.__file__).parent


class Catalogs:
    """Every shipped language, loaded once at start."""

    def __init__(self, translations: dict[str, Translations], default: str) -> None:
        if default not in translations:
            raise ValueError(f"default language {default!r} is not shipped")
        self._translations = translations
        self.default = default

    @classmethod
    def load(cls, default: str = SOURCE_LANGUAGE, directory: Path | None = None) -> Catalogs:
        directory = directory or locales_dir()
        translations: dict[str, Translations] = {SOURCE_LANGUAGE: Translations()}
        for po in sorted(directory.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
            language = po.parent.parent.name
            with po.open("rb") as source:
                catalog = read_po(source, locale=language)
            buffer = io.BytesIO()
            write_mo(buffer, catalog)  # fuzzy entries are left out, as msgfmt does
            buffer.seek(0)
            translations[language] = Translations(buffer, domain=DOMAIN)
        return cls(translations, default)

    @property
    def languages(self) -> tuple[str, ...]:
        """Shipped languages, the source language first."""
        return (SOURCE_LANGUAGE, *sorted(k for k in self._translations if k != SOURCE_LANGUAGE))

    def negotiate(self, language_code: str | None) -> str | None:
        """Map Telegram's optional, free-form language_code (e.g. "fr-CA") to a shipped language."""
        if not language_code:
            return None
        try:
            parsed = Locale.parse(language_code.replace("_", "-"), sep="-")
        except (ValueError, UnknownLocaleError):
            return None
        return parsed.language if parsed.language in self._translations else None

    def choose(self, stored: str | None, language_code: str | None) -> str:
        """Stored choice, else Telegram's hint, else the configured default."""
        if stored in self._translations:
            return stored
        return self.negotiate(language_code) or self.default

    def translator(self, language: str, timezone: str | None = None) -> Translator:
        language = language if language in self._translations else self.default
        return Translator(language, self._translations[language], timezone or "UTC")

    def translators(self) -> Iterable[Translator]:
        return (self.translator(language) for language in self.languages)


class Translator:
    """Translate and format for one partner: their language and their time zone."""

    def __init__(self, language: str, translations: Translations, timezone: str) -> None:
        self.language = language
        self.locale = Locale.parse(FORMAT_LOCALES.get(language, language))
        self.timezone = timezone
        self.zone = ZoneInfo(timezone)
        self._translations = translations

    def with_language(self, language: str, catalogs: Catalogs) -> Translator:
        return catalogs.translator(language, self.timezone)

    def gettext(self, message: str, **values: Any) -> str:
        """Translate, then fill `{placeholders}` with HTML-escaped values."""
        text = self._translations.gettext(message)
        return text.format(**self._prepare(values)) if values else text

    def ngettext(self, singular: str, plural: str, n: int, **values: Any) -> str:
        """Plural-aware translation; `{n}` is filled with the count formatted for the locale."""
        text = self._translations.ngettext(singular, plural, n)
        return text.format(n=self.number(n), **self._prepare(values))

    def _prepare(self, values: dict[str, Any]) -> dict[str, str]:
        return {key: escape(value) for key, value in values.items()}

    def number(self, value: float) -> str:
        return babel.numbers.format_decimal(value, locale=self.locale)

    def date(self, value: date, style: str = "long") -> str:
        return babel.dates.format_date(value, format=style, locale=self.locale)

    def datetime(self, value: datetime, style: str = "medium") -> str:
        """A moment in the partner's time zone, with the zone's offset so it is unambiguous."""
        local = value.astimezone(self.zone)
        text = babel.dates.format_datetime(
            local, format=style, tzinfo=self.zone, locale=self.locale
        )
        return f"{text} ({utc_offset(self.zone, value)})"

    def when(self, moment: Moment) -> str:
        """ "Thursday 17 December 2026, 14:00 (UTC+7)": a moment in the reader's zone."""
        local = moment.astimezone(self.zone)
        time = babel.dates.format_time(local, format="short", locale=self.locale)
        return f"{self._day_and(local, time)} ({utc_offset(self.zone, moment)})"

    def time_span(self, starts: Moment, ends: Moment) -> str:
        """Start and end; the date once when both fall on the same local day."""
        first, last = starts.astimezone(self.zone), ends.astimezone(self.zone)
        if first.date() != last.date():
            return f"{self.when(starts)} – {self.when(ends)}"
        times = [
            babel.dates.format_time(t, format="short", locale=self.locale) for t in (first, last)
        ]
        return f"{self._day_and(first, '–'.join(times))} ({utc_offset(self.zone, starts)})"

    def _day_and(self, local: Moment, time: str) -> str:
        """The full date and a time, joined the locale's way ("{1}, {0}" in English)."""
        day = babel.dates.format_date(local, format="full", locale=self.locale)
        pattern = str(babel.dates.get_datetime_format("medium", locale=self.locale))
        return pattern.replace("'", "").replace("{1}", day).replace("{0}", time)

    def relative(self, moment: Moment, now: Moment) -> str:
        """ "in 3 days", "2 hours ago", with the locale's plural rules."""
        return babel.dates.format_timedelta(
            moment - now, granularity="minute", add_direction=True, locale=self.locale
        )

    def language_name(self, code: str) -> str:
        """A language's own name for itself ("Français"), as a picker shows it."""
        name = Locale.parse(code).get_display_name(code) or code
        return name[:1].upper() + name[1:]

    def country_name(self, code: str) -> str:
        return str(self.locale.territories.get(code.upper(), code.upper()))


def utc_offset(zone: tzinfo, at: datetime) -> str:
    """ "UTC+7", "UTC-6", "UTC+5:30" — readable on any phone, unlike zone abbreviations."""
    offset = at.astimezone(zone).utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset else 0
    sign = "+" if minutes >= 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    if minutes == 0:
        return "UTC"
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")
