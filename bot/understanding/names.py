"""Programmes and landscapes a question names ("how is LPA going?", "meeting in Cambodia?"), by
their names and aliases ("the Mechanism") in any language, acronyms, slugs and the localized
names of their countries; events, by the short names their own texts give them ("the GLF soils
session", "the meeting with KFS"); and names the partnership never wrote ("the GEF council", "la
Grande Muraille Verte"), which make a question someone else's business. An event is named by the
words of its title too, where no other text uses them ("the soils session", "토양 세션")."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from babel import Locale

from bot.intents import GLUED_SCRIPTS, _main_script, normalize, with_proclitics
from bot.settings import SHIPPED_LANGUAGES
from storage.models import Event, Programme

ACRONYM = re.compile(r"\(([^()]{2,12})\)")  # "Mechanism (FLRM)"
_MIN_LETTERS = 3  # shorter names ("FL") would turn up inside ordinary words
_LATIN = "0-9a-z\u00c0-\u024f"  # normalized: lower case, accents stripped from most
# A name in Latin letters: an acronym ("GEF") or a capitalised word after the first ("Verte").
# Only Latin letters and digits continue it: a Korean particle glued to a name ("LPA가") or a
# Khmer word after it is no part of the name.
_LATIN_WORD = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿ][A-Za-zÀ-ÖØ-öø-ÿ0-9'’-]*")
# An event's acronym, in capitals ("GLF Bonn 2020", "Korea Forest Service (KFS)").
_CAPITALS = re.compile(r"(?<![A-Za-z])[A-Z][A-Z0-9]{2,}(?![A-Za-z])")
# A title's lead before its colon (Latin, full-width, Khmer) names a series the event belongs to:
# "Global Landscapes Forum: Soils as keystone…", "វេទិកាទេសភាពសកល៖ ដី…".
_LEAD = re.compile(r"^\s*([^:：៖]+?)\s*[:：៖]")
_LEAD_WORDS = 5  # longer, the part before a colon is a sentence of its own, no name
# A word of an event's title names it when no other text uses it, and no other event's title;
# shorter words turn up inside ordinary ones. In a script without spaces, a run of the title's
# letters does: two Hangul syllables ("토양", soils), six Khmer letters (a word or two).
_TITLE_WORD = 4
_TITLE_RUN = {"HANGUL": 2, "KHMER": 6}
# What Arabic glues to a word's front (see `with_proclitics`): "واصلاح" (and restoration) is an
# ordinary word where "اصلاح" is.
_PROCLITICS = re.compile(r"^[وف]?[بكل]?")


@dataclass(frozen=True)
class Named:
    programmes: frozenset[int]
    landscapes: frozenset[int]
    words: tuple[str, ...]  # what named them, normalized; but for `mentioned`
    events: frozenset[int] = frozenset()  # by a name only that event's texts use ("GLF")
    # By a name other content uses too: "KFS" names the meeting with KFS, but it is FLRM's
    # funder as well ("is KFS our funder?").
    mentioned: frozenset[int] = frozenset()
    # By words only its title uses: "the soils session", but also "how do I improve my soils?".
    titled: frozenset[int] = frozenset()


@dataclass(frozen=True)
class _Name:
    words: str  # normalized
    pattern: re.Pattern[str]  # where the question names it
    programme: int | None  # None: an event's name
    landscape: int | None
    event: int | None = None
    shared: bool = False  # an event's name that other content uses too


class Names:
    def __init__(
        self,
        programmes: Sequence[Programme],
        vocabulary: Iterable[str] = (),
        events: Iterable[Event] = (),
        elsewhere: Iterable[str] = (),
    ) -> None:
        """`vocabulary`: every word the partnership's texts and the bot's phrases use;
        `elsewhere`: those of every text but the events'."""
        events, elsewhere = list(events), frozenset(elsewhere)
        ours = list(_names(programmes))
        found = [*ours, *_event_names(events, {n.words for n in ours}, elsewhere)]
        names = {(n.words, n.programme, n.landscape, n.event): n for n in found}
        # Longest first, so "FLRM Cambodia" is read before "FLRM".
        self._names = sorted(names.values(), key=lambda n: -len(n.words))
        self._vocabulary = frozenset(vocabulary)
        # A programme's name in an event's title ("FLRM progress meeting") names the programme.
        self._titles = _Titles(events, elsewhere | {w for n in ours for w in n.words.split()})

    def foreign(self, text: str) -> tuple[str, ...]:
        """Names in `text` that nothing the partnership wrote uses."""
        found = []
        for position, match in enumerate(_LATIN_WORD.finditer(text)):
            word = match.group(0)
            acronym = len(word) >= 2 and word.isupper()
            capitalised = position > 0 and word[:1].isupper() and len(word) >= _MIN_LETTERS
            known = all(part in self._vocabulary for part in normalize(word).split())
            if (acronym or capitalised) and not known:
                found.append(word)
        return tuple(found)

    def find(self, text: str) -> Named:
        normalized = normalize(text)
        rest = f" {normalized} "
        programmes: set[int] = set()
        landscapes: set[int] = set()
        events: set[int] = set()
        mentioned: set[int] = set()
        words: list[str] = []
        for name in self._names:
            found = name.pattern.search(rest)
            if found is None:
                continue
            rest = f"{rest[: found.start()]} {rest[found.end() :]}"
            if name.shared and name.event is not None:  # part of what it asks: "is KFS ours?"
                mentioned.add(name.event)
                continue
            words.append(found.group(0))
            if name.programme is not None:
                programmes.add(name.programme)
            if name.landscape is not None:
                landscapes.add(name.landscape)
            if name.event is not None:
                events.add(name.event)
        return Named(
            frozenset(programmes),
            frozenset(landscapes),
            tuple(words),
            frozenset(events),
            frozenset(mentioned - events),
            frozenset(self._titles.find(normalized) - events),
        )


