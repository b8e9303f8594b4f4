"""Feature handlers, one module per feature. `routes()` composes them; the pipeline registers
known commands, then buttons and flow steps, then the catch-alls last: free text is a question
for `ask`, anything else goes to `fallback`."""

from __future__ import annotations

from bot.delivery.kinds import Kind
from bot.routing import Fallbacks, Route
from handlers import (
    admin,
    ask,
    attendance,
    away,
    broadcast,
    chart,
    checkin,
    checkin_history,
    checkin_prompts,
    checkin_review,
    content_files,
    event_editing,
    events,
    export,
    fallback,
    faq,
    help,
    onboarding,
    privacy,
    programmes,
    reminders,
    rsvp,
    settings,
    status_editing,
    summary,
    template_view,
)


def routes() -> list[Route]:
    return [
        *onboarding.ROUTES,
        *checkin.ROUTES,
        *checkin_history.ROUTES,
        *away.ROUTES,
        *events.ROUTES,
        *event_editing.ROUTES,
        *rsvp.ROUTES,
        *attendance.ROUTES,
        *programmes.ROUTES,
        *status_editing.ROUTES,
        *template_view.ROUTES,
        *broadcast.ROUTES,
        *export.ROUTES,
        *chart.ROUTES,
        *summary.ROUTES,
        *checkin_review.ROUTES,
        *faq.ROUTES,
        *ask.ROUTES,
        *help.ROUTES,
        *settings.ROUTES,
        *privacy.ROUTES,
        *admin.ROUTES,
        *content_files.ROUTES,
    ]


def fallbacks() -> Fallbacks:
    return Fallbacks(
        unknown_command=fallback.unknown_command,
        free_text=ask.free_text,
        other_message=fallback.other_message,
    )


def kinds() -> list[Kind]:
    """Scheduled messages the features send through the delivery path."""
    return [*reminders.KINDS, *broadcast.KINDS, *checkin_prompts.KINDS, *checkin_review.KINDS]
