"""The main menu: the few things each role does most, as buttons that run commands. A partner's
leads with reporting and meetings; a coordinator's and an admin's with their own tools."""

from __future__ import annotations

from bot.access import Level, level_of
from bot.pipeline import MENU_ACTION
from bot.replies import Keyboard
from bot.turn import Turn

# Command names in menu order, at most eight so the keyboard fits a phone screen.
MENUS: dict[Level, str] = {
    Level.GUEST: "help",
    Level.PARTNER: "checkin next events status contact settings help",
    Level.FUNDER: "summary chart checkin next events status settings help",
    Level.COORDINATOR: "review summary broadcast newevent attendance next settings help",
    Level.ADMIN: "grant invite review summary broadcast newevent settings help",
}


def main_menu(turn: Turn) -> Keyboard:
    level = level_of(turn.partner)
    by_name = {command.name: command for command in turn.services.commands}
    return [
        [turn.button(turn.t.gettext(by_name[name].summary), MENU_ACTION, name)]
        for name in MENUS[level].split()
        if name in by_name and by_name[name].level <= level
    ]
