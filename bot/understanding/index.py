"""An index of everything the bot can answer from, and the evidence it finds for a question:
per target, how closely the question resembles a way of asking it (letters and meaning) and how
well a passage of it answers the question (meaning).

Built in a worker thread (embedding is CPU work) and read-only afterwards, so questions are
searched without locks; an edit builds a new index, and the embedder's memory means only the
texts that changed are embedded again.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz, process

from bot.intents import normalize
from bot.understanding.concepts import Glossary, shipped_glossary
from bot.understanding.corpus import PROGRAMME, Text
from bot.understanding.embedding import Embedder, Vectors

# A content text shares the question's names ("FLRM"), which lifts its similarity whatever the
# question asks; content is judged on the whole question, but no higher than on its core plus
# this much (tuned on the dev questions: 0.03 of cosine).
NAME_LIFT = 0.03
# Letters in the sequences compared for overlap: stems in spaced scripts, syllables in Khmer.
GRAM = 4
# A question's first characters are embedded: a long message says early what it asks, and a
# 4,096-character one would take seconds of CPU (the model reads 512 tokens at most anyway).
EMBEDDED_CHARS = 500
# How much closer a question must be to a programme's way of asking how it is going than to the
# same words without its name, for the programme to be meant though not named ("how is the
# Asian drylands partnership going?"); a question about how everything is going is no closer
# (chosen on the dev questions: 0.02 of cosine).
IMPLIED = 0.02
LEVEL_QUANTILE = 0.9  # where a language's texts stand for a question: near the top
Floats = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Asked:
    text: str
    core: str  # the text without the names and time it narrows to; "" when nothing is left
    language: str
    vector: Vectors
    core_vector: Vectors | None
    concepts: frozenset[str]  # what it talks about


@dataclass(frozen=True)
class Evidence:
    """Per target, in `targets`' order: arrays, so a question's thousands of targets are
    weighed without a Python loop over them."""

    targets: list[str]
    overlap: Floats  # 0-1: share of the question's rare letter sequences the target's texts have
    concepts: Floats  # 0-1: the same for the things it talks about, in any language
    exact: Floats  # 0-100: best likeness of the whole text to one of its phrases
    asked: Floats  # cosine with its closest way of asking
    answered: Floats  # cosine with its closest passage
    lead: Floats  # how far it stands out in meaning from every other target, in some language
    parts: list[str]  # the part of the target that came closest
    about: list[str]  # the programme an FAQ entry is about (its card says the same), or ""
    elsewhere: npt.NDArray[np.bool_]  # written only in other languages than the question's

    def without(self, hidden: set[str]) -> Evidence:
        """The evidence for every target but `hidden` ones."""
        kept = [n for n, target in enumerate(self.targets) if target not in hidden]
        return Evidence(
            [self.targets[n] for n in kept],
            self.overlap[kept],
            self.concepts[kept],
            self.exact[kept],
            self.asked[kept],
            self.answered[kept],
            self.lead[kept],
            [self.parts[n] for n in kept],
            [self.about[n] for n in kept],
            self.elsewhere[kept],
        )


@dataclass(frozen=True)
class _Found:
    """Per target: arrays in the index's target order."""

    lead: Floats
    overlap: Floats
    exact: Floats
    asked: Floats  # 0 where it has no way of asking
    asked_at: npt.NDArray[np.intp]  # the way of asking that reached it; -1 for none
    answered: Floats  # 0 where it has no passage
    answered_at: npt.NDArray[np.intp]  # the passage that reached it; -1 for none


class _Groups:
    """Texts grouped by the target (or language and target) they belong to, so that a
    target's best similarity is one `reduceat` over all texts."""

    def __init__(self, keys: npt.NDArray[np.intp]) -> None:
        self.order = np.argsort(keys, kind="stable")  # by key, in the texts' order within one
        ordered = keys[self.order]
        self.starts = np.flatnonzero(np.concatenate([[len(keys) > 0], ordered[1:] != ordered[:-1]]))
        self.keys = ordered[self.starts]
        self.sizes = np.diff(np.append(self.starts, len(keys)))

    def best(self, values: Vectors) -> tuple[Vectors, npt.NDArray[np.intp]]:
        """Each group's highest value, and the position of its first text reaching it."""
        ordered = values[self.order]
        best = np.maximum.reduceat(ordered, self.starts)
        reached = np.flatnonzero(ordered == np.repeat(best, self.sizes))
        first = reached[np.searchsorted(reached, self.starts)]
        return best, self.order[first]


