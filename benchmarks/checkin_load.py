"""A benchmark database full of check-ins: a throwaway database on either engine, the example
programmes and landscapes, the seven-question template, partners spread over FLRM's ten
landscapes, and a check-in from nine partners in ten each month, newest month last. Partners
go in through SQLAlchemy; check-ins and answers in bulk, a month at a time (executemany on
SQLite, COPY on PostgreSQL), in the order they would have arrived."""

from __future__ import annotations

import asyncio
import os
import random
import sqlite3
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg  # type: ignore[import-untyped]
from sqlalchemy import insert

from bot.content import apply_content, read_content_file
from storage.database import Database
from storage.models import Cadence, Partner, PartnerLandscape, Role, StakeholderType
from tests.support.checkins import FLR_QUESTIONS as QUESTIONS
from tests.support.checkins import random_answers

POSTGRES_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
EXAMPLE = Path(__file__).parents[1] / "bot" / "examples" / "content.toml"
LATEST_PERIOD = date(2026, 3, 1)
JOINED = datetime(2010, 1, 1, tzinfo=UTC)
RESPONSE_RATE = 0.9  # of partners, each month
LANGUAGES = ("en", "fr", "es", "ar", "km", "ko")
KINDS = (StakeholderType.COMMUNITY,) * 6 + (StakeholderType.NGO, StakeholderType.GOVERNMENT)
CHECKIN_COLUMNS = ["id", "partner_id", "programme_id", "landscape_id", "period_start"]
CHECKIN_COLUMNS += ["submitted_at", "status"]
ANSWER_COLUMNS = ["checkin_id", "question_key", "part", "number", "text"]
INSERT_CHECKIN = (
    "INSERT INTO checkin (id, partner_id, programme_id, landscape_id, period_start,"
    " submitted_at, status) VALUES (?, ?, ?, ?, ?, ?, ?)"
)
INSERT_ANSWER = (
    "INSERT INTO checkin_answer (checkin_id, question_key, part, number, text)"
    " VALUES (?, ?, ?, ?, ?)"
)
SET_SEQUENCES = (
    "SELECT setval(pg_get_serial_sequence('partner', 'id'), (SELECT max(id) FROM partner)),"
    " setval(pg_get_serial_sequence('checkin', 'id'), (SELECT max(id) FROM checkin))"
)


@dataclass(frozen=True)
class Loaded:
    programme_id: int
    landscape_ids: list[int]
    periods: list[date]  # oldest first
    checkins: int
    answers: int
    seconds: float


@asynccontextmanager
async def scratch_database(engine: str) -> AsyncIterator[str]:
    """A new, migrated database's URL; it is gone afterwards."""
    if engine == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            url = f"sqlite+aiosqlite:///{folder}/bench.db"
            await _upgrade(url)
            yield url
        return
    name = f"lb_bench_checkins_{os.getpid()}"
    admin = await asyncpg.connect(POSTGRES_ADMIN)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{name}"')
        url = POSTGRES_ADMIN.rsplit("/", 1)[0].replace("postgresql:", "postgresql+asyncpg:")
        await _upgrade(f"{url}/{name}")
        yield f"{url}/{name}"
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


async def _upgrade(url: str) -> None:
    database = Database(url)
    try:
        await database.upgrade()
        async with database.unit_of_work() as uow:
            await apply_content(uow, read_content_file(EXAMPLE))
    finally:
        await database.dispose()


