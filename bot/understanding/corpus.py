"""What the bot can answer from, as texts to index: the built-in intents' phrases, and every
FAQ entry, event and programme the partnership has written, in every language it was written
in. A text is either a way of asking (a trigger phrase, an FAQ question) or a passage that
answers (an FAQ answer, an event's description, a programme's summary, status or figures).
"""

from __future__ import annotations

import dataclasses
import functools
import re
import tomllib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from babel import Locale
from babel.dates import format_date

from bot.i18n import locales_dir
from bot.intents import Phrase
from bot.numbers import format_figure
from bot.understanding.embedding import Role
from bot.understanding.names import ACRONYM
from storage.models import Event, FaqEntry, Programme
from storage.uow import UnitOfWork

FAQ, EVENT, PROGRAMME = "faq:", "event:", "programme:"  # target prefixes, then the row's id
# Passages are cut into sentences, so a question about one fact finds the sentence that holds
# it instead of a paragraph's blurred average; bullets and Khmer and Arabic full stops count.
_SENTENCE_END = re.compile(r"(?<=[.!?។؟])\s+|\n+|\s*•\s*")
_MIN_SENTENCE = 12  # characters; shorter pieces join the next one
# Ways of asking about a part of a programme ("when did {name} begin"), per language.
ASKING_FILE = "asking.toml"
PROGRAMME_PARTS = ("phase", "funder", "countries", "status", "summary", "figure")
_ASIDE = re.compile(r"\s*\([^()]*\)")  # "(more than)" after a figure's label
# An alias may begin with an article ("le Mécanisme"); where a way of asking puts one before
# {name} already ("où en est le {name}", "avancement du {name}"), the alias's is dropped.
_ARTICLES = {"en": {"the"}, "fr": {"le", "la", "les"}, "es": {"el", "la", "los", "las"}}
_DETERMINERS = {
    "en": {"the"},
    "fr": {"le", "la", "les", "du", "au", "aux", "des"},
    "es": {"el", "la", "los", "las", "del", "al"},
}


@dataclass(frozen=True)
class Text:
    target: str  # what it leads to: an intent, or FAQ / EVENT / PROGRAMME + id
    language: str
    text: str
    role: Role  # "query": a way of asking; "passage": content that answers
    part: str = ""  # which part of the target it comes from: shown as the answer
    about: str = ""  # the programme target an FAQ entry is about: the same answer, elsewhere
    unnamed: str = ""  # a programme's way of asking, with its name left out


async def content_sources(
    uow: UnitOfWork,
) -> tuple[Sequence[FaqEntry], list[Event], Sequence[Programme]]:
    """The FAQ entries, (not cancelled) events and programmes the partnership has written."""
    events = [event for event in await uow.events.all() if event.cancelled_at is None]
    return await uow.faq.all(), events, await uow.programmes.all()


def content_texts(
    entries: Iterable[FaqEntry], events: Iterable[Event], programmes: Iterable[Programme]
) -> list[Text]:
    """Every text of the partnership's content."""
    return [
        *(text for entry in entries for text in faq_texts(entry)),
        *(text for event in events for text in event_texts(event)),
        *(text for programme in programmes for text in programme_texts(programme)),
    ]


def builtin_texts(phrases: Iterable[Phrase]) -> list[Text]:
    return [Text(p.intent, p.language, p.text, "query") for p in phrases]


def faq_texts(entry: FaqEntry) -> Iterator[Text]:
    target = f"{FAQ}{entry.id}"
    about = f"{PROGRAMME}{entry.programme_id}" if entry.programme_id else ""
    for language, question in entry.question.items():
        yield Text(target, language, question, "query", "question", about)
    for language, phrases in entry.triggers.items():
        for phrase in phrases:
            yield Text(target, language, phrase, "query", "question", about)
    for language, answer in entry.answer.items():
        for sentence in _sentences(target, language, answer, "answer"):
            yield dataclasses.replace(sentence, about=about)


def event_texts(event: Event) -> Iterator[Text]:
    target = f"{EVENT}{event.id}"
    for language, title in event.title.items():
        # A question may name the event ("the soils session") or ask what it covers.
        yield Text(target, language, title, "query", "description")
        yield Text(target, language, title, "passage", "description")
    for language, description in event.description.items():
        yield from _sentences(target, language, description, "description")
    for language, place in event.place.items():  # "Online (GLF Bonn 2020 digital conference)"
        yield Text(target, language, place, "passage", "description")


