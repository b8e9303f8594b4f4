"""Check-ins: reporting progress (/checkin: `checkin`, `flow`, `steps`, `submit`), the prompts
and nudges that ask for it, pausing them (/away), a partner's own history (/mycheckins), the
coordinators' /review and the template a programme asks (/template)."""

from __future__ import annotations

from bot.delivery.kinds import Kind
from bot.jobs import Repeating
from bot.routing import Route
from bot.settings import Settings
from handlers.checkins import away, checkin, history, prompts, review, template

ROUTES: tuple[Route, ...] = (
    *checkin.ROUTES,
    *history.ROUTES,
    *away.ROUTES,
    *template.ROUTES,
    *review.ROUTES,
)
KINDS: tuple[Kind, ...] = (*prompts.KINDS, *review.KINDS)


def _prompting(settings: Settings) -> bool:
    return settings.checkins.prompts


JOBS: tuple[Repeating, ...] = (
    Repeating(
        "checkin-prompts", prompts.prompt_planner, prompts.PLAN_EVERY, first=1, wanted=_prompting
    ),
)
