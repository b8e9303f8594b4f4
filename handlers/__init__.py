"""Feature handlers, one package per feature. `routes()` composes them; the pipeline registers
known commands, then buttons and flow steps, then the catch-alls last: free text is a question
for `ask`, anything else goes to `fallback`. Two routes for one name stop the bot at start.

Button actions are short, since callback data holds 64 bytes, and never renamed, since buttons
already on partners' phones carry them. Their prefixes:

    adm.  /grant and /revoke (admin)       inv.  /invite links (admin)
    ask.  answers to a free-text question  att.  /attendance
    bc.   /broadcast                       ce.   /cancelevent
    ci.   /checkin                         ee.   /editevent
    ev    /events (an event's card)        fq.   /faq entries
    help. /help groups                     land  a landscape (/programmes)
    ne.   /newevent                        ob.   onboarding (/start)
    prg   a programme (/programmes)        pv.   /forget (privacy)
    rsvp  Attend / Maybe / Can't attend    rv.   /review of check-ins
    set.  /settings                        ss.   /setstatus
    sum   /summary periods                 tpl   /template
    un.   /unanswered questions            chart /chart indicators
    cmd   a menu button running a command (the pipeline's MENU_ACTION)
"""

from __future__ import annotations

from bot.delivery.kinds import Kind
from bot.routing import Fallbacks, Route
from handlers import fallback, help
from handlers.admin import content_files
from handlers.admin import roles as admin
from handlers.broadcasts import broadcast
from handlers.checkins import away, checkin
from handlers.checkins import history as checkin_history
from handlers.checkins import prompts as checkin_prompts
from handlers.checkins import review as checkin_review
from handlers.checkins import template as template_view
from handlers.events import attendance, events, reminders, rsvp
from handlers.events import editing as event_editing
from handlers.profile import onboarding, privacy, settings
from handlers.programmes import programmes, status_editing
from handlers.questions import ask, faq
from handlers.reports import chart, export, summary


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