async def load(db: Database, partners: int, checkins: int, seed: int = 7) -> Loaded:
    started = time.perf_counter()
    async with db.unit_of_work() as uow:
        programme = await uow.programmes.by_slug("flrm")
        assert programme is not None
        landscapes = [place.id for place in programme.landscapes]
        await uow.checkins.replace_template(
            programme.id, cadence=Cadence.MONTHLY, weekday=0, hour=9, window_days=7,
            questions=QUESTIONS,
        )  # fmt: skip
        await uow.session.execute(insert(Partner), [_partner(n) for n in range(1, partners + 1)])
        await uow.session.execute(
            insert(PartnerLandscape),
            [
                {"partner_id": n, "landscape_id": landscapes[n % len(landscapes)]}
                for n in range(1, partners + 1)
            ],
        )
    rng = random.Random(seed)
    reporters = _reporters(rng, partners, checkins)
    periods = [_months_before(LATEST_PERIOD, len(reporters) - 1 - k) for k in range(len(reporters))]
    batches = _batches(rng, programme.id, landscapes, list(zip(periods, reporters, strict=True)))
    if db.is_sqlite:
        answers = await asyncio.to_thread(_sqlite_load, db.url.split("///", 1)[1], batches)
    else:
        answers = await _postgres_load(db.url.replace("+asyncpg", ""), batches)
    return Loaded(
        programme.id, landscapes, periods, checkins, answers, time.perf_counter() - started
    )


def _partner(n: int) -> dict[str, Any]:
    return {
        "id": n,
        "telegram_id": 50_000_000 + n,
        "name": f"Partner {n}",
        "organisation": f"Community forest group {n % 700}",
        "stakeholder_type": KINDS[n % len(KINDS)],
        "language": LANGUAGES[n % len(LANGUAGES)],
        "timezone": "Asia/Phnom_Penh",
        "role": Role.PARTNER,
        "consent_at": JOINED,
        "joined_at": JOINED,
    }


Batch = tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]  # (check-ins, answers) of a month


def _reporters(rng: random.Random, partners: int, checkins: int) -> list[list[int]]:
    """Who reported each month, oldest first: about RESPONSE_RATE of the partners, newest
    months complete, the oldest cut so there are exactly `checkins` in all."""
    months: list[list[int]] = []
    total = 0
    while total < checkins:
        month = [n for n in range(1, partners + 1) if rng.random() < RESPONSE_RATE]
        months.insert(0, month)
        total += len(month)
    months[0] = months[0][total - checkins :]
    return months


def _batches(
    rng: random.Random,
    programme_id: int,
    landscapes: list[int],
    months: list[tuple[date, list[int]]],
) -> Iterator[Batch]:
    pool = [random_answers(rng) for _ in range(997)]
    next_id = 1
    for index, (period, reporters) in enumerate(months):
        old = index < len(months) - 2  # coordinators have reviewed all but the last two months
        rows, answers = [], []
        for partner, chosen in zip(reporters, rng.choices(pool, k=len(reporters)), strict=True):
            at = datetime(period.year, period.month, 3, tzinfo=UTC) + timedelta(seconds=partner)
            status = "reviewed" if old else ("flagged" if partner % 50 == 0 else "submitted")
            landscape = landscapes[partner % len(landscapes)]
            rows.append((next_id, partner, programme_id, landscape, period, at, status))
            answers += [(next_id, *answer) for answer in chosen]
            next_id += 1
        yield rows, answers


def _sqlite_load(path: str, batches: Iterator[Batch]) -> int:
    # Text in the formats SQLAlchemy writes (and reads back) on SQLite.
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA synchronous=OFF")
    count = 0
    try:
        for rows, answers in batches:
            with connection:
                connection.executemany(
                    INSERT_CHECKIN,
                    [
                        (*row[:4], row[4].isoformat(), f"{row[5]:%Y-%m-%d %H:%M:%S.%f}", row[6])
                        for row in rows
                    ],
                )
                connection.executemany(INSERT_ANSWER, answers)
            count += len(answers)
    finally:
        connection.close()
    return count


async def _postgres_load(dsn: str, batches: Iterator[Batch]) -> int:
    connection = await asyncpg.connect(dsn)
    count = 0
    try:
        for rows, answers in batches:
            async with connection.transaction():
                await connection.copy_records_to_table(
                    "checkin", records=rows, columns=CHECKIN_COLUMNS
                )
                await connection.copy_records_to_table(
                    "checkin_answer", records=answers, columns=ANSWER_COLUMNS
                )
            count += len(answers)
        await connection.execute(SET_SEQUENCES)
    finally:
        await connection.close()
    return count


def _months_before(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)
