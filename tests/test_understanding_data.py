"""The question dataset the understanding benchmark reports on: big enough in every language,
labelled with answers the example content really has, and its test split frozen."""

from __future__ import annotations

import hashlib
import tomllib
from collections import Counter
from pathlib import Path

import pytest

from bot.settings import SHIPPED_LANGUAGES

QUESTIONS = Path(__file__).parents[1] / "benchmarks" / "questions"
EXAMPLE = Path(__file__).parents[1] / "bot" / "examples" / "content.toml"
# Tuning happens on dev.toml only; a change to the test split must be a deliberate new dataset.
TEST_DIGEST = "920604469329aaf0c4c00a74441fc6e68dae722e95d2a1a832aad86fe9cd06da"
WINDOWS = {
    "today",
    "tomorrow",
    "this_week",
    "next_week",
    "this_weekend",
    "this_month",
    "next_month",
}


def _load(name: str) -> list[dict[str, object]]:
    with (QUESTIONS / name).open("rb") as source:
        questions: list[dict[str, object]] = tomllib.load(source)["q"]
    return questions


def _targets() -> set[str]:
    with EXAMPLE.open("rb") as source:
        content = tomllib.load(source)
    with (QUESTIONS / "cross_lingual.toml").open("rb") as source:
        content["faq"] += tomllib.load(source)["faq"]  # added to the content by the benchmark
    programmes = {p["slug"] for p in content["programmes"]}
    # Event labels name the example's events without their year.
    events = {e["slug"].rsplit("-", 1)[0] for e in content["events"]}
    return (
        {"none", "events", "status", "help", "contact"}
        | {f"status:{slug}" for slug in programmes}
        | {f"programme:{slug}" for slug in programmes}
        | {f"faq:{entry['slug']}" for entry in content["faq"]}
        | {f"event:{slug}" for slug in events}
    )


def test_the_test_split_is_frozen() -> None:
    digest = hashlib.sha256((QUESTIONS / "test.toml").read_bytes()).hexdigest()
    assert digest == TEST_DIGEST


@pytest.mark.parametrize("name", [path.name for path in sorted(QUESTIONS.glob("*.toml"))])
def test_every_label_names_something_the_example_content_has(name: str) -> None:
    known = _targets()
    for question in _load(name):
        expect = question["expect"]
        assert isinstance(expect, list), question
        assert expect, question
        assert set(expect) <= known, question
        assert question["language"] in SHIPPED_LANGUAGES
        window = question.get("window")
        if window is not None:
            assert expect == ["events"], question
            kind, _, number = str(window).partition(":")
            assert window in WINDOWS or (kind in {"month", "days"} and number.isdecimal())


def test_enough_questions_in_every_language_and_enough_out_of_scope() -> None:
    everything = _load("dev.toml") + _load("test.toml")
    per_language = Counter(str(q["language"]) for q in everything)
    assert len(everything) >= 600
    assert all(per_language[language] >= 100 for language in SHIPPED_LANGUAGES)
    test = _load("test.toml")
    out_of_scope = sum(q["expect"] == ["none"] for q in test)
    assert out_of_scope >= 0.2 * len(test)


def test_the_english_only_entries_are_asked_about_in_every_other_language() -> None:
    with (QUESTIONS / "cross_lingual.toml").open("rb") as source:
        data = tomllib.load(source)
    assert all(set(entry) == {"slug", "question", "answer"} for entry in data["faq"])
    asked = Counter((q["expect"][0], q["language"]) for q in data["q"] if q["expect"] != ["none"])
    others = set(SHIPPED_LANGUAGES) - {"en"}
    assert asked == {(f"faq:{e['slug']}", language): 1 for e in data["faq"] for language in others}