class _Titles:
    """The events a question names by words of their titles: words (or, in a script without
    spaces, runs of letters) that one event's title has, and neither another's nor any text but
    the events' (`elsewhere`: "meeting" names no event)."""

    def __init__(self, events: Iterable[Event], elsewhere: frozenset[str]) -> None:
        self._titles = [(e.id, normalize(title)) for e in events for title in e.title.values()]
        self._letters = "\n".join(title for _, title in self._titles)
        self._elsewhere = " ".join(sorted(elsewhere))  # a run is in a text if in one of its words
        self._words: dict[str, set[int]] = {}
        for event, title in self._titles:
            for word in title.split():
                spaced = _main_script(word) not in GLUED_SCRIPTS
                if spaced and _letters(word) >= _TITLE_WORD and not _bare(word) & elsewhere:
                    self._words.setdefault(word, set()).add(event)

    def find(self, normalized: str) -> set[int]:
        """The events `normalized` (a question, normalized) names by words of their titles."""
        found: set[int] = set()
        for word in normalized.split():
            run = _TITLE_RUN.get(_main_script(word))
            for holders in self._runs(word, run) if run else [self._words.get(word, set())]:
                if len(holders) == 1:
                    found |= holders
        return found

    def _runs(self, word: str, least: int) -> Iterator[set[int]]:
        """For each longest run of `word`'s letters that some title has and no other text, the
        events whose titles have it."""
        end = 0
        for start in range(len(word) - least + 1):
            stop = start + least
            if word[start:stop] not in self._letters:
                continue
            while stop < len(word) and word[start : stop + 1] in self._letters:
                stop += 1
            if stop <= end:  # part of the run before
                continue
            end = stop
            run = word[start:stop]
            if run not in self._elsewhere:
                yield {event for event, title in self._titles if run in title}


def _bare(word: str) -> set[str]:
    """The word, and the words it may be with what Arabic glues to its front taken off ("لل" is
    ل and the article)."""
    forms = {word, _PROCLITICS.sub("", word)}
    return forms | {f"ال{word[2:]}"} if word.startswith("لل") else forms