class Index:
    def __init__(
        self, texts: Sequence[Text], embedder: Embedder, glossary: Glossary | None = None
    ) -> None:
        self.texts = list(texts)
        self._asking = [t for t in self.texts if t.role == "query"]
        self._passages = [t for t in self.texts if t.role == "passage"]
        asking_vectors = embedder.embed([t.text for t in self._asking], "query")
        passage_vectors = embedder.embed([t.text for t in self._passages], "passage")
        self._vectors = np.concatenate([asking_vectors, passage_vectors])
        self._asking_keys = [normalize(t.text) for t in self._asking]
        # A programme's ways of asking how it is going, and the same words without its name:
        # see `_unheard`.
        self._status_at = np.flatnonzero(
            [t.part == "status" and t.target.startswith(PROGRAMME) for t in self._asking]
        )
        status = [self._asking[n] for n in self._status_at.tolist()]
        self._status_of = np.array([t.target for t in status], dtype=object)
        self._unnamed_vectors = embedder.embed([t.unnamed for t in status], "query")
        # Each text's part, and at -1 (no such text) none.
        self._asking_parts = [*(t.part for t in self._asking), ""]
        self._passage_parts = [*(t.part for t in self._passages), ""]
        self.targets = sorted({t.target for t in self.texts})
        number = {target: n for n, target in enumerate(self.targets)}
        self._about = [""] * len(self.targets)
        for t in self.texts:
            if t.about:
                self._about[number[t.target]] = t.about
        self._builtin = np.array([":" not in target for target in self.targets], dtype=bool)
        languages = sorted({t.language for t in self.texts})
        self._language_number = {language: n for n, language in enumerate(languages)}
        # Each way of asking's language, and at -1 (no such text) none.
        self._asking_language = np.array(
            [*(self._language_number[t.language] for t in self._asking), -1], dtype=np.intp
        )
        self._written = np.zeros((len(languages), len(self.targets)), dtype=bool)
        for t in self.texts:
            self._written[self._language_number[t.language], number[t.target]] = True
        asking_target = np.array([number[t.target] for t in self._asking], dtype=np.intp)
        passage_target = np.array([number[t.target] for t in self._passages], dtype=np.intp)
        self._asking_groups = _Groups(asking_target)
        self._passage_groups = _Groups(passage_target)
        self._asking_languages = _by_language(self._asking)
        self._passage_languages = _by_language(self._passages)
        # For the lead: all texts by language, then target.
        language_of = np.array(
            [self._language_number[t.language] for t in [*self._asking, *self._passages]],
            dtype=np.intp,
        )
        target_of = np.concatenate([asking_target, passage_target])
        self._language_groups = _Groups(language_of * len(self.targets) + target_of)
        self._embedder = embedder
        # Letter sequences and concepts: which targets' texts have each, and how rare each is.
        self._glossary = glossary or shipped_glossary()
        grams: dict[str, set[int]] = {}
        concepts: dict[str, set[int]] = {}
        for t in self.texts:
            key = normalize(t.text)
            for gram in _grams(key):
                grams.setdefault(gram, set()).add(number[t.target])
            for concept in self._glossary.of_normalized(key):
                concepts.setdefault(concept, set()).add(number[t.target])
        self._grams = _Shares(grams, len(number))
        self._concepts = _Shares(concepts, len(number))

    def ask(self, text: str, core: str, language: str) -> Asked:
        """Embed a question and its core, and find its concepts (blocking: call it off the
        event loop)."""
        texts = [text] if core in (text, "") else [text, core]
        vectors = self._embedder.embed([t[:EMBEDDED_CHARS] for t in texts], "query")
        core_vector = vectors[-1] if core else None
        concepts = self._glossary.of(text)
        return Asked(text, core, language, vectors[0], core_vector, concepts)

    def evidence(self, asked: Asked, named: Collection[str] = ()) -> Evidence:
        """Evidence for every target. Built-in intents are judged on the question's core (what
        it asks, without the names and dates it narrows to), content on the whole question.
        `named`: the programme targets the question names."""
        whole = self._search(asked.text, asked.vector, asked.language, named)
        core = (
            whole
            if asked.core == asked.text
            else self._search(asked.core, asked.core_vector, asked.language, named)
        )
        builtin = self._builtin

        def here(whole_part: npt.NDArray[Any], core_part: npt.NDArray[Any]) -> npt.NDArray[Any]:
            return np.where(builtin, core_part, whole_part)

        asking = here(whole.asked, core.asked)
        asking_at = here(
            self._part_at(whole.asked_at, core.asked_at, asked.language), core.asked_at
        )
        answered = here(whole.answered, core.answered)
        answered_at = here(whole.answered_at, core.answered_at)
        similarity, passage, exact = asking, answered, here(whole.exact, core.exact)
        if core is not whole:
            similarity = here(np.minimum(asking, core.asked + NAME_LIFT), asking)
            passage = here(np.minimum(answered, core.answered + NAME_LIFT), answered)
            exact = here(np.minimum(exact, core.exact + 100 * NAME_LIFT), exact)
        overlap = here(whole.overlap, core.overlap)
        concepts = self._concepts.of(asked.concepts)
        # Letters cannot match across scripts: a target written only in other languages (an
        # FAQ entry only in English, asked about in Khmer) gets the typical letter evidence of
        # those written in the question's language, neither a bonus nor a penalty.
        language = self._language_number.get(asked.language)
        written = self._written[language] if language is not None else np.zeros_like(builtin)
        typical_overlap = _median(whole.overlap[written])
        typical_exact = _median(whole.exact[written])
        overlap = np.where(written, overlap, np.maximum(overlap, typical_overlap))
        exact = np.where(written, exact, np.maximum(exact, typical_exact))
        asking_parts = [self._asking_parts[p] for p in asking_at.tolist()]
        answered_parts = [self._passage_parts[p] for p in answered_at.tolist()]
        return Evidence(
            list(self.targets),
            overlap,
            concepts,
            exact,
            similarity,
            passage,
            here(whole.lead, core.lead),
            [
                _closer((a, a_part), (b, b_part))
                for a, a_part, b, b_part in zip(
                    asking.tolist(), asking_parts, answered.tolist(), answered_parts, strict=True
                )
            ],
            list(self._about),
            ~written,
        )

    def _search(
        self, text: str, vector: Vectors | None, language: str, named: Collection[str]
    ) -> _Found:
        size = len(self.targets)
        if vector is None or not text:
            nothing, none_at = np.zeros(size), np.full(size, -1, dtype=np.intp)
            return _Found(np.full(size, -1.0), nothing, nothing, nothing, none_at, nothing, none_at)
        key = normalize(text)
        likeness = process.cdist([key], self._asking_keys, scorer=fuzz.ratio, dtype=np.float32)
        similarities = _cosines(self._vectors, vector)
        asking, passages = np.split(similarities, [len(self._asking)])
        centred = _centred(asking, self._asking_languages, language)
        unheard = self._unheard(vector, asking, named)
        centred[unheard] = likeness[0][unheard] = 0.0
        asked, asked_at = self._best(self._asking_groups, centred)
        answered, answered_at = self._best(
            self._passage_groups, _centred(passages, self._passage_languages, language)
        )
        return _Found(
            self._lead(similarities),
            self._grams.of(_grams(key)),
            self._best(self._asking_groups, likeness[0])[0],
            asked,
            asked_at,
            answered,
            answered_at,
        )

    def _part_at(
        self, whole_at: npt.NDArray[np.intp], core_at: npt.NDArray[np.intp], language: str
    ) -> npt.NDArray[np.intp]:
        """Per target, the way of asking that tells which part of it is asked about: the one
        closest to the whole question, unless that one is in another language. Such a way of
        asking came close by the name it shares with the question, not by what it asks ("ايه
        هو FLRM", what is FLRM, for "FLRM 요즘 어케 돼가?", how is FLRM going): the one closest
        to the words besides the name tells."""
        elsewhere = self._asking_language[whole_at] != self._language_number.get(language, -1)
        return np.where(elsewhere & (core_at >= 0), core_at, whole_at)

    def _unheard(
        self, vector: Vectors, asking: Vectors, named: Collection[str]
    ) -> npt.NDArray[np.bool_]:
        """The ways of asking that are no evidence for their programme: how it is going,
        asked in words that are as close without its name. A question about how everything is
        going ("how far has the work got?") reads like "how far has {name} got?" whatever the
        name; a question naming no programme means one only if its name brings it closer
        ("how is the Asian drylands partnership going?")."""
        gain = asking[self._status_at] - _cosines(self._unnamed_vectors, vector)
        meant = np.isin(self._status_of, list(named)) | (gain > IMPLIED)
        unheard = np.zeros(len(asking), dtype=bool)
        unheard[self._status_at[~meant]] = True
        return unheard

    def _best(self, groups: _Groups, similarities: Vectors) -> tuple[Floats, npt.NDArray[np.intp]]:
        """Each target's highest similarity (0 when it has no such text), and the text that
        reached it (-1)."""
        best = np.zeros(len(self.targets))
        at = np.full(len(self.targets), -1, dtype=np.intp)
        if len(similarities):
            best[groups.keys], at[groups.keys] = groups.best(similarities)
        return best, at

    def _lead(self, similarities: Vectors) -> Floats:
        """Per target, its best lead in meaning over every other target among the texts of one
        language. Compared within a language, a Khmer question's English answer stands out
        among English texts even when Khmer texts about other things are closer in absolute
        terms (the model keeps some of a text's language in its vector)."""
        size = len(self.targets)
        best = np.full((len(self._language_number), size), -np.inf)
        if len(similarities):
            best.flat[self._language_groups.keys] = self._language_groups.best(similarities)[0]
        present = np.isfinite(best)
        shown = present & (present.sum(axis=1) >= 2)[:, None]  # a language with two targets
        if size < 2:
            return np.full(size, -1.0)
        top = np.sort(best, axis=1)
        first, second = top[:, -1:], top[:, -2:-1]
        rival = np.where(best == first, second, first)
        lead: Floats = np.where(shown, best - rival, -1.0).max(axis=0, initial=-1.0)
        return lead


