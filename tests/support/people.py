"""Registered partners made directly in the database, for tests about what comes after joining
(onboarding itself is tested through the chat in test_onboarding.py)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from storage.database import Database
from storage.models import Event, Partner, PartnerStatus, Role, StakeholderType, utcnow


async def add_partner(
    db: Database,
    telegram_id: int,
    *,
    name: str = "Test Partner",
    language: str = "en",
    timezone: str = "Asia/Phnom_Penh",
    landscapes: Sequence[str] = ("flrm-cambodia",),
    role: Role = Role.PARTNER,
    kind: StakeholderType = StakeholderType.COMMUNITY,
    username: str | None = None,
) -> int:
    """A partner who finished onboarding; returns their partner id."""
    async with db.unit_of_work() as uow:
        partner = Partner(
            telegram_id=telegram_id,
            username=username,
            name=name,
            organisation="Test Organisation",
            stakeholder_type=kind,
            language=language,
            timezone=timezone,
            role=role,
            status=PartnerStatus.ACTIVE,
            consent_at=utcnow(),
            joined_at=utcnow(),
            landscapes=[],
        )
        uow.session.add(partner)
        await uow.session.flush()
        places = [await uow.places.landscape_by_slug(slug) for slug in landscapes]
        await uow.partners.set_landscapes(partner, [p for p in places if p is not None])
        return partner.id


async def add_event(
    db: Database,
    title: str,
    *,
    starts_in: timedelta,
    hours: float = 2,
    programme: str | None = "flrm",
    landscapes: Sequence[str] = (),
    timezone: str = "Asia/Phnom_Penh",
    online_url: str | None = None,
    now: datetime | None = None,
) -> int:
    """An event starting `starts_in` from now, titled in English only; returns its id."""
    starts = ((now or utcnow()) + starts_in).replace(second=0, microsecond=0)
    async with db.unit_of_work() as uow:
        owner = await uow.programmes.by_slug(programme) if programme else None
        places = [await uow.places.landscape_by_slug(slug) for slug in landscapes]
        event = await uow.events.add(
            Event(
                title={"en": title},
                programme_id=owner.id if owner else None,
                starts_at=starts,
                ends_at=starts + timedelta(hours=hours),
                timezone=timezone,
                online_url=online_url,
            ),
            [p for p in places if p is not None],
        )
        event.slug = f"event-{event.id}"
        return event.id
