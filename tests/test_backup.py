"""SQLite backups: taken while the bot runs (mid-broadcast, from a real process), restored only
while no bot serves the file, checked before they replace anything — and a restored bot
finishes the broadcast, repeating only what was sent after the backup was taken."""

from __future__ import annotations

import asyncio
import signal
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.sandbox.api_server import LocalBotApi
from storage.backup import BackupError, backup, restore
from storage.database import Database, DatabaseBusy
from storage.models import Delivery, DeliveryStatus
from tests.support.people import add_partner
from tests.support.replicas import (
    ROOT,
    Replica,
    deliveries_per_chat,
    partners_and_broadcast,
    replica_settings,
    wait_for,
)

RECIPIENTS = 300


def _url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


async def _names(url: str) -> list[str]:
    db = Database(url)
    try:
        async with db.unit_of_work() as uow:
            return sorted(p.name or "" for p in await uow.partners.registered(limit=100))
    finally:
        await db.dispose()


async def _sent(url: str) -> int:
    db = Database(url)
    try:
        async with db.unit_of_work() as uow:
            return int(
                await uow.session.scalar(
                    select(func.count()).where(Delivery.status == DeliveryStatus.SENT)
                )
                or 0
            )
    finally:
        await db.dispose()


async def test_a_backup_restores_what_it_copied_and_nothing_later(tmp_path: Path) -> None:
    db = Database(_url(tmp_path / "bot.db"))
    await db.upgrade()
    await add_partner(db, 1, name="Before")
    copy = tmp_path / "backup.db"
    assert backup(db, copy) > 0
    assert copy.stat().st_mode & 0o077 == 0  # partners' data: readable by this user only
    await add_partner(db, 2, name="After")
    await db.dispose()

    restore(db, copy)
    assert await _names(db.url) == ["Before"]


async def test_a_restore_is_refused_while_a_bot_serves_the_file(tmp_path: Path) -> None:
    db = Database(_url(tmp_path / "bot.db"))
    await db.upgrade()
    await add_partner(db, 1, name="Live")
    copy = tmp_path / "backup.db"
    backup(db, copy)
    await add_partner(db, 2, name="Newer")
    with db.exclusive(), pytest.raises(DatabaseBusy):  # the running bot holds the file
        restore(db, copy)
    await db.dispose()
    assert await _names(db.url) == ["Live", "Newer"]


async def test_bad_backups_are_refused_and_change_nothing(tmp_path: Path) -> None:
    db = Database(_url(tmp_path / "bot.db"))
    await db.upgrade()
    await add_partner(db, 1, name="Kept")
    not_sqlite = tmp_path / "notes.txt"
    not_sqlite.write_text("not a database " * 100)
    foreign = tmp_path / "other.db"
    foreign_db = Database(_url(foreign))
    async with foreign_db.engine.begin() as connection:
        await connection.exec_driver_sql("CREATE TABLE t (x)")
    await foreign_db.dispose()
    for source, reason in (
        (tmp_path / "missing.db", "there is no backup"),
        (not_sqlite, "is not a SQLite database"),
        (foreign, "is not a landscape-bot database"),
    ):
        with pytest.raises(BackupError, match=reason):
            restore(db, source)
    with pytest.raises(BackupError, match="already exists"):
        backup(db, foreign)
    await db.dispose()
    assert await _names(db.url) == ["Kept"]


def test_postgresql_points_to_its_own_tools() -> None:
    db = Database("postgresql+asyncpg://postgres@127.0.0.1:5432/test")
    with pytest.raises(BackupError, match="pg_dump"):
        backup(db, Path("unused.db"))


async def test_a_backup_taken_mid_broadcast_resumes_without_loss(
    api: LocalBotApi, tmp_path: Path
) -> None:
    url = _url(tmp_path / "bot.db")
    db = Database(url)
    await db.upgrade()
    await db.dispose()
    await partners_and_broadcast(api, url, RECIPIENTS)
    # Slow enough that the broadcast is still going when the backup (a new process) is done,
    # even on a loaded machine.
    settings = replica_settings(api, url, receive_updates=False, per_second=10)
    bot = Replica(tmp_path, "bot", settings)
    await bot.start()
    await wait_for(lambda: sum(deliveries_per_chat(api, RECIPIENTS).values()) >= 10, 60,
                   "the first messages")  # fmt: skip
    sent_before = sum(deliveries_per_chat(api, RECIPIENTS).values())
    command = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "db", "backup", str(tmp_path / "backup.db"),
        "--config", str(bot.config), cwd=ROOT,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    output, _ = await command.communicate()
    assert command.returncode == 0, output.decode()
    await asyncio.sleep(1)  # the bot sends on after the snapshot...
    await bot.stop(signal.SIGKILL)  # ...until the disk is lost: only the backup is left
    sent_at_kill = sum(deliveries_per_chat(api, RECIPIENTS).values())
    assert sent_at_kill < RECIPIENTS  # the backup really was taken midway
    recorded_at_kill = await _sent(url)

    restoring = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "db", "restore", str(tmp_path / "backup.db"),
        "--config", str(bot.config), cwd=ROOT,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    output, _ = await restoring.communicate()
    assert restoring.returncode == 0, output.decode()
    assert await _sent(url) < recorded_at_kill  # the database is back at the snapshot
    again = Replica(tmp_path, "again", settings)
    await again.start()
    try:
        await wait_for(lambda: min(deliveries_per_chat(api, RECIPIENTS).values()) >= 1, 120,
                       "every recipient")  # fmt: skip
        await asyncio.sleep(0.5)  # a repeat beyond the bound would have arrived by now
    finally:
        assert await again.stop() == 0
    repeated = sum(n - 1 for n in deliveries_per_chat(api, RECIPIENTS).values())
    # The snapshot was taken after `sent_before`: only what went out after it (until the
    # kill) and what was in flight then (concurrency 8, one unrecorded flush of 10) repeats.
    assert repeated <= (sent_at_kill - sent_before) + 8 + 10, repeated
