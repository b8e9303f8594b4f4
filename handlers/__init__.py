"""Feature handlers, one module per feature. `routes()` composes them; the pipeline registers
known commands, then buttons and flow steps, then the catch-alls from `fallback` last."""

from __future__ import annotations

from bot.routing import Fallbacks, Route
from handlers import admin, fallback, help, onboarding, privacy, settings


def routes() -> list[Route]:
    return [*onboarding.ROUTES, *help.ROUTES, *settings.ROUTES, *privacy.ROUTES, *admin.ROUTES]


def fallbacks() -> Fallbacks:
    return Fallbacks(
        unknown_command=fallback.unknown_command,
        free_text=fallback.free_text,
        other_message=fallback.other_message,
    )
