"""Admin tools: roles and invite links (/grant, /revoke, /invite: `roles`) and the content file
(/exportcontent, and a .toml sent to import it: `content_files`)."""

from __future__ import annotations

from bot.routing import Route
from handlers.admin import content_files, roles

ROUTES: tuple[Route, ...] = (*roles.ROUTES, *content_files.ROUTES)
