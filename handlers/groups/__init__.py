"""The bot in the partnership's Telegram groups and channels: linking a group to a programme
(`link`; a channel, from the private chat of whoever made the bot its administrator:
`channels`), what it answers in a group and how personal commands are sent to the private
chat (`commands`), the bot added, removed or migrated and partners blocking it (`members`),
telling whoever linked a chat that it was unlinked (`unlinked`), and event reminders posted to
linked chats, with live RSVP counts in groups (`reminders`)."""

from __future__ import annotations

from bot.delivery.kinds import Kind
from bot.routing import Route
from handlers.groups import channels, commands, link, members, reminders, unlinked
from handlers.groups.commands import personal
from handlers.groups.reminders import with_groups

ROUTES: tuple[Route, ...] = (
    *link.ROUTES,
    *channels.ROUTES,
    *commands.ROUTES,
    *members.ROUTES,
    *reminders.ROUTES,
)
KINDS: tuple[Kind, ...] = unlinked.KINDS

__all__ = ["KINDS", "ROUTES", "personal", "with_groups"]
