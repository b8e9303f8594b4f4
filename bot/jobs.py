"""What a feature declares for work on the clock: a job the JobQueue repeats in every process,
such as planning check-in prompts or updating a broadcast's progress message. Each job reads its
work from the database, so running it on every replica and after a restart is safe."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.ptb import Job
from bot.services import Services
from bot.settings import Settings


def _always(_settings: Settings) -> bool:
    return True


@dataclass(frozen=True)
class Repeating:
    """`make(services)` builds the job; it runs every `interval` seconds, the first time after
    `first` seconds (None: at once), in a bot whose settings it is `wanted` by."""

    name: str
    make: Callable[[Services], Job]
    interval: float
    first: float | None = None
    wanted: Callable[[Settings], bool] = _always
