"""Routes: what a feature module declares — its commands, buttons and flow steps, each with the
access level it needs — and the table that looks them up, refusing two routes for one name. The
pipeline enforces the level; handlers never check roles themselves."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

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


@dataclass(frozen=True)
class GroupCommand:
    """A command answered in a group or channel (privacy mode delivers commands there), about
    the programme the group is linked to; every other command is personal and only pointed
    to the private chat."""

    name: str
    handler: Handler
    level: Level
    summary: str  # marked with N_, translated in the groups' command menu
    admins: bool = False  # in the menu of the group's admins only (who alone may use it)


@dataclass(frozen=True)
class MemberChange:
    """The bot added to or removed from a chat, blocked or unblocked in private, or a group
    upgraded to a supergroup: one handler sorts them out."""

    handler: Handler
    level: Level = Level.GUEST


Route = Command | Button | Step | Upload | GroupCommand | MemberChange
R = TypeVar("R", Command, Button, Step, Upload, GroupCommand)
K = TypeVar("K")


class DuplicateRoute(ValueError):
    """Two routes claim one command, button action or flow step: the later would silently win."""


class RouteTable:
    """The routes by what they answer: a command name, a button action, a (flow, step), the one
    document upload. Built at start, so a duplicate stops the bot before any update arrives."""

    def __init__(self, routes: Iterable[Route]) -> None:
        self.commands: dict[str, Command] = {}
        self.buttons: dict[str, Button] = {}
        self.steps: dict[tuple[str, str], Step] = {}
        self.upload: Upload | None = None
        self.group_commands: dict[str, GroupCommand] = {}
        self.member_change: MemberChange | None = None
        for route in routes:
            if isinstance(route, Command):
                _claim(self.commands, route.name, route, "command")
            elif isinstance(route, GroupCommand):
                _claim(self.group_commands, route.name, route, "group command")
            elif isinstance(route, MemberChange):
                if self.member_change is not None:
                    raise DuplicateRoute(_twice("member change", self.member_change, route))
                self.member_change = route
            elif isinstance(route, Button):
                _claim(self.buttons, route.action, route, "button action")
            elif isinstance(route, Step):
                _claim(self.steps, (route.flow, route.step), route, "flow step")
            elif self.upload is not None:
                raise DuplicateRoute(_twice("document upload", self.upload, route))
            else:
                self.upload = route


def _claim(table: dict[K, R], key: K, route: R, what: str) -> None:
    if key in table:
        raise DuplicateRoute(_twice(f"{what} {key!r}", table[key], route))
    table[key] = route


def _twice(what: str, first: Route, second: Route) -> str:
    return f"{what} has two routes: {_handler_name(first)} and {_handler_name(second)}"


def _handler_name(route: Route) -> str:
    handler = route.handler
    module = getattr(handler, "__module__", "?")
    return f"{module}.{getattr(handler, '__qualname__', repr(handler))}"


@dataclass(frozen=True)
class Fallbacks:
    """Where updates go that no route claims; declared once, composed last."""

    unknown_command: Handler
    free_text: Handler
    other_message: Handler
    # A personal command sent in a group: pointed to the private chat, never done there.
    personal_in_group: Handler | None = None
    # Text sent in a group as a reply to the bot: a question about the group's programme.
    question_in_group: Handler | None = None
