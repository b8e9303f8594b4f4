"""Events: the calendar partners see (/events, /event, /next), their answers (RSVP) and
reminders, who is coming (/attendance), and the coordinators' editing flows (/newevent,
/editevent, /cancelevent, composed in `editing`)."""

from __future__ import annotations

from bot.delivery.kinds import Kind
from bot.routing import Route
from handlers.events import attendance, editing, events, reminders, rsvp

ROUTES: tuple[Route, ...] = (
    *events.ROUTES,
    *editing.ROUTES,
    *rsvp.ROUTES,
    *attendance.ROUTES,
)
KINDS: tuple[Kind, ...] = tuple(reminders.KINDS)
