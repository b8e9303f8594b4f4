"""The bot in the partnership's Telegram groups: linking a group to a programme (`link`), what
it answers there and how personal commands are sent to the private chat (`commands`), questions
asked there as a reply to the bot (`questions`), the bot added, removed or migrated and
partners blocking it (`members`), and event reminders posted to linked groups with live RSVP
counts (`reminders`)."""

from __future__ import annotations

from bot.routing import Route
from handlers.groups import commands, link, members, reminders
from handlers.groups.commands import personal
from handlers.groups.questions import question
from handlers.groups.reminders import with_groups

# The groups' command menu lists the commands in this order: what anyone asks, then linking.
ROUTES: tuple[Route, ...] = (*commands.ROUTES, *link.ROUTES, *members.ROUTES, *reminders.ROUTES)

__all__ = ["ROUTES", "personal", "question", "with_groups"]