class _Shares:
    """Which targets' texts have each feature (a letter sequence, a concept), and how rare
    each is among the targets."""

    def __init__(self, holders: dict[str, set[int]], targets: int) -> None:
        self._size = targets
        self._holders = {f: np.array(sorted(ts), dtype=np.intp) for f, ts in holders.items()}
        self._rarity = {f: math.log(targets / len(ts)) for f, ts in holders.items()}
        self._unseen = math.log(targets) if targets else 0.0

    def of(self, features: set[str] | frozenset[str]) -> Floats:
        """Per target, the rarity-weighted share of `features` its texts have: "soils" is in
        one event's texts only, "meeting" in many. A feature no target has is as rare as can
        be, and counts against every target."""
        rarity = {f: self._rarity.get(f, self._unseen) for f in features}
        total = sum(rarity.values())
        shared = np.zeros(self._size)
        if not total:
            return shared
        for feature, weight in rarity.items():
            holders = self._holders.get(feature)
            if holders is not None:
                shared[holders] += weight
        return shared / total


def _closer(asking: tuple[float, str], answered: tuple[float, str]) -> str:
    """The part of the target the question came closest to: "when did FLRM begin?" is nearest
    a way of asking about FLRM's dates, though a passage of its summary may mention 2014."""
    first, second = (asking, answered) if asking[0] >= answered[0] else (answered, asking)
    return first[1] or second[1]


