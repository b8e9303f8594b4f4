"""Partners: lookup by Telegram identity, registration, roles, and erasure on request."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date
from functools import cache

from sqlalchemy import Select, bindparam, delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from storage.models import (
    Landscape,
    Partner,
    PartnerLandscape,
    PartnerStatus,
    Role,
    StakeholderType,
)


class Partners:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def by_telegram_id(self, telegram_id: int) -> Partner | None:
        query = _by_telegram_id()
        return (
            (await self._session.scalars(query, {"telegram_id": telegram_id}))
            .unique()
            .one_or_none()
        )

    async def by_username(self, username: str) -> Partner | None:
        query = select(Partner).where(Partner.username == username.lstrip("@").lower())
        return (await self._session.scalars(query)).first()

    async def get(self, partner_id: int) -> Partner | None:
        return await self._session.get(Partner, partner_id)

    async def create(
        self, telegram_id: int, *, username: str | None, language: str | None
    ) -> Partner:
        partner = Partner(
            telegram_id=telegram_id,
            username=username.lower() if username else None,
            language=language,
            role=Role.PARTNER,
            status=PartnerStatus.ACTIVE,
            landscapes=[],
        )
        self._session.add(partner)
        await self._session.flush()
        return partner

    async def registered(
        self, *, role: Role | None = None, offset: int = 0, limit: int = 8
    ) -> Sequence[Partner]:
        """Registered partners by name (of one role, if given), for pickers."""
        query = select(Partner).where(
            Partner.joined_at.is_not(None), Partner.status != PartnerStatus.FORGOTTEN
        )
        if role is not None:
            query = query.where(Partner.role == role)
        query = query.order_by(func.lower(Partner.name), Partner.id).offset(offset).limit(limit)
        return (await self._session.scalars(query)).all()

    async def count_registered(self) -> int:
        query = select(func.count(Partner.id)).where(
            Partner.joined_at.is_not(None), Partner.status != PartnerStatus.FORGOTTEN
        )
        return int(await self._session.scalar(query) or 0)

    async def with_roles(self, roles: Sequence[Role]) -> Sequence[Partner]:
        query = select(Partner).where(Partner.role.in_(roles), Partner.telegram_id.is_not(None))
        return (await self._session.scalars(query)).all()

    async def coordinators_of(self, landscape_ids: Collection[int]) -> Sequence[Partner]:
        """Registered coordinators who work in any of these landscapes, by name."""
        if not landscape_ids:
            return []
        working_there = select(PartnerLandscape.partner_id).where(
            PartnerLandscape.landscape_id.in_(list(landscape_ids))
        )
        query = (
            select(Partner)
            .where(
                Partner.id.in_(working_there),
                Partner.role == Role.COORDINATOR,
                Partner.joined_at.is_not(None),
                Partner.status == PartnerStatus.ACTIVE,
            )
            .order_by(func.lower(Partner.name), Partner.id)
        )
        return (await self._session.scalars(query)).all()

    async def set_landscapes(self, partner: Partner, landscapes: Sequence[Landscape]) -> None:
        partner.landscapes = list(landscapes)
        await self._session.flush()

    async def reporters(
        self, programme_id: int, on: date, *, after: int = 0, limit: int | None = None
    ) -> Sequence[Partner]:
        """Who is expected to report progress for a programme: registered, active partners of
        its landscapes (funders, coordinators and admins aside), not away on `on`. By id:
        those above `after`, at most `limit`."""
        query = (
            select(Partner)
            .join(PartnerLandscape, PartnerLandscape.partner_id == Partner.id)
            .join(Landscape, Landscape.id == PartnerLandscape.landscape_id)
            .where(
                Landscape.programme_id == programme_id,
                Partner.joined_at.is_not(None),
                Partner.status == PartnerStatus.ACTIVE,
                Partner.role == Role.PARTNER,
                or_(
                    Partner.stakeholder_type.is_(None),
                    Partner.stakeholder_type != StakeholderType.FUNDER,
                ),
                or_(Partner.away_until.is_(None), Partner.away_until < on),
                Partner.id > after,
            )
            .distinct()
            .order_by(Partner.id)
            .limit(limit)
        )
        return (await self._session.scalars(query)).all()

    async def by_ids(self, partner_ids: Collection[int]) -> dict[int, Partner]:
        rows = await self._session.scalars(select(Partner).where(Partner.id.in_(partner_ids)))
        return {partner.id: partner for partner in rows}

    async def mark_blocked(self, partner_ids: Collection[int]) -> None:
        """They blocked the bot: keep their data, send nothing until they write again."""
        await self._session.execute(
            update(Partner)
            .where(Partner.id.in_(partner_ids), Partner.status == PartnerStatus.ACTIVE)
            .values(status=PartnerStatus.BLOCKED)
        )

    async def delete_landscape_links(self, partner: Partner) -> None:
        await self._session.execute(
            delete(PartnerLandscape).where(PartnerLandscape.partner_id == partner.id)
        )


@cache
def _by_telegram_id() -> Select[Partner]:
    """Every turn loads its partner: the statement is built once, the landscapes joined (one
    statement, not two)."""
    return (
        select(Partner)
        .where(Partner.telegram_id == bindparam("telegram_id"))
        .options(joinedload(Partner.landscapes))
    )
