"""Activity for the sandbox's demo partners, so every role has something to look at on the
first run: four months of check-ins (one flagged back to its partner, one waiting for review,
blockers among them), a question nobody has answered yet, RSVPs to the upcoming meeting, and a
coordinator the sandbox partner can write to."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date, datetime, timedelta

from storage.checkins import AnswerValue
from storage.models import CheckinStatus, Partner, RsvpAnswer
from storage.uow import UnitOfWork

MONTHS = 4
# Blockers partners really report, in their own language (the demo partners write km, ar, es).
BLOCKERS = {
    "km": "គោចូលថ្នាលបណ្ដុះកូនឈើ ហើយបំផ្លាញកូនឈើប្រហែល ៤០ ដើម។",
    "ar": "تأخر وصول الشتلات من المشتل الإقليمي بسبب الطريق.",
    "es": "La sequía retrasó la siembra en dos parcelas.",
}
QUESTION = ("es", "¿Cuándo llegan las plántulas del vivero regional?")
FLAG = "Is the survival figure for the whole site or for the reference plot only?"


async def seed_activity(
    uow: UnitOfWork, partner_ids: Sequence[int], coordinator_id: int, meeting: str, now: datetime
) -> None:
    """Seed once, for registered demo partners and coordinator (Telegram ids) and the upcoming
    meeting's slug: a database that already holds their check-ins is left as it is."""
    programme = await uow.programmes.by_slug("flrm")
    coordinator = await uow.partners.by_telegram_id(coordinator_id)
    partners = [p for i in partner_ids if (p := await uow.partners.by_telegram_id(i)) is not None]
    if programme is None or coordinator is None or not partners:
        return
    if await _has_checkins(uow, partners):
        return
    landscapes = await uow.places.landscapes()
    await uow.partners.set_landscapes(
        coordinator, [place for place in landscapes if place.programme_id == programme.id]
    )
    rng = random.Random(2026)  # noqa: S311 - demo figures, the same on every fresh start
    latest = _month_start(now.date())
    for partner in partners:
        landscape = partner.landscapes[0] if partner.landscapes else None
        for back in range(MONTHS, 0, -1):
            period = _months_before(latest, back)
            checkin, _ = await uow.checkins.submit(
                partner_id=partner.id,
                programme_id=programme.id,
                landscape_id=landscape.id if landscape else None,
                period_start=period,
                answers=_answers(rng, partner.language or "en", blocked=back == 1),
                at=min(now, _reported(_months_before(latest, back - 1), now)),
            )
            if back > 1:  # older months were read; the latest waits for review
                checkin.status, checkin.reviewed_by = CheckinStatus.REVIEWED, coordinator.id
                checkin.reviewed_at = checkin.submitted_at + timedelta(days=1)
    flagged = partners[0]  # the first demo partner's latest check-in was asked about
    [latest_of_first] = await uow.checkins.recent_for(flagged.id, limit=1)
    latest_of_first.status, latest_of_first.review_comment = CheckinStatus.FLAGGED, FLAG
    latest_of_first.reviewed_by, latest_of_first.reviewed_at = coordinator.id, now
    asker = next((p for p in partners if p.language == QUESTION[0]), partners[-1])
    await uow.questions.record(asker, QUESTION[0], QUESTION[1])
    upcoming = await uow.events.by_slug(meeting)
    if upcoming is not None:
        for partner, answer in zip(partners, (RsvpAnswer.YES, RsvpAnswer.MAYBE), strict=False):
            await uow.rsvps.answer(upcoming.id, partner.id, answer, now)


async def _has_checkins(uow: UnitOfWork, partners: Sequence[Partner]) -> bool:
    return any([await uow.checkins.recent_for(partner.id, limit=1) for partner in partners])


def _answers(rng: random.Random, language: str, *, blocked: bool) -> list[AnswerValue]:
    women, men = rng.randrange(4, 25), rng.randrange(4, 25)
    values = [
        AnswerValue("area_ha", "", number=round(rng.uniform(2, 30), 1)),
        AnswerValue("trees", "planted", number=float(rng.randrange(200, 3000))),
        AnswerValue("trees", "seedlings", number=float(rng.randrange(500, 5000))),
        AnswerValue("survival_pct", "", number=float(rng.randrange(55, 95))),
        AnswerValue("people", "women", number=float(women)),
        AnswerValue("people", "men", number=float(men)),
        AnswerValue("funding_usd", "donor", number=float(rng.randrange(1, 20) * 500)),
        AnswerValue("funding_usd", "domestic_public", number=float(rng.randrange(0, 8) * 250)),
    ]
    if blocked:
        values.append(AnswerValue("barriers", "", text=BLOCKERS.get(language, BLOCKERS["es"])))
    return values


def _reported(month_after: date, now: datetime) -> datetime:
    """Two days into the month after the period, mid-morning: when partners tend to report."""
    return datetime.combine(month_after, datetime.min.time(), now.tzinfo) + timedelta(
        days=2, hours=9
    )


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _months_before(month: date, count: int) -> date:
    year, index = divmod(month.year * 12 + month.month - 1 - count, 12)
    return date(year, index + 1, 1)