def _grams(key: str) -> set[str]:
    """Sequences of GRAM letters, spaces included (so word starts and ends count)."""
    padded = f" {key} "
    return {padded[i : i + GRAM] for i in range(len(padded) - GRAM + 1)}


def _level(similarities: Vectors) -> float:
    """Where a language's texts stand for this question: near the top, where answers are."""
    return float(np.quantile(similarities, LEVEL_QUANTILE))


def _cosines(vectors: Vectors, vector: Vectors) -> Vectors:
    """One question against many texts, on this thread: numpy's BLAS would share so small a
    product among threads that then spin, costing several times its CPU (einsum does not)."""
    cosines: Vectors = np.einsum("ij,j->i", vectors, vector)
    return cosines


def _median(values: Floats) -> float:
    # The same middle as np.median, which imports numpy's masked arrays the first time it runs:
    # ~40 ms holding the event loop for the first question after a start.
    return float(np.quantile(values, 0.5)) if len(values) else 0.0


def _by_language(texts: Sequence[Text]) -> dict[str, npt.NDArray[np.intp]]:
    positions: dict[str, list[int]] = {}
    for position, text in enumerate(texts):
        positions.setdefault(text.language, []).append(position)
    return {language: np.array(found, dtype=np.intp) for language, found in positions.items()}


def _centred(
    similarities: Vectors, languages: dict[str, npt.NDArray[np.intp]], own: str
) -> Vectors:
    """Similarities made comparable across languages. A question is closer to any text in its
    own language than to a text in another that says what it asks (a Khmer question to an
    unrelated Khmer text: 0.89; to the English text that answers it: 0.85): each language's
    texts are measured from their level, as the question's own language is."""
    centred = similarities.copy()
    own_level = _level(similarities[languages[own]]) if own in languages else None
    for positions in languages.values():
        level = _level(similarities[positions])
        centred[positions] += (own_level if own_level is not None else level) - level
    return centred
