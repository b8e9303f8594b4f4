"""From evidence to a decision: answer, offer two or three guesses, or pass the question on.

Each target's evidence becomes a score, a weighted sum of a few features; a softmax over the
targets and "none of them" turns scores into how likely each is the one meant. The weights and
thresholds were fitted on the dev questions (`python -m benchmarks.understanding --fit` prints
them again) and are checked on the frozen test questions, never fitted there.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from bot.intents import OUT_OF_SCOPE, SMALL_TALK
from bot.understanding.index import Evidence

KINDS = ("builtin", "small_talk", "faq", "event", "programme", "out_of_scope")
FEATURES = (
    "meaning",
    "lead",
    "exact",
    "overlap",
    "window",
    "foreign",
    *KINDS,
    "elsewhere",
    "elsewhere_lead",
    "pointed",
)
# Fitted on the dev questions (dev, dev_more, third_writer, fourth_writer and the dev half of
# cross_lingual); see the module docstring.
WEIGHTS = dict(zip(FEATURES, (
    3.89, 4.02, 2.65, 6.79, 2.68, -4.52, -0.85, 0.49, -0.58, 1.31, -1.34, 0.38, 2.70, 2.09, 2.80,
), strict=True))  # fmt: skip
NONE_SCORE = 0.60  # the score of "none of them"
ANSWER = 0.40  # answer when the best target is at least this likely
LEAD = 1.5  # and at least this many times as likely as the next (else it is a close call)
GUESS = 0.20  # otherwise offer guesses when the best is at least this likely
GUESS_FLOOR = 0.10  # and a third guess at least this likely
# What a question talks about (seedlings, allowances, a postponed meeting), in any language, is
# weak evidence of what it asks: advice on planting talks about seedlings too. It may only
# offer guesses where meaning alone was unsure (chosen on the dev questions).
TOPICS = 4.0
MIN_GUESSES, MAX_GUESSES = 2, 3
NOBODY = ""  # the target "none of them"
_NOT_OURS = (NOBODY, OUT_OF_SCOPE)
_NOT_ASKING = (KINDS.index("small_talk"), KINDS.index("out_of_scope"))  # of anything foreign


@dataclass(frozen=True)
class Clues:
    """What a question says besides the meaning of its words."""

    window: bool = False  # it narrows to a time
    foreign: bool = False  # it names what the partnership never wrote of
    # The events it points at: held on the date it names, or named ("the GLF soils session");
    # a name points at its event as surely as a date does, so both share one fitted weight.
    pointed: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Verdict:
    kind: Literal["answer", "guess", "none"]
    targets: tuple[str, ...]  # answer: one; guess: 2-3, best first; none: ()
    likelihood: float  # of the best target
    part: str = ""  # for an answer: the part of the target to show


def family(target: str, about: Mapping[str, str] | None = None) -> str:
    """Targets that answer alike: the next meeting or one event's card; the programme's status,
    one part of a programme, or an FAQ entry about a programme (whose card says the same thing:
    "who funds FLRM?" is answered by both). Any of them answers the question: no rivals."""
    target = (about or {}).get(target, target)
    if target == "events" or target.startswith("event:"):
        return "events"
    if target == "status" or target.startswith("programme:"):
        return "status"
    return target


def abouts(evidence: Evidence) -> dict[str, str]:
    """The programme each FAQ entry among the targets is about, for `family`."""
    pairs = zip(evidence.targets, evidence.about, strict=True)
    return {target: about for target, about in pairs if about}


def kind_of(target: str) -> str:
    if target in SMALL_TALK:
        return "small_talk"
    if target == OUT_OF_SCOPE:
        return "out_of_scope"
    return target.split(":", 1)[0] if ":" in target else "builtin"


@functools.lru_cache(maxsize=1 << 16)  # one call per target per question otherwise
def _kind_number(target: str) -> int:
    return KINDS.index(kind_of(target))


def feature_rows(evidence: Evidence, clues: Clues) -> npt.NDArray[np.float64]:
    """One row of features per target. Meaning is how close in meaning the question is to the
    target: to a way of asking it, or to a passage of it (cosines of unrelated texts sit around
    0.75-0.8 with the default model, related ones above 0.85)."""
    kinds = np.array([_kind_number(target) for target in evidence.targets], dtype=np.intp)
    meaning = np.maximum(evidence.asked, evidence.answered)
    lead = np.maximum(evidence.lead, -0.2) * 10  # standing out counts, whatever the level
    columns = {
        "meaning": (np.maximum(meaning, 0.7) - 0.85) * 10,
        "lead": lead,
        "exact": evidence.exact / 100,
        "overlap": evidence.overlap,
        "window": np.array([clues.window and t == "events" for t in evidence.targets]),
        "foreign": clues.foreign & ~np.isin(kinds, _NOT_ASKING),
        # A target written only in other languages has no letters in common with the question:
        # it is judged by how far it stands out in meaning among the texts of its language.
        "elsewhere": evidence.elsewhere,
        "elsewhere_lead": np.where(evidence.elsewhere, lead, 0.0),
        "pointed": np.array([target in clues.pointed for target in evidence.targets]),
    }
    rows = np.zeros((len(evidence.targets), len(FEATURES)))
    for column, name in enumerate(FEATURES):
        if name in columns:
            rows[:, column] = columns[name]
        else:
            rows[:, column] = kinds == KINDS.index(name)
    return rows


def likelihoods(
    evidence: Evidence,
    clues: Clues,
    weights: npt.NDArray[np.float64] | None = None,
    *,
    topics: float = 0.0,
) -> list[tuple[str, float, str]]:
    """(target, likelihood, part) for every target and for NOBODY ("none of them"), most
    likely first. `weights`: each feature's, then the score of NOBODY (as the benchmark's
    fit gives them); the fitted ones above by default. `topics`: the weight of the concepts
    a target shares with the question."""
    if weights is None:
        weights = np.array([*(WEIGHTS[name] for name in FEATURES), NONE_SCORE])
    rows = feature_rows(evidence, clues)
    # On this thread: numpy's BLAS would share the product among threads that then spin.
    scores = np.append(np.einsum("ij,j->i", rows, weights[:-1]) + topics * evidence.concepts,
                       weights[-1])  # fmt: skip
    chances = np.exp(scores - scores.max())
    chances /= chances.sum()
    ranked = list(zip(evidence.targets, chances[:-1].tolist(), evidence.parts, strict=True))
    ranked.append((NOBODY, float(chances[-1]), ""))
    return sorted(ranked, key=lambda item: -item[1])


def decide(
    ranked: Sequence[tuple[str, float, str]],
    *,
    foreign: bool = False,
    about: Mapping[str, str] | None = None,
) -> Verdict:
    """Answer a likely target; guess between likely enough ones; else pass it on. A question
    naming what the partnership never wrote of ("the GEF council") may be someone else's
    business: never answered outright, at most guessed.

    Targets of one family share their likelihood: an FAQ answer and the programme card that
    say the same thing split the question between them, and neither alone looks clear. The
    best of the family answers, if it is likely enough to be guessed on its own."""
    target, best, part = ranked[0]
    if target in (NOBODY, OUT_OF_SCOPE):
        return Verdict("none", (), best)
    shares: dict[str, float] = {}
    for other, chance, _ in ranked:
        key = other if other in _NOT_OURS else family(other, about)
        shares[key] = shares.get(key, 0.0) + chance
    mine = family(target, about)
    own = shares[mine]
    rival = max((chance for key, chance in shares.items() if key != mine), default=0.0)
    clear = own >= ANSWER and own >= LEAD * rival and best >= GUESS
    if clear and not (foreign and target not in SMALL_TALK):
        return Verdict("answer", (target,), best, part)
    if best < GUESS:
        return Verdict("none", (), best)
    return offer(ranked)


def offer(ranked: Sequence[tuple[str, float, str]]) -> Verdict:
    """Two or three buttons: the likely targets, and at least the next best beside the first."""
    ours = [(t, chance) for t, chance, _ in ranked if t not in _NOT_OURS]
    guesses = [t for n, (t, chance) in enumerate(ours) if n < MIN_GUESSES or chance >= GUESS_FLOOR]
    return Verdict("guess", tuple(guesses[:MAX_GUESSES]), ours[0][1] if ours else 0.0)
