"""Coordinators edit the events calendar in the chat: /newevent, /editevent and /cancelevent.

The pipeline lets coordinators and admins in; each flow then checks `manages()` for the event's
programme, so a coordinator only picks and changes events of programmes they work in, and only
admins touch partnership-wide events. Who sees an event stays what its landscapes define."""

from __future__ import annotations

from bot.routing import Route
from handlers.events import cancel as event_cancel
from handlers.events import changes as event_changes
from handlers.events import new as event_new

ROUTES: tuple[Route, ...] = (*event_new.ROUTES, *event_changes.ROUTES, *event_cancel.ROUTES)
