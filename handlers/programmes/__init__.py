"""Programmes: what each one is and where it stands (/programmes, /status), and coordinators
keeping that up to date (/setstatus: `status_editing`)."""

from __future__ import annotations

from bot.routing import Route
from handlers.programmes import programmes, status_editing

ROUTES: tuple[Route, ...] = (*programmes.ROUTES, *status_editing.ROUTES)
