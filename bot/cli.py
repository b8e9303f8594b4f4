"""The `landscape-bot` command: run, db upgrade/backup/restore, import, export-content, sandbox."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from bot.content import (
    ContentError,
    check_content,
    export_content,
    import_in_steps,
    read_content_file,
)
from bot.logs import configure_logging
from bot.ops.memory import freeze_imports, limit_malloc_arenas
from bot.settings import ConfigError, Settings, StartupError, load_settings
from storage.backup import BackupError, backup, restore
from storage.database import Database, DatabaseBusy


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    limit_malloc_arenas()
    try:
        settings = load_settings(args.config)
        configure_logging(
            settings.logging.level,
            settings.secrets(),
            json_lines=settings.logging.format == "json",
        )
        return int(asyncio.run(args.action(args, settings)) or 0)
    except ConfigError as error:
        for problem in error.problems:
            print(f"landscape-bot: {problem}", file=sys.stderr)
        return 2
    except ContentError as error:
        for problem in error.problems:
            print(f"landscape-bot: {problem}", file=sys.stderr)
        print("landscape-bot: nothing was imported", file=sys.stderr)
        return 1
    except (StartupError, BackupError, DatabaseBusy) as error:
        print(f"landscape-bot: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except Exception:
        # Through the configured handler: redacted, and one JSON line when asked for.
        logging.getLogger("landscape-bot").exception("stopped by an unexpected error")
        return 1


async def _run(args: argparse.Namespace, settings: Settings) -> None:
    from bot.runner import run_bot  # the whole bot: imported only to run it

    freeze_imports()  # before the content and the index are built

    await run_bot(settings, migrate=settings.database.migrate_on_start and not args.no_migrate)


async def _db_upgrade(_args: argparse.Namespace, settings: Settings) -> None:
    database = Database(settings.database.url)
    try:
        await database.upgrade()
    finally:
        await database.dispose()
    print("database is up to date")


async def _db_backup(args: argparse.Namespace, settings: Settings) -> None:
    database = Database(settings.database.url)
    try:
        size = await asyncio.to_thread(backup, database, args.file)
    finally:
        await database.dispose()
    print(f"backed up {database.file} to {args.file} ({size:,} bytes)")


async def _db_restore(args: argparse.Namespace, settings: Settings) -> None:
    database = Database(settings.database.url)
    try:
        await asyncio.to_thread(restore, database, args.file)
    finally:
        await database.dispose()
    print(f"restored {database.file} from {args.file}")


async def _import(args: argparse.Namespace, settings: Settings) -> None:
    content = read_content_file(args.file)
    database = Database(settings.database.url)
    try:
        await database.upgrade()
        async with database.unit_of_work() as uow:
            plan = await check_content(uow, content)
        # In short steps, so a bot running on the same database keeps serving partners.
        counts = await import_in_steps(database, plan, settings.reminders)
    finally:
        await database.dispose()
    print(
        f"imported {counts.programmes} programmes, {counts.landscapes} landscapes, "
        f"{counts.events} events and {counts.faq} FAQ entries"
    )


async def _export(args: argparse.Namespace, settings: Settings) -> None:
    database = Database(settings.database.url)
    try:
        await database.upgrade()
        async with database.unit_of_work() as uow:
            text = await export_content(uow)
    finally:
        await database.dispose()
    if args.output is None:
        sys.stdout.write(text)
    else:
        args.output.write_text(text, encoding="utf-8")
        print(f"wrote {args.output}", file=sys.stderr)


async def _sandbox(args: argparse.Namespace, settings: Settings) -> None:
    from bot.sandbox.session import run_sandbox

    await run_sandbox(settings, role=args.as_role, database=args.database, fresh=args.fresh)


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--config", type=Path, default=None, help="TOML settings file (else $LANDSCAPE_BOT_CONFIG)"
    )
    parser = argparse.ArgumentParser(
        prog="landscape-bot", description="Telegram bot for a landscape-restoration partnership."
    )
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    run = commands.add_parser("run", parents=[common], help="run the bot (polling or webhook)")
    run.add_argument("--no-migrate", action="store_true", help="do not apply migrations at start")
    run.set_defaults(action=_run)

    db = commands.add_parser("db", help="database tasks")
    db_commands = db.add_subparsers(required=True, metavar="TASK")
    upgrade = db_commands.add_parser("upgrade", parents=[common], help="apply migrations")
    upgrade.set_defaults(action=_db_upgrade)
    saving = db_commands.add_parser(
        "backup", parents=[common], help="copy the SQLite database, safe while the bot runs"
    )
    saving.add_argument("file", type=Path, help="a new file for the copy")
    saving.set_defaults(action=_db_backup)
    restoring = db_commands.add_parser(
        "restore", parents=[common], help="replace the SQLite database with a backup (bot stopped)"
    )
    restoring.add_argument("file", type=Path, help="a file made by `db backup`")
    restoring.set_defaults(action=_db_restore)

    content = commands.add_parser("import", parents=[common], help="import programme content")
    content.add_argument(
        "file", type=Path, help="a TOML content file, e.g. bot/examples/content.toml"
    )
    content.set_defaults(action=_import)

    export = commands.add_parser(
        "export-content", parents=[common], help="print programme content in the import format"
    )
    export.add_argument("-o", "--output", type=Path, default=None, help="write to this file")
    export.set_defaults(action=_export)

    sandbox = commands.add_parser(
        "sandbox", parents=[common], help="try the bot in the terminal, no token or network needed"
    )
    sandbox.add_argument(
        "--as",
        dest="as_role",
        choices=["partner", "coordinator", "admin"],
        default="partner",
        help="who you are",
    )
    sandbox.add_argument(
        "--database", default="sqlite+aiosqlite:///landscape-bot-sandbox.db", help="database URL"
    )
    sandbox.add_argument("--fresh", action="store_true", help="start from an empty database")
    sandbox.set_defaults(action=_sandbox)
    return parser


if __name__ == "__main__":
    sys.exit(main())
