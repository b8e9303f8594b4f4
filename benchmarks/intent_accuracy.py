"""How well the intent matcher understands real phrasings, per language.

Scores `tests/data/phrasings.toml` against the built-in intents plus the FAQ triggers of
`tests/data/faq_triggers.toml`, and prints a table. The accuracy test imports the scoring from
here, so the table and the test always agree. Run: `python -m benchmarks.intent_accuracy`.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from bot.intents import IntentMatcher, Phrase, Verdict, builtin_phrases, normalize

DATA = Path(__file__).parents[1] / "tests" / "data"
PHRASINGS = DATA / "phrasings.toml"
FAQ_TRIGGERS = DATA / "faq_triggers.toml"


@dataclass(frozen=True)
class Phrasing:
    language: str
    text: str
    expect: str  # an intent, "faq:<slug>", or "none"
    source: str


@dataclass(frozen=True)
class Outcome:
    phrasing: Phrasing
    verdict: Verdict

    @property
    def correct(self) -> bool:
        if self.phrasing.expect == "none":
            return self.verdict.kind == "none"
        return self.verdict.kind == "answer" and self.verdict.intents == (self.phrasing.expect,)

    @property
    def guessed(self) -> bool:
        """Not answered, but the right intent was among the buttons offered."""
        return self.verdict.kind == "guess" and self.phrasing.expect in self.verdict.intents


@dataclass
class Tally:
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.outcomes)

    @property
    def correct(self) -> int:
        return sum(outcome.correct for outcome in self.outcomes)

    @property
    def guessed(self) -> int:
        return sum(outcome.guessed for outcome in self.outcomes)

    @property
    def wrong(self) -> int:
        return self.total - self.correct - self.guessed

    @property
    def accuracy(self) -> float:
        return 100.0 * self.correct / self.total if self.total else 0.0

    @property
    def misses(self) -> list[Outcome]:
        return [outcome for outcome in self.outcomes if not outcome.correct]


def load_phrasings(path: Path = PHRASINGS) -> list[Phrasing]:
    with path.open("rb") as source:
        return [Phrasing(**row) for row in tomllib.load(source)["phrasing"]]


def faq_phrases(path: Path = FAQ_TRIGGERS) -> list[Phrase]:
    with path.open("rb") as source:
        entries = tomllib.load(source)
    return [
        Phrase(f"faq:{slug}", language, text)
        for slug, by_language in entries.items()
        for language, texts in by_language.items()
        for text in texts
    ]


def all_phrases() -> list[Phrase]:
    return builtin_phrases() + faq_phrases()


def score(matcher: IntentMatcher, phrasings: Iterable[Phrasing]) -> dict[str, Tally]:
    """Every phrasing's outcome, tallied per language and under "all"."""
    tallies: dict[str, Tally] = {}
    for phrasing in phrasings:
        outcome = Outcome(phrasing, matcher.match(phrasing.text, phrasing.language))
        for key in (phrasing.language, "all"):
            tallies.setdefault(key, Tally()).outcomes.append(outcome)
    return tallies


def unseen(phrasings: Iterable[Phrasing], phrases: Iterable[Phrase]) -> list[Phrasing]:
    """Phrasings that are not, once normalized, one of the trigger phrases."""
    known = {normalize(phrase.text) for phrase in phrases}
    return [phrasing for phrasing in phrasings if normalize(phrasing.text) not in known]


def describe(outcome: Outcome) -> str:
    verdict = outcome.verdict
    got = f"{verdict.kind} {', '.join(verdict.intents) or '-'} ({verdict.score:.0f})"
    phrasing = outcome.phrasing
    return f"[{phrasing.language}] {phrasing.text!r}: expected {phrasing.expect}, got {got}"


def table(tallies: dict[str, Tally]) -> list[str]:
    lines = [
        f"{'language':<9}{'phrasings':>10}{'correct':>9}{'guessed':>9}{'wrong':>7}{'acc %':>8}"
    ]
    for key, tally in sorted(tallies.items(), key=lambda item: item[0] == "all"):
        lines.append(
            f"{key:<9}{tally.total:>10}{tally.correct:>9}{tally.guessed:>9}{tally.wrong:>7}"
            f"{tally.accuracy:>8.1f}"
        )
    return lines


def main() -> None:
    phrases = all_phrases()
    phrasings = load_phrasings()
    tallies = score(IntentMatcher(phrases), phrasings)
    print("\n".join(table(tallies)))
    print(f"\nnot in any trigger list: {len(unseen(phrasings, phrases))} of {len(phrasings)}")
    misses = tallies["all"].misses
    if misses:
        print("\nmisses (a guess offering the right intent as a button is still a miss):")
        print("\n".join(describe(outcome) for outcome in misses))


if __name__ == "__main__":
    main()
