"""The main menu: the few things a partner does most, as buttons that run commands."""

from __future__ import annotations

from bot.access import level_of
from bot.pipeline import MENU_ACTION
from bot.replies import Keyboard
from bot.turn import Turn

# Command names in menu order; a later feature adds its command here.
MAIN_MENU = ("checkin", "next", "events", "status", "contact", "settings", "help")


def main_menu(turn: Turn) -> Keyboard:
    level = level_of(turn.partner)
    by_name = {command.name: command for command in turn.services.commands}
    return [
        [turn.button(turn.t.gettext(by_name[name].summary), MENU_ACTION, name)]
        for name in MAIN_MENU
        if name in by_name and by_name[name].level <= level
    ]
