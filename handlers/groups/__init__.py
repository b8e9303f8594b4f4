"""The bot in the partnership's Telegram groups and channels: linking a group to a programme
(`link`; a channel, from the private chat of whoever made the bot its administrator:
`channels`), what it answers in a group and how personal commands are sent to the private
chat (`commands`), questions asked there as a reply to the bot (`questions`), the bot added,
removed or migrated and partners blocking it (`members`), telling whoever linked a chat that it
was unlinked (`unlinked`), and event reminders posted to linked chats, with live RSVP counts in
groups (`reminders`)."""

from __future__ import annotations

from bot.delivery.kinds import Kind
from bot.routing import Route
from handlers.groups import channels, commands, link, members, reminders, unlinked
from handlers.groups.commands import personal
from handlers.groups.questions import question
from handlers.groups.reminders import with_groups

# The groups' command menu lists the commands in this order: what anyone asks, then linking.
ROUTES: tuple[Route, ...] = (
    *commands.ROUTES,
    *link.ROUTES,
    *channels.ROUTES,
    *members.ROUTES,
    *reminders.ROUTES,
)
KINDS: tuple[Kind, ...] = unlinked.KINDS

__all__ = ["KINDS", "ROUTES", "personal", "question", "with_groups"]
