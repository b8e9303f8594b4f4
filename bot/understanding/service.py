"""The bot's understanding of free text, kept current with what the partnership has written.

One cheap query per question tells whether FAQ entries, events or programmes changed (so an
edit made on any replica is seen by all). A few new texts are embedded at once, so an answer a
coordinator just wrote serves the very next question; a large change (a start, an import) is
embedded in the background, never inside a partner's transaction, and meanwhile questions are
read by letters alone (rapidfuzz), as they were before meaning was understood.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import unicodedata
from collections.abc import Callable, Collection, Sequence, Set
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt

from bot.intents import (
    OUT_OF_SCOPE,
    IntentMatcher,
    Phrase,
    builtin_phrases,
    builtin_stopwords,
    normalize,
)
from bot.understanding.corpus import (
    EVENT,
    PROGRAMME,
    Text,
    builtin_texts,
    content_sources,
    content_texts,
)
from bot.understanding.embedding import DEFAULT_EMBEDDER, Remembering, Vectors, load_embedder
from bot.understanding.index import Evidence, Index
from bot.understanding.names import Named, Names
from bot.understanding.verdict import (
    TOPICS,
    Clues,
    Verdict,
    abouts,
    decide,
    likelihoods,
    offer,
)
from bot.understanding.windows import Dated, Window, find_window
from bot.understanding.windows import prepare as prepare_windows
from storage.database import Database
from storage.models import Event, FaqEntry, Programme
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)

Revision = tuple[object, ...]
INLINE_TEXTS = 64  # new texts embedded while a partner waits (~10 ms each); more: background
# Texts a background build embeds per step: a worker thread cannot be interrupted, so a
# shutdown waits for at most one step (under a second), not the whole build. The model pads a
# step's texts to its longest, so long passages 64 at a time lifted the bot's peak RSS by
# ~30 MiB (294 → 268 MiB at 16, indexing as fast within the noise).
EMBED_STEP = 16
# Above this many texts (~200 FAQ entries) even re-reading the content and rebuilding the index
# around a few new texts takes a partner's transaction too long (1.6 s at 18,000 texts): the
# index then catches up in the background and questions are read with the one before.
INLINE_CONTENT = 4000
# What a question about an event talks of: a question naming one by words of its title asks
# about it only beside one of these ("the soils session"); without, it asks for advice ("how do
# I improve my soils?").
GATHERINGS = frozenset({"meeting", "workshop", "training", "event", "schedule", "online"})
# A core with fewer letters than this, beside a name, asks nothing of its own ("LPA가 뭐에요?"
# leaves 4 Hangul letters, "FLRM ជាអ្វី" 3 Khmer consonants).
MIN_CORE_LETTERS = 5


@dataclass(frozen=True)
class Reading:
    """What a question asks, and what it narrows to."""

    verdict: Verdict
    window: Window | None
    named: Named
    foreign: tuple[str, ...]  # names the partnership never wrote: someone else's business


@dataclass(frozen=True)
class Weighed:
    """The evidence for each target, and what else the question says."""

    evidence: Evidence
    window: Window | None
    named: Named
    foreign: tuple[str, ...]
    dated: frozenset[str]  # the events held on the date the question names
    # The events it names that the partner may see: by a name only their texts use (or words
    # only their titles use, beside a gathering), and by one other content uses too
    # (`Named.mentioned`).
    events: frozenset[str] = frozenset()
    mentioned: frozenset[str] = frozenset()

    @property
    def pointed(self) -> frozenset[str]:
        """The events the question points at: by the date one was held on, or by their own
        name."""
        return self.dated | self.events

    @property
    def clues(self) -> Clues:
        # A date an event was held on names that event more than a span to look into; a day
        # of the week is asked about for opening hours as often as for meetings.
        window = (
            self.window is not None
            and not self.dated
            and not self.window.name.startswith("weekday:")
        )
        return Clues(window, bool(self.foreign), self.pointed)

    def verdict(
        self, weights: npt.NDArray[np.float64] | None = None, topics: float = TOPICS
    ) -> Verdict:
        """What to do with the question: with the fitted weights, or `weights` (the
        benchmark's fit); `topics` weighs the concepts it shares with a target."""
        about = abouts(self.evidence)
        ranked = likelihoods(self.evidence, self.clues, weights)
        verdict = decide(ranked, foreign=bool(self.foreign), about=about)
        meant = self.pointed or self.mentioned
        if verdict.kind == "answer" and verdict.targets == ("events",) and len(meant) == 1:
            # The events of a date one event was held on, or of the one it names (even by a
            # name other content uses: "the meeting with KFS"): that event, whichever year.
            return Verdict("answer", tuple(meant), verdict.likelihood)
        if verdict.kind != "answer" and topics and self.evidence.concepts.any():
            # Meaning was unsure; what the question talks about may still find what answers it
            # (a Khmer question and an answer written only in English): offered, not answered.
            ranked = likelihoods(self.evidence, self.clues, weights, topics=topics)
            if decide(ranked, foreign=bool(self.foreign), about=about).kind != "none":
                return offer(ranked)
        return verdict


@dataclass(frozen=True)
class _Content:
    """What the bot can answer from at one revision, read without embedding anything."""

    revision: Revision
    texts: list[Text]
    names: Names
    events: dict[int, Event]  # loaded with their landscapes, for who may see them
    letters: IntentMatcher  # the fallback while the meaning index is being built


class Understanding:
    def __init__(
        self,
        builtin: Sequence[Phrase],
        not_ours: Sequence[Phrase] = (),
        embedder: str = DEFAULT_EMBEDDER,
        *,
        inline_content: int = INLINE_CONTENT,
    ) -> None:
        """`builtin`: phrases of intents to answer; `not_ours`: of what the bot cannot help
        with, which a question may be closer to than to anything it can answer."""
        self._inline_content = inline_content
        self._db: Database | None = None  # for catching up in the background
        self._builtin = builtin_texts(builtin)
        self._not_ours = builtin_texts(not_ours)
        self._embedder_spec = embedder
        self._content: _Content | None = None
        self._index: Index | None = None  # of self._content, or of an older revision
        self._indexed: Revision | None = None
        self._building: asyncio.Task[None] | None = None
        self._lock = asyncio.Lock()

    @classmethod
    def shipped(cls, embedder: str = DEFAULT_EMBEDDER) -> Understanding:
        """With the built-in intents and out-of-scope phrases of every shipped language."""
        return cls(builtin_phrases(), builtin_phrases(intents=(OUT_OF_SCOPE,)), embedder)

    @property
    def embedder(self) -> Remembering:
        return load_embedder(self._embedder_spec)

    async def read(
        self,
        uow: UnitOfWork,
        text: str,
        language: str,
        today: date,
        visible: Callable[[Event], bool],
    ) -> Reading:
        """Read a question from a partner who sees the events `visible` allows."""
        weighed = await self.weigh(uow, text, language, today, visible)
        if weighed is None:  # no meaning index yet: by letters alone
            content = self._content
            assert content is not None
            match = content.letters.match(text, language)
            verdict = Verdict(match.kind, match.intents, match.score / 100)
            return Reading(verdict, None, content.names.find(text), ())
        return Reading(weighed.verdict(), weighed.window, weighed.named, weighed.foreign)

    async def weigh(
        self,
        uow: UnitOfWork,
        text: str,
        language: str,
        today: date,
        visible: Callable[[Event], bool],
    ) -> Weighed | None:
        """The evidence for each target the partner may be shown, and what the question
        narrows to; None while there is no meaning index yet."""
        content, index = await self._current(uow)
        if index is None:
            return None
        window = find_window(text, language, today)
        named = content.names.find(text)
        core = _core(text, window, named, language)
        asked = await asyncio.to_thread(index.ask, text, core, language)
        hidden = {f"{EVENT}{i}" for i, event in content.events.items() if not visible(event)}
        programmes = {f"{PROGRAMME}{i}" for i in named.programmes}
        evidence = index.evidence(asked, programmes).without(hidden)
        held: set[int] = set()
        if window is not None and window.on is not None:  # the events held on a date named
            on = window.on
            held = {i for i, event in content.events.items() if _held(event, on)}
        dated = _seen(held, hidden)
        titled = named.titled if asked.concepts & GATHERINGS else frozenset()
        events = _seen(named.events | titled, hidden)
        mentioned = _seen(named.mentioned, hidden)
        foreign = content.names.foreign(text)
        return Weighed(evidence, window, named, foreign, dated, events, mentioned)

    async def vectors(self, texts: Sequence[str]) -> Vectors:
        """Questions' vectors, to group them by meaning."""
        return await asyncio.to_thread(self.embedder.embed, list(texts), "query")

    async def warm(self, db: Database) -> None:
        """Start indexing now rather than at the first question (called at start-up)."""
        self._db = db
        await asyncio.to_thread(prepare_windows)
        async with db.unit_of_work() as uow:
            await self._current(uow)

    async def settled(self) -> None:
        """Wait for a background build to finish (tests and benchmarks)."""
        if self._building is not None:
            await self._building

    async def close(self) -> None:
        """Stop a background build (at shutdown)."""
        if self._building is not None:
            self._building.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._building

    async def _current(self, uow: UnitOfWork) -> tuple[_Content, Index | None]:
        revision = await _revision(uow)
        async with self._lock:
            content = self._content
            if content is not None and content.revision != revision and self._catch_up(content):
                return content, self._index
            if content is None or content.revision != revision:
                content = self._content = await self._read_content(uow, revision)
            if self._indexed != revision:
                await self._index_content(content)
            return content, self._index

    def _catch_up(self, stale: _Content) -> bool:
        """For large content, re-read and re-index it in the background (once at a time);
        False when it is small enough to do while the partner waits."""
        if self._db is None or len(stale.texts) <= self._inline_content:
            return False
        if self._building is None or self._building.done():
            self._building = asyncio.create_task(self._refresh(self._db))
        return True

    async def _refresh(self, db: Database) -> None:
        async with db.unit_of_work() as uow:
            revision = await _revision(uow)
            content = await self._read_content(uow, revision)
        await self._embed_stepwise(content.texts)
        index = await asyncio.to_thread(Index, content.texts, self.embedder)
        async with self._lock:
            self._content, self._index, self._indexed = content, index, revision
        log.info("index caught up: %s texts", len(content.texts))

    async def _read_content(self, uow: UnitOfWork, revision: Revision) -> _Content:
        entries, events, programmes = await content_sources(uow)
        # Its texts, the letters matcher and the names are ~150 ms of CPU for the example
        # content: in a thread, or the event loop, every partner's reply with it, would wait.
        return await asyncio.to_thread(self._content_from, revision, entries, events, programmes)

    def _content_from(
        self,
        revision: Revision,
        entries: Sequence[FaqEntry],
        events: list[Event],
        programmes: Sequence[Programme],
    ) -> _Content:
        texts = content_texts(entries, events, programmes)
        asking = [*self._builtin, *(t for t in texts if t.role == "query")]
        letters = IntentMatcher(Phrase(t.target, t.language, t.text) for t in asking)
        texts = [*self._builtin, *self._not_ours, *texts]
        words = [(t.target, normalize(t.text).split()) for t in texts]
        vocabulary = {word for _, said in words for word in said}
        # What the rest of the content says: an event's name it uses too is no clue by itself.
        elsewhere = {
            word for target, said in words if not target.startswith(EVENT) for word in said
        }
        names = Names(programmes, vocabulary, events, elsewhere)
        return _Content(revision, texts, names, {e.id: e for e in events}, letters)

    async def _index_content(self, content: _Content) -> None:
        """Index at once if that is quick; otherwise in the background, once."""
        new = sum(
            self.embedder.missing([t.text for t in content.texts if t.role == role], role)
            for role in ("query", "passage")
        )
        if new <= INLINE_TEXTS:
            self._index = await asyncio.to_thread(Index, content.texts, self.embedder)
            self._indexed = content.revision
        elif self._building is None or self._building.done():
            log.info("indexing %s new texts in the background", new)
            self._building = asyncio.create_task(self._build(content))

    async def _build(self, content: _Content) -> None:
        await self._embed_stepwise(content.texts)
        index = await asyncio.to_thread(Index, content.texts, self.embedder)
        async with self._lock:
            if self._content is content:  # still the latest
                self._index, self._indexed = index, content.revision
            else:  # content changed meanwhile: that revision's build may now be quick
                self._index = index
        log.info("index ready: %s texts", len(content.texts))

    async def _embed_stepwise(self, texts: Sequence[Text]) -> None:
        """Embed in short steps, remembered by the embedder, so that cancelling a background
        build stops it between steps; the index is then built from remembered vectors."""
        for role in ("query", "passage"):
            batch = [t.text for t in texts if t.role == role]
            for start in range(0, len(batch), EMBED_STEP):
                await asyncio.to_thread(
                    self.embedder.embed, batch[start : start + EMBED_STEP], role
                )


async def _revision(uow: UnitOfWork) -> Revision:
    """Changes whenever FAQ entries, events or programmes do, whichever replica edited them."""
    return (
        await uow.faq.revision(),
        await uow.events.revision(),
        await uow.programmes.revision(),
    )


def _seen(pointed: Collection[int], hidden: Set[str]) -> frozenset[str]:
    """The targets of the events pointed at (by a date or a name) but those hidden from the
    partner: no clue gives a hidden one away."""
    return frozenset(f"{EVENT}{i}" for i in pointed) - hidden


def _held(event: Event, on: Dated) -> bool:
    """Whether the event was held on the date, in its own time zone."""
    return on.holds(event.starts_at.astimezone(ZoneInfo(event.timezone)).date())


def _core(text: str, window: Window | None, named: Named, language: str) -> str:
    """The question without the time and the places it narrows to; "" if nothing is left.
    When only question words are left ("what is LPA?", "LPA가 뭐에요?") the name is what is
    asked about: the question is its own core."""
    core = f" {normalize(text)} "
    for words in ([window.words] if window else []) + list(named.words):
        spaced = f" {words} "
        core = core.replace(spaced, " ", 1) if spaced in core else core.replace(words, " ", 1)
    core = " ".join(core.split())
    if named.words and core and _only_asking(core, language):
        return text
    return text if core == normalize(text) else core


def _only_asking(core: str, language: str) -> bool:
    """Whether `core` holds nothing but question words, or too few letters to ask anything."""
    stopwords = _stopwords().get(language, frozenset())
    letters = sum(1 for char in core if unicodedata.category(char).startswith("L"))
    return letters < MIN_CORE_LETTERS or all(word in stopwords for word in core.split())


@functools.cache
def _stopwords() -> dict[str, frozenset[str]]:
    return builtin_stopwords()
