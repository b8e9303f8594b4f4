"""How well the bot understands partners' questions, per language and per intent, with the
matcher it replaced in the same table.

The questions are benchmarks/questions/*.toml (written blind, see their header); the bot's
content is bot/examples/content.toml, imported into a fresh SQLite database, with the FAQ
entries of benchmarks/questions/cross_lingual.toml that exist only in English. Each question is read
by the real `Understanding` as a partner who may see every event. Run:

    .venv/bin/python -m benchmarks.understanding [--split test] [--by-intent] [--misses]
    .venv/bin/python -m benchmarks.understanding --fit   # refit the verdict's weights on dev
    .venv/bin/python -m benchmarks.understanding --held-out  # fit on half of dev, judge the rest

"dev" is every question the weights and phrases may be tuned on (dev.toml, dev_more.toml,
third_writer.toml, fourth_writer.toml, fifth_writer.toml and the dev half of cross_lingual.toml).

A question counts as answered right when the bot answers (not guesses) with an acceptable
target, with the time window and the programme the question names; as guessed when the right
one is among the buttons offered; as passed on when the bot keeps it for coordinators; as wrong
when it answers with anything else. An out-of-scope question is right unless answered (small
talk gets a friendly word, which is no answer).
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import tempfile
import tomllib
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np

from bot.content import apply_content, read_content_file
from bot.intents import (
    BUILTIN_INTENTS,
    OUT_OF_SCOPE,
    SMALL_TALK,
    IntentMatcher,
    Phrase,
    builtin_phrases,
)
from bot.understanding import Understanding
from bot.understanding.index import Evidence
from bot.understanding.verdict import (
    FEATURES,
    Clues,
    Verdict,
    feature_rows,
)
from storage.database import Database
from storage.models import FaqEntry

ROOT = Path(__file__).parents[1]
QUESTIONS = ROOT / "benchmarks" / "questions"
EXAMPLE = ROOT / "bot" / "examples" / "content.toml"
TODAY = date(2026, 12, 7)
SPLITS = (
    "dev",
    "test",
    "second_writer_en",
    "cross_lingual",
    "third_writer",
    "fourth_writer",
    "fifth_writer",
)
# FAQ entries written only in English, and questions about them in other languages: the entries
# join the example content for every split; their questions are split by entry (see the file).
CROSS_LINGUAL = QUESTIONS / "cross_lingual.toml"
DEV = ("dev", "dev_more", "third_writer", "fourth_writer", "fifth_writer")  # the files tuned on


@dataclass(frozen=True)
class Question:
    language: str
    text: str
    expect: tuple[str, ...]
    window: str | None

    @property
    def out_of_scope(self) -> bool:
        return self.expect == ("none",)


@dataclass(frozen=True)
class Reply:
    """What the bot did, in the dataset's labels."""

    kind: str  # "answer", "guess", "none"
    labels: tuple[str, ...]


def load(split: str) -> list[Question]:
    """A split's questions; "dev" is every part tuned on, "cross_lingual" the test half of the
    questions about entries written only in English."""
    if split == "dev":
        # Questions about an English-only entry whose questions are test stay out of dev.
        tested = _english_only_slugs() - _english_only_in_dev()
        tuned = (q for name in DEV for q in _read(name) if q.expect[0] not in tested)
        return [*tuned, *_cross_lingual(dev=True)]
    if split == "cross_lingual":
        return _cross_lingual(dev=False)
    return _read(split)


def _read(name: str) -> list[Question]:
    with (QUESTIONS / f"{name}.toml").open("rb") as source:
        raw = tomllib.load(source)["q"]
    return [Question(q["language"], q["text"], tuple(q["expect"]), q.get("window")) for q in raw]


def _english_only_slugs() -> set[str]:
    return {f"faq:{entry['slug']}" for entry in english_only_faq()}


def _english_only_in_dev() -> set[str]:
    """The English-only entries whose questions are dev: every other one, by slug."""
    return set(sorted(_english_only_slugs())[::2])


def _cross_lingual(*, dev: bool) -> list[Question]:
    in_dev = _english_only_in_dev()
    questions = _read("cross_lingual")
    near_misses = [q for q in questions if q.out_of_scope][0 if dev else 1 :: 2]
    return [
        q for q in questions if not q.out_of_scope and (q.expect[0] in in_dev) == dev
    ] + near_misses


def english_only_faq() -> list[dict[str, str]]:
    with CROSS_LINGUAL.open("rb") as source:
        entries: list[dict[str, str]] = tomllib.load(source)["faq"]
    return entries


def half(question: Question) -> int:
    """0 or 1, by a hash of the question: which half of dev it falls in for --held-out."""
    return hashlib.sha256(question.text.encode()).digest()[0] % 2


