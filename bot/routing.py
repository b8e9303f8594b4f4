"""Routes: what a feature module declares — its commands, buttons and flow steps, each with the
access level it needs. The pipeline enforces the level; handlers never check roles themselves."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.access import Level

if TYPE_CHECKING:
    from bot.turn import Turn

Handler = Callable[["Turn"], Awaitable[None]]


@dataclass(frozen=True)
class Command:
    name: str
    handler: Handler
    level: Level
    summary: str  # marked with N_, translated where shown (/help, the command menu)
    in_menu: bool = True


@dataclass(frozen=True)
class Button:
    action: str
    handler: Handler
    level: Level
    # The flow step this button belongs to: pressed at any other moment, it is stale.
    step: tuple[str, str] | None = None


@dataclass(frozen=True)
class Step:
    """Typed text while a flow waits at this step (and, with `media`, a photo or a location)."""

    flow: str
    step: str
    handler: Handler
    level: Level
    media: bool = False


@dataclass(frozen=True)
class Upload:
    """A document sent outside any flow (an admin's content file)."""

    handler: Handler
    level: Level


Route = Command | Button | Step | Upload


@dataclass(frozen=True)
class Fallbacks:
    """Where updates go that no route claims; declared once, composed last."""

    unknown_command: Handler
    free_text: Handler
    other_message: Handler
