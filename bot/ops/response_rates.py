"""Check-in response rate per programme for /metrics: of the partners expected to report in the
programme's current period, the share who have, as `/summary` counts them.

Read at most every five minutes, not on every scrape: with 100,000 partners it is a query over
all of them, and the rate moves slowly.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.checkins.cadence import period_containing
from bot.services import Services
from storage.checkin_queries import Scope

REFRESH = timedelta(minutes=5)


class ResponseRates:
    def __init__(self, services: Services) -> None:
        self._services = services
        self._read_at: datetime | None = None

    async def refresh(self) -> None:
        """Set the gauges if they are older than `REFRESH`; a database error propagates and
        leaves the last values (and their age) as they were."""
        services, metrics = self._services, self._services.metrics
        now = services.clock()
        if self._read_at is not None and now - self._read_at < REFRESH:
            return
        rows = []
        async with services.db.unit_of_work() as uow:
            slugs = {programme.id: programme.slug for programme in await uow.programmes.all()}
            for template in await uow.checkins.templates():
                period = period_containing(template, now.date())
                scope = Scope(frozenset({template.programme_id}))
                expected, responded = await uow.checkin_stats.response(
                    scope, period.start, period.end
                )
                rows.append((slugs[template.programme_id], expected, responded))
        for gauge in (metrics.checkins_expected, metrics.checkins_responded, metrics.response_rate):
            gauge.clear()  # a programme whose template went away leaves the metrics
        for slug, expected, responded in rows:
            metrics.checkins_expected.labels(slug).set(expected)
            metrics.checkins_responded.labels(slug).set(responded)
            metrics.response_rate.labels(slug).set(responded / expected if expected else 0)
        self._read_at = now
