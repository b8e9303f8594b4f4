"""Reports on check-ins: /summary (with `summary_cards` and `summary_lists`), /export as CSV
and XLSX, and /chart."""

from __future__ import annotations

from bot.routing import Route
from handlers.reports import chart, export, summary

ROUTES: tuple[Route, ...] = (*export.ROUTES, *chart.ROUTES, *summary.ROUTES)
