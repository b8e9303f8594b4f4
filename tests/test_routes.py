"""Two routes for one command, button action or flow step stop the bot at start, naming the
name; today's routes have none."""

from __future__ import annotations

from pathlib import Path

import pytest
from telegram import Bot

import handlers
from bot.access import Level
from bot.app import build_inbox, build_services
from bot.pipeline import MENU_ACTION
from bot.routing import Button, Command, DuplicateRoute, Route, RouteTable, Step, Upload
from bot.settings import Settings
from bot.turn import Turn
from tests.support.bot import TOKEN


async def first(turn: Turn) -> None:
    """A handler that is never run."""


async def second(turn: Turn) -> None:
    """Another handler that is never run."""


@pytest.mark.parametrize(
    ("routes", "named"),
    [
        (
            [Command("help", first, Level.GUEST, ""), Command("help", second, Level.ADMIN, "")],
            "command 'help'",
        ),
        (
            [Button("ci.pick", first, Level.PARTNER), Button("ci.pick", second, Level.PARTNER)],
            "button action 'ci.pick'",
        ),
        (
            [
                Step("checkin", "hectares", first, Level.PARTNER),
                Step("checkin", "hectares", second, Level.PARTNER, media=True),
            ],
            "flow step ('checkin', 'hectares')",
        ),
        ([Upload(first, Level.ADMIN), Upload(second, Level.ADMIN)], "document upload"),
    ],
)
def test_a_duplicate_is_refused_naming_it_and_both_handlers(
    routes: list[Route], named: str
) -> None:
    with pytest.raises(DuplicateRoute) as refused:
        RouteTable(routes)
    message = str(refused.value)
    assert message.startswith(named + " has two routes")
    assert f"{__name__}.first" in message
    assert f"{__name__}.second" in message


def test_one_name_in_different_kinds_of_route_is_no_duplicate() -> None:
    table = RouteTable(
        [
            Command("checkin", first, Level.PARTNER, ""),
            Button("checkin", first, Level.PARTNER),
            Step("checkin", "checkin", first, Level.PARTNER),
        ]
    )
    assert set(table.commands) == set(table.buttons) == {"checkin"}
    assert set(table.steps) == {("checkin", "checkin")}


def test_todays_routes_have_no_duplicates() -> None:
    routes = handlers.routes()
    table = RouteTable(routes)
    indexed = len(table.commands) + len(table.buttons) + len(table.steps)
    indexed += len(table.group_commands) + (table.member_change is not None)
    assert indexed + (table.upload is not None) == len(routes)
    assert MENU_ACTION not in table.buttons


@pytest.mark.parametrize(
    ("extra", "named"),
    [
        (Command("help", first, Level.GUEST, ""), "command 'help'"),
        # Menu buttons already answer to this action.
        (Button(MENU_ACTION, first, Level.GUEST), f"button action '{MENU_ACTION}'"),
    ],
)
async def test_the_bot_refuses_a_duplicate_before_any_update(
    extra: Route, named: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    settings = Settings(
        telegram={"token": TOKEN}, database={"url": f"sqlite+aiosqlite:///{tmp_path}/bot.db"}
    )
    services = build_services(settings)
    shipped = handlers.routes()
    monkeypatch.setattr(handlers, "routes", lambda: [*shipped, extra])
    with pytest.raises(DuplicateRoute, match=named):
        build_inbox(services, Bot(TOKEN), owner="test")
    await services.db.dispose()


def test_every_command_has_its_place_in_the_menu() -> None:
    """Telegram's menu shows commands in `handlers.MENU`'s order; one left out comes last."""
    commands = [r.name for r in handlers.routes() if isinstance(r, Command)]
    assert sorted(commands) == sorted(handlers.MENU.split())
    assert commands == handlers.MENU.split()
