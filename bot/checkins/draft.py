"""A check-in being filled in, as the conversation row keeps it between messages: programme,
landscape, the shape of the template's questions when it began, the answers so far, and which
part of the current question is being asked — so a restart or another replica continues it.

The current question's index is the conversation's step ("q0", "q1", …); a question is asked in
parts: one per part of a number question (women / men), a photo and then its optional location
pin, or a single answer.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.checkins.answers import Value
from storage.checkins import AnswerValue
from storage.models import CheckinQuestion, QuestionKind

PIN = "location"  # the part a photo question stores its location pin under
_STEP_PREFIX = "q"


@dataclass
class Draft:
    programme_id: int
    landscape_id: int | None
    shape: list[str]  # the template's questions when the check-in began (see `shape`)
    answers: dict[str, dict[str, Value]] = field(default_factory=dict)  # key -> part -> value
    part: int = 0  # which part of the current question is being asked
    editing: bool = False  # changing one answer from the summary: back there once it is done

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Draft:
        return cls(
            programme_id=int(data["programme"]),
            landscape_id=int(data["landscape"]) if data.get("landscape") else None,
            shape=[str(item) for item in data["shape"]],
            answers={str(k): dict(v) for k, v in data.get("answers", {}).items()},
            part=int(data.get("part", 0)),
            editing=bool(data.get("editing", False)),
        )

    def to_data(self) -> dict[str, Any]:
        return {
            "programme": self.programme_id,
            "landscape": self.landscape_id,
            "shape": list(self.shape),
            "answers": {key: dict(parts) for key, parts in self.answers.items()},
            "part": self.part,
            "editing": self.editing,
        }

    def store(self, question: CheckinQuestion, part: int, value: Value) -> None:
        """Record one part's answer; a question's first part starts its answer afresh (a new
        photo drops the old photo's pin)."""
        key = question.key
        if part == 0:
            self.answers[key] = {}
        self.answers.setdefault(key, {})[parts_of(question)[part]] = value

    def missing(self, questions: Sequence[CheckinQuestion]) -> list[CheckinQuestion]:
        """Required questions without a complete answer."""
        return [
            question
            for question in questions
            if question.required and not _complete(question, self.answers.get(question.key, {}))
        ]


def parts_of(question: CheckinQuestion) -> list[str]:
    """The part keys asked, in order ("" for a question answered in one message)."""
    if question.kind == QuestionKind.NUMBER and question.parts:
        return [str(part["key"]) for part in question.parts]
    if question.kind == QuestionKind.PHOTO:
        return ["", PIN]
    return [""]


def shape(questions: Sequence[CheckinQuestion]) -> list[str]:
    """What answers in a draft depend on: each question's key, kind and parts. A template
    re-imported with another shape mid-flow ends the flow rather than mislabel answers."""
    return [f"{q.key}:{q.kind}:{'+'.join(parts_of(q))}" for q in questions]


def step_name(index: int) -> str:
    return f"{_STEP_PREFIX}{index}"


def step_index(step: str) -> int | None:
    number = step.removeprefix(_STEP_PREFIX)
    return int(number) if step.startswith(_STEP_PREFIX) and number.isdecimal() else None


def answer_values(
    questions: Sequence[CheckinQuestion], answers: Mapping[str, Mapping[str, Value]]
) -> list[AnswerValue]:
    """The rows to store: numbers as numbers, everything else as text, in template order."""
    rows = []
    for question in questions:
        for part, value in answers.get(question.key, {}).items():
            if isinstance(value, str):
                rows.append(AnswerValue(question.key, part, text=value))
            else:
                rows.append(AnswerValue(question.key, part, number=float(value)))
    return rows


def _complete(question: CheckinQuestion, given: Mapping[str, Value]) -> bool:
    if question.kind == QuestionKind.PHOTO:
        return "" in given  # the pin is always optional
    return all(part in given for part in parts_of(question))
