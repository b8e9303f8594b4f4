"""INSERT … ON CONFLICT for the session's database. PostgreSQL and SQLite both have it, but
SQLAlchemy builds it only from each dialect's own `insert`, so repositories ask here."""

from __future__ import annotations

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models.base import Base


def insert(session: AsyncSession, model: type[Base]) -> postgresql.Insert | sqlite.Insert:
    """An insert into `model` that offers `on_conflict_do_nothing` / `on_conflict_do_update`."""
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(model)
    return sqlite.insert(model)
