"""Broadcasts: composing one (/broadcast: `broadcast`, `audience`, `steps`, `confirm`), how it
goes out (`delivery`) and reads (`views`), the live progress message (`progress`) and the list
with reports (/broadcasts: `listing`)."""

from __future__ import annotations

from bot.delivery.kinds import Kind
from bot.jobs import Repeating
from bot.routing import Route
from handlers.broadcasts import broadcast, progress

ROUTES: tuple[Route, ...] = tuple(broadcast.ROUTES)
KINDS: tuple[Kind, ...] = tuple(broadcast.KINDS)
JOBS: tuple[Repeating, ...] = (Repeating("progress", progress.progress_job, progress.INTERVAL),)
