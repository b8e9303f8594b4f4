"""Backups of a SQLite database, and restoring one.

A backup is taken with SQLite's online backup API: a consistent snapshot, page by page, safe
while the bot runs and writes (it reads the WAL as any reader does). A restore replaces the
database and so is refused while a bot serves the file (the same lock `Database.exclusive`
takes). PostgreSQL has its own tools for both: pg_dump and pg_restore (see the README).
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing
from pathlib import Path

from storage.database import Database

PAGES_PER_STEP = 1024  # about 4 MB at a time, so a running bot's writes wait only briefly


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why, in one line."""


def backup(database: Database, target: Path) -> int:
    """Copy the live database to `target` (a new file, readable by this user only); returns
    its size in bytes."""
    source = _sqlite_file(database)
    if not source.exists():
        raise BackupError(f"there is no database at {source}")
    if target.exists():
        raise BackupError(f"{target} already exists; choose a new file")
    os.close(os.open(target, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600))
    try:
        with closing(_connect(source)) as live, closing(_connect(target)) as copy:
            live.backup(copy, pages=PAGES_PER_STEP)
    except sqlite3.Error as error:
        target.unlink(missing_ok=True)
        raise BackupError(f"the backup failed: {error}") from None
    return target.stat().st_size


def restore(database: Database, source: Path) -> None:
    """Replace the database with the backup at `source`, once it is checked whole and ours.
    The bot applies any newer migrations when it starts."""
    target = _sqlite_file(database)
    _check_backup(source)
    try:
        with (
            database.exclusive(),
            closing(_connect(source)) as backup_file,
            closing(_connect(target)) as live,
        ):
            backup_file.backup(live, pages=PAGES_PER_STEP)
    except sqlite3.Error as error:
        raise BackupError(f"the restore failed: {error}") from None


def _check_backup(source: Path) -> None:
    if not source.is_file():
        raise BackupError(f"there is no backup at {source}")
    try:
        with closing(_connect(source, read_only=True)) as backup_file:
            [verdict] = backup_file.execute("PRAGMA quick_check").fetchone()
            ours = backup_file.execute(
                "SELECT count(*) FROM sqlite_master WHERE name = 'alembic_version'"
            ).fetchone()[0]
    except sqlite3.Error as error:
        raise BackupError(f"{source} is not a SQLite database: {error}") from None
    if verdict != "ok":
        raise BackupError(f"{source} is damaged: {verdict}")
    if not ours:
        raise BackupError(f"{source} is not a landscape-bot database")


def _sqlite_file(database: Database) -> Path:
    if database.file is None:
        raise BackupError(
            "backup and restore here are for SQLite; for PostgreSQL use pg_dump and pg_restore"
        )
    return database.file


def _connect(path: Path, *, read_only: bool = False) -> sqlite3.Connection:
    if read_only:
        return sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    return sqlite3.connect(path)
