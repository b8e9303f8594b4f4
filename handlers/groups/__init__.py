"""The bot in the partnership's Telegram groups: linking a group to a programme (`link`), what
it answers there and how personal commands are sent to the private chat (`commands`), the bot
added, removed or migrated and partners blocking it (`members`), telling whoever linked a group
that it was unlinked (`unlinked`), and event reminders posted to linked groups with live RSVP
counts (`reminders`)."""

from __future__ import annotations

from bot.delivery.kinds import Kind
from bot.routing import Route
from handlers.groups import commands, link, members, reminders, unlinked
from handlers.groups.commands import personal
from handlers.groups.reminders import with_groups

ROUTES: tuple[Route, ...] = (*link.ROUTES, *commands.ROUTES, *members.ROUTES, *reminders.ROUTES)
KINDS: tuple[Kind, ...] = unlinked.KINDS

__all__ = ["KINDS", "ROUTES", "personal", "with_groups"]