def _letters(word: str) -> int:
    return sum(char.isalpha() for char in word)


def _names(programmes: Iterable[Programme]) -> Iterator[_Name]:
    locales = [Locale.parse(language) for language in SHIPPED_LANGUAGES]
    for programme in programmes:
        spellings = {programme.slug, programme.slug.replace("-", " ")}
        for name in programme.name.values():
            spellings |= {name, ACRONYM.sub("", name), *ACRONYM.findall(name)}
        # What partners call it ("the Mechanism"), found in a question in any language; a
        # programme built in memory, never stored, has no aliases yet.
        spellings |= {alias for aliases in (programme.aliases or {}).values() for alias in aliases}
        yield from _named(spellings, programme.id, None)
        for landscape in programme.landscapes:
            spellings = {landscape.name, landscape.slug.replace("-", " ")}
            spellings |= {locale.territories.get(landscape.country, "") for locale in locales}
            yield from _named(spellings, programme.id, landscape.id)


def _event_names(
    events: Iterable[Event], taken: set[str], elsewhere: frozenset[str]
) -> Iterator[_Name]:
    """Each event's short names (`_event_spellings`) that name it alone: not a programme's or a
    landscape's (`taken`, "FLRM"), nor one that several events have (the "GLF" of every session
    of a conference identifies none of them). A name whose every word other content uses
    (`elsewhere`: "KFS", FLRM's funder) is marked shared."""
    names = [n for event in events for n in _named(_event_spellings(event), None, None, event.id)]
    holders: dict[str, set[int | None]] = {}
    for name in names:
        holders.setdefault(name.words, set()).add(name.event)
    for name in names:
        if name.words not in taken and len(holders[name.words]) == 1:
            yield dataclasses.replace(name, shared=set(name.words.split()) <= elsewhere)


def _event_spellings(event: Event) -> set[str]:
    """What partners call an event, from its own texts in any language: the acronyms in its
    title and place ("GLF Bonn 2020") and those its description gives in brackets ("Korea
    Forest Service (KFS)"), and the series its title begins with ("Global Landscapes Forum:
    …")."""
    spellings = {
        a
        for text in (*event.title.values(), *event.place.values())
        for a in _CAPITALS.findall(text)
    }
    for description in event.description.values():
        spellings |= {
            a.strip() for a in ACRONYM.findall(description) if _CAPITALS.fullmatch(a.strip())
        }
    for title in event.title.values():
        lead = _LEAD.match(title)
        if lead and len(lead.group(1).split()) <= _LEAD_WORDS:
            spellings.add(lead.group(1))
    return spellings


def _named(
    spellings: Iterable[str], programme: int | None, landscape: int | None, event: int | None = None
) -> Iterator[_Name]:
    for spelling in spellings:
        words = normalize(spelling)
        if len(words.replace(" ", "")) >= _MIN_LETTERS:
            yield _Name(words, _pattern(words), programme, landscape, event)


def _pattern(words: str) -> re.Pattern[str]:
    """Where a question names `words` (normalized): anywhere in a script written without
    spaces; in Latin letters up to the next other letter, so a Korean particle ("LPA가") or an
    Arabic conjunction ("وFLRM") glued to it is no part of it; in Arabic with a proclitic glued
    in front ("لآلية ...", "بالمغرب", "للمغرب": ل and the article's alef make لل); elsewhere as
    whole words."""
    script = _main_script(words)
    name = re.escape(words)
    if script in GLUED_SCRIPTS:
        return re.compile(name)
    if script == "LATIN":
        return re.compile(rf"(?<![{_LATIN}]){name}(?![{_LATIN}])")
    if script == "ARABIC":
        return re.compile(rf"(?<!\S){with_proclitics(name)}(?!\S)")
    return re.compile(rf"(?<!\S){name}(?!\S)")
