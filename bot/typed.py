"""What reading typed input raises when it cannot use what was typed: `Invalid`, whose `hint`
tells the user, in their language, what to send instead. Flows catch it, answer the hint and
ask the same question again (`handlers.shared.flow.typed`)."""

from __future__ import annotations


class Invalid(ValueError):
    """Typed input a question cannot take; `hint` says what to send instead."""

    def __init__(self, hint: str) -> None:
        super().__init__(hint)
        self.hint = hint
