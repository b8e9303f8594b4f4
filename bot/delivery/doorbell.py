"""Wakes the sender as soon as something was planned, instead of at its next safety poll."""

from __future__ import annotations

from collections.abc import Callable


class Doorbell:
    def __init__(self) -> None:
        self._listener: Callable[[], None] | None = None

    def connect(self, listener: Callable[[], None]) -> None:
        self._listener = listener

    def ring(self) -> None:
        if self._listener is not None:
            self._listener()
