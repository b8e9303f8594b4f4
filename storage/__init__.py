"""Persistence: SQLAlchemy models, the engine and unit of work, one repository per aggregate,
and Alembic migrations. Repositories flush but never commit; the unit of work commits."""
