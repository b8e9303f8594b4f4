"""Onboarding and the profile: joining with /start, changing one answer with /settings and
/language, and erasing one's data with /forget. `steps` holds the questions a profile is made
of, which onboarding and /settings share."""

from __future__ import annotations

from bot.routing import Route
from handlers.profile import onboarding, privacy, settings

ROUTES: tuple[Route, ...] = (*onboarding.ROUTES, *settings.ROUTES, *privacy.ROUTES)
