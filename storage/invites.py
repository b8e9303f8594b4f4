"""Invite codes: a link that pre-fills a newcomer's landscape, stakeholder type and role."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from storage.models import Invite, Role, StakeholderType


class Invites:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def create(
        self,
        *,
        landscape_id: int,
        stakeholder_type: StakeholderType | None,
        role: Role,
        uses: int,
        expires_at: datetime,
        created_by: int | None,
    ) -> Invite:
        invite = Invite(
            # 12 url-safe bytes: unguessable, and short enough for a /start parameter.
            code=secrets.token_urlsafe(12),
            landscape_id=landscape_id,
            stakeholder_type=stakeholder_type,
            role=role,
            uses_left=uses,
            expires_at=expires_at,
            created_by=created_by,
        )
        self._session.add(invite)
        await self._session.flush()
        return invite

    async def usable(self, code: str, now: datetime) -> Invite | None:
        """The invite if it exists, has uses left and has not expired."""
        query = (
            select(Invite)
            .where(Invite.code == code, Invite.uses_left > 0, Invite.expires_at > now)
            .options(selectinload(Invite.landscape))
        )
        return (await self._session.scalars(query)).one_or_none()

    async def consume(self, invite: Invite) -> bool:
        """Take one use, atomically: two partners racing for the last use cannot both win."""
        result = await self._session.execute(
            update(Invite)
            .where(Invite.id == invite.id, Invite.uses_left > 0)
            .values(uses_left=Invite.uses_left - 1)
            .execution_options(synchronize_session=False)
        )
        await self._session.refresh(invite)
        return bool(getattr(result, "rowcount", 0) == 1)