class Bench:
    """The example content in a fresh database, read by the real Understanding."""

    def __init__(self, db: Database, labels: dict[str, str], slugs: dict[int, str]) -> None:
        self.db, self.labels, self.slugs = db, labels, slugs
        self.understanding = Understanding.shipped()

    @classmethod
    async def start(cls, directory: str) -> Bench:
        db = Database(f"sqlite+aiosqlite:///{directory}/bench.db")
        await db.upgrade()
        async with db.unit_of_work() as uow:
            await apply_content(uow, read_content_file(EXAMPLE))
            for entry in english_only_faq():
                await uow.faq.add(
                    FaqEntry(
                        slug=entry["slug"],
                        question={"en": entry["question"]},
                        answer={"en": entry["answer"]},
                    )
                )
        async with db.unit_of_work() as uow:
            labels = {f"faq:{e.id}": f"faq:{e.slug}" for e in await uow.faq.all()}
            # The dataset names events without their year: "event:glf-soils".
            labels |= {
                f"event:{e.id}": f"event:{e.slug.rsplit('-', 1)[0]}"
                for e in await uow.events.all()
                if e.slug
            }
            programmes = await uow.programmes.all()
            labels |= {f"programme:{p.id}": f"programme:{p.slug}" for p in programmes}
        bench = cls(db, labels, {p.id: p.slug for p in programmes})
        await bench.understanding.warm(db)
        await bench.understanding.settled()
        return bench

    async def weigh(
        self, question: Question, weights: np.ndarray | None = None
    ) -> tuple[Evidence, Clues, Reply]:
        """The evidence and the bot's reply, with the fitted weights or `weights` (`fit`'s)."""
        async with self.db.unit_of_work() as uow:
            weighed = await self.understanding.weigh(
                uow, question.text, question.language, TODAY, lambda _event: True
            )
        assert weighed is not None, "indexed before the first question"
        evidence, clues, verdict = weighed.evidence, weighed.clues, weighed.verdict(weights)
        window_name = weighed.window.name if weighed.window else None
        programmes = tuple(sorted(self.slugs[p] for p in weighed.named.programmes))
        return evidence, clues, self.reply(verdict, window_name, programmes)

    def reply(self, verdict: Verdict, window: str | None, programmes: tuple[str, ...]) -> Reply:
        labels = []
        for target in verdict.targets:
            label = self.labels.get(target, target)
            if label == "status" and len(programmes) == 1:
                label = f"status:{programmes[0]}"
            if label == "events" and window:
                label = f"events@{window}"
            if label.startswith("programme:") and verdict.part == "status":  # what "status" shows
                label += "|status:" + label.removeprefix("programme:")
            labels.append(label)
        return Reply(verdict.kind, tuple(labels))


def acceptable(question: Question) -> set[str]:
    right = set()
    for label in question.expect:
        if label == "events" and question.window:
            right.add(f"events@{question.window}")
        else:
            right.add(label)
    return right


def outcome(question: Question, reply: Reply) -> str:
    if question.out_of_scope:
        answered = reply.kind == "answer" and reply.labels[0] not in SMALL_TALK
        return "confidently wrong" if answered else "right"
    right = acceptable(question)
    if reply.kind == "answer":
        return "right" if right & set(reply.labels[0].split("|")) else "wrong"
    if reply.kind == "guess" and right & {
        part for label in reply.labels for part in label.split("|")
    }:
        return "guessed"
    return "passed on"


def old_matcher_reply(
    matcher: IntentMatcher, bench: Bench, faq_ids: dict[str, str], question: Question
) -> Reply:
    verdict = matcher.match(question.text, question.language)
    labels = tuple(faq_ids.get(i, i) for i in verdict.intents)
    return Reply(verdict.kind, labels)


async def old_matcher(bench: Bench) -> tuple[IntentMatcher, dict[str, str]]:
    """The rapidfuzz matcher as it was: built-in phrases and FAQ triggers and questions."""
    phrases = [p for p in builtin_phrases() if p.intent in BUILTIN_INTENTS]
    ids = {}
    async with bench.db.unit_of_work() as uow:
        for entry_id, triggers, question in await uow.faq.triggers():
            intent = f"faq:{entry_id}"
            ids[intent] = bench.labels[intent]
            phrases += [
                Phrase(intent, lang, text) for lang, texts in triggers.items() for text in texts
            ]
            phrases += [Phrase(intent, lang, text) for lang, text in question.items()]
    return IntentMatcher(phrases), ids


