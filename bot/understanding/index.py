"""An index of everything the bot can answer from, and the evidence it finds for a question:
per target, how closely the question resembles a way of asking it (letters and meaning) and how
well a passage of it answers the question (meaning).

Built in a worker thread (embedding is CPU work) and read-only afterwards, so questions are
searched without locks; an edit builds a new index, and the embedder's memory means only the
texts that changed are embedded again.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz, process

from bot.intents import normalize
from bot.understanding.corpus import Text
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
LEVEL_QUANTILE = 0.9  # where a language's texts stand for a question: near the top
_NOTHING = (0.0, "")
Best = dict[str, tuple[float, str]]  # target -> (highest similarity, the part that reached it)


@dataclass(frozen=True)
class Asked:
    text: str
    core: str  # the text without the names and time it narrows to; "" when nothing is left
    language: str
    vector: Vectors
    core_vector: Vectors | None


@dataclass(frozen=True)
class Evidence:
    target: str
    overlap: float  # 0-1: share of the question's rare letter sequences the target's texts have
    exact: float  # 0-100: best likeness of the whole text to one of its phrases
    asked: float  # cosine with its closest way of asking
    answered: float  # cosine with its closest passage
    lead: float  # how far it stands out in meaning from every other target, in some language
    part: str  # the part of the target that came closest
    about: str = ""  # the programme an FAQ entry is about (its card says the same)


@dataclass(frozen=True)
class _Found:
    lead: dict[str, float]
    overlap: dict[str, float]
    exact: dict[str, float]
    asked: Best
    answered: Best


class Index:
    def __init__(self, texts: Sequence[Text], embedder: Embedder) -> None:
        self.texts = list(texts)
        self._asking = [t for t in self.texts if t.role == "query"]
        self._passages = [t for t in self.texts if t.role == "passage"]
        self._asking_vectors = embedder.embed([t.text for t in self._asking], "query")
        self._passage_vectors = embedder.embed([t.text for t in self._passages], "passage")
        self._asking_keys = [normalize(t.text) for t in self._asking]
        self._languages: dict[str, set[str]] = {}
        for t in self.texts:
            self._languages.setdefault(t.target, set()).add(t.language)
        self._asking_languages = _by_language(self._asking)
        self._passage_languages = _by_language(self._passages)
        self.targets = sorted({t.target for t in self.texts})
        self._about = {t.target: t.about for t in self.texts if t.about}
        number = {target: n for n, target in enumerate(self.targets)}
        self._asking_target = np.array([number[t.target] for t in self._asking], dtype=np.intp)
        self._passage_target = np.array([number[t.target] for t in self._passages], dtype=np.intp)
        self._target_of = np.concatenate([self._asking_target, self._passage_target])
        self._all_languages = _by_language([*self._asking, *self._passages])
        self._embedder = embedder
        # Letter sequences: which targets' texts have each, and how rare each is among them.
        holders: dict[str, set[int]] = {}
        for t in self.texts:
            for gram in _grams(normalize(t.text)):
                holders.setdefault(gram, set()).add(number[t.target])
        self._holders = {g: np.array(sorted(ts), dtype=np.intp) for g, ts in holders.items()}
        self._rarity = {g: math.log(len(number) / len(ts)) for g, ts in holders.items()}
        self._unseen = math.log(len(number)) if number else 0.0

    def ask(self, text: str, core: str, language: str) -> Asked:
        """Embed a question and its core (blocking: call it off the event loop)."""
        texts = [text] if core in (text, "") else [text, core]
        vectors = self._embedder.embed([t[:EMBEDDED_CHARS] for t in texts], "query")
        core_vector = vectors[-1] if core else None
        return Asked(text, core, language, vectors[0], core_vector)

    def evidence(self, asked: Asked) -> list[Evidence]:
        """Evidence for every target. Built-in intents are judged on the question's core (what
        it asks, without the names and dates it narrows to), content on the whole question."""
        whole = self._search(asked.text, asked.vector, asked.language)
        core = (
            whole
            if asked.core == asked.text
            else self._search(asked.core, asked.core_vector, asked.language)
        )
        # Letters cannot match across scripts: a target written only in other languages (an
        # FAQ entry only in English, asked about in Khmer) gets the typical letter evidence of
        # those written in the question's language, neither a bonus nor a penalty.
        written = [t for t in self.targets if asked.language in self._languages[t]]
        typical_overlap = _median([whole.overlap.get(t, 0.0) for t in written])
        typical_exact = _median([whole.exact.get(t, 0.0) for t in written])
        found = []
        for target in self.targets:
            builtin = ":" not in target
            here = core if builtin else whole
            asking, answered = here.asked.get(target, _NOTHING), here.answered.get(target, _NOTHING)
            similarity, passage = asking[0], answered[0]
            exact = here.exact.get(target, 0.0)
            if not builtin and core is not whole:
                similarity = min(similarity, core.asked.get(target, _NOTHING)[0] + NAME_LIFT)
                passage = min(passage, core.answered.get(target, _NOTHING)[0] + NAME_LIFT)
                exact = min(exact, core.exact.get(target, 0.0) + 100 * NAME_LIFT)
            overlap = here.overlap.get(target, 0.0)
            if asked.language not in self._languages[target]:
                overlap, exact = max(overlap, typical_overlap), max(exact, typical_exact)
            found.append(
                Evidence(
                    target,
                    overlap,
                    exact,
                    similarity,
                    passage,
                    here.lead.get(target, -1.0),
                    _closer(asking, answered),
                    self._about.get(target, ""),
                )
            )
        return found

    def _search(self, text: str, vector: Vectors | None, language: str) -> _Found:
        if vector is None or not text:
            return _Found({}, {}, {}, {}, {})
        key = normalize(text)
        likeness = process.cdist([key], self._asking_keys, scorer=fuzz.ratio, dtype=np.float32)
        exact = np.zeros(len(self.targets))
        np.maximum.at(exact, self._asking_target, likeness[0])
        asking = _cosines(self._asking_vectors, vector)
        passages = _cosines(self._passage_vectors, vector)
        return _Found(
            self._lead(asking, passages),
            self._overlap(key),
            {target: float(exact[i]) for i, target in enumerate(self.targets)},
            self._best(
                self._asking,
                self._asking_target,
                _centred(asking, self._asking_languages, language),
            ),
            self._best(
                self._passages,
                self._passage_target,
                _centred(passages, self._passage_languages, language),
            ),
        )

    def _best(
        self, texts: Sequence[Text], targets: npt.NDArray[np.intp], similarities: Vectors
    ) -> Best:
        """Each target's highest similarity, and the part of the text that reached it."""
        if not len(texts):
            return {}
        order = np.lexsort((-similarities, targets))  # by target, the closest text first
        grouped = targets[order]
        first = order[np.concatenate([[True], grouped[1:] != grouped[:-1]])]
        return {self.targets[targets[p]]: (float(similarities[p]), texts[p].part) for p in first}

    def _lead(self, asking: Vectors, passages: Vectors) -> dict[str, float]:
        """Per target, its best lead in meaning over every other target among the texts of one
        language. Compared within a language, a Khmer question's English answer stands out
        among English texts even when Khmer texts about other things are closer in absolute
        terms (the model keeps some of a text's language in its vector)."""
        similarities = np.concatenate([asking, passages])
        lead = np.full(len(self.targets), -1.0)
        for positions in self._all_languages.values():
            best = np.full(len(self.targets), -np.inf)
            np.maximum.at(best, self._target_of[positions], similarities[positions])
            present = np.isfinite(best)
            if present.sum() < 2:
                continue
            first, second = np.sort(best[present])[-2:][::-1]
            rival = np.where(best == first, second, first)
            lead = np.where(present, np.maximum(lead, best - rival), lead)
        return {target: float(lead[i]) for i, target in enumerate(self.targets)}

    def _overlap(self, key: str) -> dict[str, float]:
        """Per target, the rarity-weighted share of the question's letter sequences its texts
        have: "soils" is in one event's texts only, "meeting" in many. A sequence no target has
        is as rare as can be, and counts against every target."""
        rarity = {g: self._rarity.get(g, self._unseen) for g in _grams(key)}
        total = sum(rarity.values())
        if not total:
            return {}
        shared = np.zeros(len(self.targets))
        for gram, weight in rarity.items():
            holders = self._holders.get(gram)
            if holders is not None:
                shared[holders] += weight
        return {target: float(shared[i]) / total for i, target in enumerate(self.targets)}


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


def _median(values: Sequence[float]) -> float:
    return float(np.median(values)) if values else 0.0


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
