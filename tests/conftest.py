"""Fixtures: a database on each engine (a fresh SQLite file; a fresh PostgreSQL database cloned
from a migrated template), the local Bot API server, and the real bot polling it over HTTP."""

from __future__ import annotations

import asyncio
import itertools
import os
from collections.abc import AsyncIterator, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from bot.content import apply_content, read_content_file
from bot.sandbox.api_server import LocalBotApi
from bot.understanding import Understanding
from storage.database import Database
from tests.support.bot import EXAMPLE_CONTENT, TOKEN, BotHarness

POSTGRES_ADMIN_URL = os.environ.get(
    "LANDSCAPE_BOT_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres"
)
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
_names = itertools.count()


def _sqlalchemy_url(dsn: str, database: str) -> str:
    base = dsn.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://", 1)
    return f"{base}/{database}"


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[str]:
    """A migrated template database; each test clones it (much faster than migrating)."""
    name = f"lb_template_{os.getpid()}"

    async def create() -> None:
        connection = await asyncpg.connect(POSTGRES_ADMIN_URL, timeout=5)
        try:
            await connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
            await connection.execute(f'CREATE DATABASE "{name}"')
        finally:
            await connection.close()
        database = Database(_sqlalchemy_url(POSTGRES_ADMIN_URL, name))
        await database.upgrade()
        await database.dispose()

    try:
        _run_in_thread(create())
    except (OSError, asyncpg.PostgresError, TimeoutError) as error:
        message = f"PostgreSQL at {POSTGRES_ADMIN_URL} is not reachable: {error}"
        if IN_CI:
            pytest.fail(f"{message} (CI must run the PostgreSQL tests)")
        pytest.skip(f"{message}; set LANDSCAPE_BOT_TEST_POSTGRES to run these tests")
    yield name
    _run_in_thread(_drop(name))


def _run_in_thread(coroutine: Coroutine[Any, Any, None]) -> None:
    """Run set-up on its own loop: session fixtures may be reached from inside a test's loop."""
    with ThreadPoolExecutor(1) as executor:
        executor.submit(asyncio.run, coroutine).result()


async def _drop(name: str) -> None:
    connection = await asyncpg.connect(POSTGRES_ADMIN_URL)
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await connection.close()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """An empty, migrated database on each engine."""
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
        database = Database(url)
        await database.upgrade()
        await database.dispose()
        yield url
        return
    template = request.getfixturevalue("postgres_template")
    name = f"lb_test_{os.getpid()}_{next(_names)}"
    connection = await asyncpg.connect(POSTGRES_ADMIN_URL)
    try:
        await connection.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    finally:
        await connection.close()
    yield _sqlalchemy_url(POSTGRES_ADMIN_URL, name)
    await _drop(name)


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    db = Database(database_url)
    yield db
    await db.dispose()


@pytest.fixture
async def api() -> AsyncIterator[LocalBotApi]:
    async with LocalBotApi(TOKEN) as server:
        yield server


@pytest.fixture(scope="session")
def understanding_warm(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Embed the built-in phrases and the example content once per session, as the bot's index
    would at start: each test's bot then indexes them at once instead of in the background."""
    directory = tmp_path_factory.mktemp("warm")

    async def warm() -> None:
        database = Database(f"sqlite+aiosqlite:///{directory / 'warm.db'}")
        await database.upgrade()
        async with database.unit_of_work() as uow:
            await apply_content(uow, read_content_file(EXAMPLE_CONTENT))
        understanding = Understanding.shipped()
        await understanding.warm(database)
        await understanding.settled()
        await database.dispose()

    _run_in_thread(warm())


@pytest.fixture
async def bot(
    api: LocalBotApi, database_url: str, understanding_warm: None
) -> AsyncIterator[BotHarness]:
    """The real bot, polling the local Bot API server, with the example content loaded."""
    harness = BotHarness(api, database_url, admins=[9000])
    await harness.load_example_content()
    await harness.start()
    yield harness
    await harness.stop()