def table(rows: Sequence[tuple[str, str, Question]], title: str, key: str) -> None:
    """One line per language (or intent): counts of each outcome, for both matchers."""
    groups: dict[str, dict[str, Counter[str]]] = defaultdict(lambda: defaultdict(Counter))
    for system, result, question in rows:
        group = question.language if key == "language" else question.expect[0].split(":")[0]
        scope = "out" if question.out_of_scope else "in"
        for name in (group, "all"):
            groups[name][system][scope + " " + result] += 1
            groups[name][system][scope] += 1
    print(f"\n{title}\n")
    print(
        f"| {key} | questions | right (new / old) | guessed | passed on | wrong"
        " | out of scope | confidently wrong (new / old) |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for name in sorted(groups, key=lambda n: (n == "all", n)):
        new, old = groups[name]["new"], groups[name]["old"]
        inside, outside = new["in"], new["out"]

        print(
            f"| {name} | {inside} | {_both(new, old, 'in right', inside)} | {new['in guessed']}"
            f" | {new['in passed on']} | {new['in wrong']} | {outside}"
            f" | {_both(new, old, 'out confidently wrong', outside)} |"
        )


def _both(new: Counter[str], old: Counter[str], what: str, total: int) -> str:
    return " / ".join(
        f"{c[what]} ({100 * c[what] / total:.0f} %)" if total and c else "—" for c in (new, old)
    )


def fit(samples: Sequence[tuple[np.ndarray, list[int], bool]], steps: int = 3000) -> np.ndarray:
    """Softmax regression over each question's targets plus "none of them" (its score is the
    last weight): maximise the likelihood of the acceptable targets."""
    weights = np.zeros(len(FEATURES) + 1)
    for _ in range(steps):
        gradient = np.zeros_like(weights)
        for rows, right, none_ok in samples:
            scores = np.append(rows @ weights[:-1], weights[-1])
            chances = np.exp(scores - scores.max())
            chances /= chances.sum()
            good = right + ([len(rows)] if none_ok else [])
            wanted = np.zeros_like(chances)
            wanted[good] = chances[good] / chances[good].sum()
            difference = wanted - chances
            gradient[:-1] += rows.T @ difference[:-1]
            gradient[-1] += difference[-1]
        weights += 2.0 * (gradient / len(samples) - 0.001 * weights)
    return weights


async def samples(
    bench: Bench, questions: Sequence[Question]
) -> list[tuple[np.ndarray, list[int], bool]]:
    """Each question's features, its acceptable targets, and whether "none of them" is right."""
    found = []
    for question in questions:
        evidence, clues, _ = await bench.weigh(question)
        rows = feature_rows(evidence, clues)
        if question.out_of_scope:
            good = {*SMALL_TALK, OUT_OF_SCOPE}
            right = [i for i, target in enumerate(evidence.targets) if target in good]
        else:
            # Which target was right; the window and programme are judged apart.
            wanted = {
                label.split(":")[0] if label.startswith("status") else label
                for label in question.expect
            }
            right = [
                i
                for i, target in enumerate(evidence.targets)
                if bench.labels.get(target, target) in wanted
            ]
        found.append((rows, right, question.out_of_scope))
    return found


async def refit(bench: Bench) -> None:
    """Fit the verdict's weights on the dev questions and print them."""
    weights = fit(await samples(bench, load("dev")))
    for name, value in zip(FEATURES, weights, strict=False):
        print(f"{name:>14} {value:6.2f}")
    print(f"{'none':>14} {weights[-1]:6.2f}")


async def held_out(bench: Bench) -> None:
    """Fit on one half of dev and judge on the other, both ways: how a change to the phrases
    or features generalises, rather than how well weights fit the questions they saw."""
    questions = load("dev")
    rows = []
    for judged in (0, 1):
        weights = fit(await samples(bench, [q for q in questions if half(q) != judged]))
        for question in (q for q in questions if half(q) == judged):
            *_, reply = await bench.weigh(question, weights)
            rows.append(("new", outcome(question, reply), question))
    table(rows, "dev, each half judged with weights fitted on the other", "language")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--split", choices=SPLITS, action="append")
    parser.add_argument("--by-intent", action="store_true")
    parser.add_argument("--misses", action="store_true", help="list what the new one missed")
    parser.add_argument("--fit", action="store_true", help="refit the weights on dev, print them")
    parser.add_argument(
        "--held-out", action="store_true", help="fit on half of dev, judge on the other half"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        bench = await Bench.start(directory)
        if args.fit:
            await refit(bench)
            return
        if args.held_out:
            await held_out(bench)
            return
        matcher, faq_ids = await old_matcher(bench)
        for split in args.split or ["test", "second_writer_en"]:
            rows = []
            for question in load(split):
                *_, reply = await bench.weigh(question)
                result = outcome(question, reply)
                rows.append(("new", result, question))
                rows.append(
                    (
                        "old",
                        outcome(question, old_matcher_reply(matcher, bench, faq_ids, question)),
                        question,
                    )
                )
                if args.misses and result != "right":
                    wanted = "/".join(question.expect) + (
                        f"@{question.window}" if question.window else ""
                    )
                    print(
                        f"{result:>18} {question.language} {wanted}"
                        f" → {reply.kind} {'/'.join(reply.labels)}: {question.text}"
                    )
            table(rows, f"{split}: by language", "language")
            if args.by_intent:
                table(rows, f"{split}: by what was asked", "intent")
        await bench.db.dispose()


if __name__ == "__main__":
    asyncio.run(main())
