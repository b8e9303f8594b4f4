"""The engine for the configured URL and the unit of work that wraps each update or job."""

from __future__ import annotations

import fcntl
import os
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import event
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from storage.priority import ForegroundFirst
from storage.sqlite_driver import lean_aiosqlite
from storage.uow import UnitOfWork

MIGRATIONS = Path(__file__).with_name("migrations")


class DatabaseBusy(Exception):
    """Another process serves this SQLite file."""


class Database:
    """Owns the engine; hands out one unit of work (one session, one transaction) at a time."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        self.file = _sqlite_file(url) if self.is_sqlite else None
        if self.file is not None and not self.file.exists() and self.file.parent.is_dir():
            # Partners' names and answers: readable by the bot's user only. SQLite gives its
            # WAL and shared-memory files the same mode as the database file.
            os.close(os.open(self.file, os.O_CREAT | os.O_WRONLY, 0o600))
        options: dict[str, Any] = {"echo": echo}
        if not self.is_sqlite:
            options.update(pool_size=10, max_overflow=10, pool_pre_ping=True)
        elif make_url(url).get_driver_name() == "aiosqlite":
            options["module"] = lean_aiosqlite()
        self.engine: AsyncEngine = create_async_engine(url, **options)
        if self.is_sqlite:
            event.listen(self.engine.sync_engine, "connect", _sqlite_pragmas)
        self._sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        self.priority = ForegroundFirst(enabled=self.is_sqlite)

    @asynccontextmanager
    async def unit_of_work(self) -> AsyncIterator[UnitOfWork]:
        """Commit when the block succeeds, roll back when it raises."""
        async with self._sessions() as session, session.begin():
            yield UnitOfWork(session)

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        async with self._sessions() as session:
            yield session

    @property
    def safe_url(self) -> str:
        """The URL without its password, for messages and logs."""
        return make_url(self.url).render_as_string(hide_password=True)

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        """Serve this database alone. SQLite has no locks that span processes the way the
        sender and the inbox need, so a second process on the same file is refused (raises
        `DatabaseBusy`); PostgreSQL takes any number of replicas."""
        if self.file is None:
            yield
            return
        descriptor = os.open(f"{self.file}.lock", os.O_CREAT | os.O_RDWR, 0o600)
        try:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise DatabaseBusy(
                    f"another landscape-bot process is serving {self.file}; stop it first "
                    "(SQLite serves one process: use PostgreSQL to run replicas)"
                ) from None
            yield
        finally:
            os.close(descriptor)  # closing releases the lock

    async def upgrade(self, revision: str = "head") -> None:
        """Apply every Alembic migration not applied yet (up to `revision`)."""
        async with self.engine.begin() as connection:
            await connection.run_sync(lambda sync: command.upgrade(alembic_config(sync), revision))

    async def revision(self) -> str | None:
        """The migration this database is at (None before the first); raises when the
        database cannot be reached."""
        async with self.engine.connect() as connection:
            return await connection.run_sync(
                lambda sync: MigrationContext.configure(sync).get_current_revision()
            )

    async def dispose(self) -> None:
        await self.engine.dispose()


def latest_revision() -> str | None:
    """The newest migration shipped with this code (read from the migration scripts)."""
    return ScriptDirectory(str(MIGRATIONS)).get_current_head()


def alembic_config(connection: Connection) -> Config:
    """Alembic's configuration for running migrations on an open connection."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def _sqlite_file(url: str) -> Path | None:
    database = make_url(url).database
    return Path(database) if database and database != ":memory:" else None


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets readers proceed during a write; the busy timeout turns "database is locked"
    # into a short wait; SQLite enforces foreign keys only when asked.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
