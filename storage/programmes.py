"""Programmes: their texts, status and headline figures."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from storage.models import Localized, Partner, Programme, ProgrammeFigure, utcnow


class Programmes:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    def _query(self) -> Any:
        return select(Programme).options(
            selectinload(Programme.figures), selectinload(Programme.landscapes)
        )

    async def all(self) -> Sequence[Programme]:
        return (await self._session.scalars(self._query().order_by(Programme.slug))).all()

    async def revision(self) -> tuple[int, datetime | None]:
        """Changes whenever a programme is added or edited (status, figures included)."""
        row = (
            await self._session.execute(
                select(func.count(Programme.id), func.max(Programme.updated_at))
            )
        ).one()
        return int(row[0]), row[1]

    async def get(self, programme_id: int) -> Programme | None:
        query = self._query().where(Programme.id == programme_id)
        return (await self._session.scalars(query)).one_or_none()

    async def by_slug(self, slug: str) -> Programme | None:
        query = self._query().where(Programme.slug == slug)
        return (await self._session.scalars(query)).one_or_none()

    async def upsert(self, slug: str, **fields: Any) -> Programme:
        """Create or update by slug; `figures` (a list of dicts) replaces the existing ones."""
        programme = await self.by_slug(slug)
        if programme is None:
            programme = Programme(slug=slug, figures=[], landscapes=[])
            self._session.add(programme)
        figures = fields.pop("figures", None)
        for key, value in fields.items():
            setattr(programme, key, value)
        if figures is not None:
            programme.figures = [
                ProgrammeFigure(position=position, **figure)
                for position, figure in enumerate(figures)
            ]
        programme.updated_at = utcnow()
        await self._session.flush()
        return programme

    async def set_status(
        self, programme: Programme, status: Localized, *, as_of: date, by: Partner, at: datetime
    ) -> None:
        programme.status = dict(status)  # a new dict, so the JSON column sees the change
        programme.status_as_of = as_of
        programme.status_updated_at = at
        programme.status_updated_by = by.id
        programme.updated_at = at
        await self._session.flush()

    async def set_figure_value(
        self, programme: Programme, position: int, value: float, *, as_of: date
    ) -> ProgrammeFigure | None:
        figure = next((f for f in programme.figures if f.position == position), None)
        if figure is not None:
            figure.value = value
            figure.as_of = as_of
            programme.updated_at = utcnow()
            await self._session.flush()
        return figure