def programme_texts(programme: Programme) -> Iterator[Text]:
    target = f"{PROGRAMME}{programme.id}"
    for part in ("summary", "status", "phase", "funder"):
        texts: Mapping[str, str] = getattr(programme, part)
        for language, text in texts.items():
            yield from _sentences(target, language, text, part)
    for figure in programme.figures:
        for language, label in figure.label.items():
            unit = figure.unit.get(language, "")
            text = f"{label}: {format_figure(language, figure.value)} {unit}".strip()
            yield Text(target, language, text, "passage", f"figure:{figure.position}")
    if programme.starts_on:
        for language, name in programme.name.items():
            start = format_date(programme.starts_on, "long", locale=language)
            end = (
                format_date(programme.ends_on, "long", locale=language) if programme.ends_on else ""
            )
            phase = programme.phase.get(language, "")
            text = f"{name}: {start} – {end}. {phase}".strip()
            yield Text(target, language, text, "passage", "phase")
    yield from _asking(target, programme)
    if programme.countries:
        for language in programme.name:
            names = Locale.parse(language).territories
            countries = ", ".join(names.get(code, code) for code in programme.countries)
            name = programme.name[language]
            yield Text(target, language, f"{name}: {countries}", "passage", "countries")


@functools.cache
def asking_phrases(directory: Path | None = None) -> dict[str, dict[str, tuple[str, ...]]]:
    """language -> part of a programme -> ways of asking about it, from locales/*/asking.toml."""
    tables = {}
    for path in sorted((directory or locales_dir()).glob(f"*/{ASKING_FILE}")):
        with path.open("rb") as source:
            table = tomllib.load(source)
        unknown = set(table) - set(PROGRAMME_PARTS)
        if unknown:
            raise ValueError(f"{path}: unknown part {sorted(unknown)}")
        tables[path.parent.name] = {part: tuple(table[part]) for part in table}
    return tables


def _asking(target: str, programme: Programme) -> Iterator[Text]:
    """A partner asks about a programme by its short name ("when did FLRM begin?"): the
    acronym any of its names gives, else its name in each language, and what partners call it
    in that language ("how is the Mechanism going"; an alias in other languages only makes the
    texts many, and `Names` finds it anyway)."""
    acronyms = {a.strip() for name in programme.name.values() for a in ACRONYM.findall(name)}
    for language, parts in asking_phrases().items():
        # The name as written there, without its acronym ("Landscape Partnership Asia"), too.
        written = ACRONYM.sub("", programme.name.get(language, "")).strip()
        names = acronyms | ({written} if written else set())
        names |= set((programme.aliases or {}).get(language, ()))
        for part, phrases in parts.items():
            for phrase in phrases:
                # A phrase without {name} ("how much {label}") is filled once, not once a name.
                filled = (
                    sorted({_once(phrase, language, n) for n in names})
                    if "{name}" in phrase
                    else [""]
                )
                for name in filled:
                    if part != "figure":
                        unnamed = " ".join(phrase.format(name="").split())
                        text = phrase.format(name=name)
                        yield Text(target, language, text, "query", part, unnamed=unnamed)
                        continue
                    # A figure is asked about by its label: "how much funding did phase 1
                    # leverage" reads like "how much {additional funding leveraged in phase 1}".
                    for figure in programme.figures:
                        label = _ASIDE.sub("", figure.label.get(language, "")).strip()
                        if label:
                            text = phrase.format(name=name, label=label[:1].lower() + label[1:])
                            yield Text(target, language, text, "query", f"figure:{figure.position}")


def _once(phrase: str, language: str, name: str) -> str:
    """`name` as it fills `phrase`, without its article when the phrase has one before it
    ("du {name}" and "le Mécanisme" make "du Mécanisme")."""
    before = phrase.partition("{name}")[0].split()
    article, _, rest = name.partition(" ")
    if (
        rest
        and before
        and before[-1].casefold() in _DETERMINERS.get(language, set())
        and article.casefold() in _ARTICLES.get(language, set())
    ):
        return rest
    return name


def _sentences(target: str, language: str, text: str, part: str) -> Iterator[Text]:
    pending = ""
    for piece in _SENTENCE_END.split(text):
        pending = f"{pending} {piece}".strip()
        if len(pending) >= _MIN_SENTENCE:
            yield Text(target, language, pending, "passage", part)
            pending = ""
    if pending:
        yield Text(target, language, pending, "passage", part)
