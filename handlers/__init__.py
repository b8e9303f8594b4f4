"""Feature handlers, one package per feature; each package's `__init__` is its face (its
`ROUTES`, and where it has them its `KINDS` of scheduled message and its `JOBS` on the clock),
and this module composes the faces. `routes()` lists commands in the order Telegram's menu
shows them (`MENU`). The pipeline registers known commands, then buttons and flow steps, then
the catch-alls last: free text is a question for `questions.ask`, anything else goes to
`fallback`. Two routes for one name stop the bot at start.

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
    gl.   /link in a group                 grsvp answers under a group's reminder
    gc.   linking a channel, in private    gu    unlinking a channel (/groups)
    cmd   a menu button running a command (the pipeline's MENU_ACTION)
"""

from __future__ import annotations

from bot.delivery.kinds import Kind
from bot.jobs import Repeating
from bot.routing import Command, Fallbacks, Route
from handlers import (
    admin,
    broadcasts,
    checkins,
    events,
    fallback,
    groups,
    help,
    profile,
    programmes,
    questions,
    reports,
)
from handlers.errors import error_handler

# Telegram's command menu lists commands in this order: joining, a partner's reporting and
# meetings, the staff's tools, then the chat's own. A command not listed here comes last.
MENU = (
    "start checkin mycheckins away next events event newevent editevent cancelevent attendance "
    "status programmes setstatus template broadcast broadcasts export chart summary review faq "
    "unanswered groups contact help cancel settings language forget grant revoke invite "
    "exportcontent"
)
_MENU_PLACES = {name: place for place, name in enumerate(MENU.split())}


def routes() -> list[Route]:
    composed = [
        *profile.ROUTES,
        *checkins.ROUTES,
        *events.ROUTES,
        *programmes.ROUTES,
        *broadcasts.ROUTES,
        *reports.ROUTES,
        *questions.ROUTES,
        *help.ROUTES,
        *admin.ROUTES,
        *groups.ROUTES,
    ]
    return sorted(composed, key=_menu_place)


def _menu_place(route: Route) -> int:
    """A command's place in `MENU`; every other route keeps its order after the commands."""
    if isinstance(route, Command) and route.name in _MENU_PLACES:
        return _MENU_PLACES[route.name]
    return len(_MENU_PLACES)


def fallbacks() -> Fallbacks:
    return Fallbacks(
        unknown_command=fallback.unknown_command,
        free_text=questions.free_text,
        other_message=fallback.other_message,
        personal_in_group=groups.personal,
        question_in_group=groups.question,
    )


def kinds() -> list[Kind]:
    """Scheduled messages the features send through the delivery path."""
    return [
        *groups.with_groups(events.KINDS),
        *groups.KINDS,
        *broadcasts.KINDS,
        *checkins.KINDS,
    ]


def jobs() -> list[Repeating]:
    """Work the features do on the clock, in every process."""
    return [*checkins.JOBS, *broadcasts.JOBS]


__all__ = ["error_handler", "fallbacks", "jobs", "kinds", "routes"]
