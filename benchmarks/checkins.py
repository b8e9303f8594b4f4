"""/summary and /export over a million check-ins (10,000 partners, nine in ten reporting each
month: 111 months), on SQLite and on PostgreSQL, through the repositories the handlers use.

- summary: the checkin_stats queries /summary runs (with the previous period to compare and
  the named lists), one unit of work each, for one programme × one month and one landscape ×
  one quarter; median and p95 over --runs.
- export: the whole /export file work (stream, CSV and XLSX written together) for one month,
  ten months and everything; time, rows/s, and memory: the process's peak RSS growth while it
  ran, and with --tracemalloc the peak of Python allocations (slower, so a second pass).
- --plans prints each query's plan (SQLite: EXPLAIN QUERY PLAN; PostgreSQL: EXPLAIN ANALYZE).

Loading is not measured (its time is printed). Run:

    .venv/bin/python -m benchmarks.checkins [--partners 10000] [--checkins 1000000]
        [--engines sqlite,postgres] [--runs 30] [--plans] [--tracemalloc]
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import statistics
import threading
import time
import tracemalloc
from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any

from sqlalchemy import event

from benchmarks.checkin_load import Loaded, load, scratch_database
from bot.checkins.export_files import package
from bot.checkins.export_process import write_export
from bot.checkins.export_writer import SPREADSHEET_MAX_ROWS
from bot.checkins.ranges import DateRange
from bot.i18n import Catalogs
from storage.checkin_export import Selection
from storage.checkin_queries import Scope
from storage.database import Database


async def summary_once(db: Database, scope: Scope, period: DateRange, named: bool = True) -> None:
    """What /summary reads: the templates, then the summary with the period before it."""
    before = period.shifted(-1)
    async with db.unit_of_work() as uow:
        await uow.checkin_stats.templates(scope.programme_ids or ())
        await uow.checkin_stats.summary(
            scope, period.start, period.end, previous=(before.start, before.end), named=named
        )


async def export_once(db: Database, selection: Selection) -> tuple[int, str]:
    """What /export does once its command has committed; returns the rows and the files."""
    translator = Catalogs.load().translator("en")
    async with db.unit_of_work() as uow:
        spreadsheet = await uow.checkin_export.count(selection) <= SPREADSHEET_MAX_ROWS
        columns = await uow.checkin_export.columns(selection.programme_ids)
        rows = uow.checkin_export.rows(selection)
        files = await write_export(rows, columns, translator, spreadsheet=spreadsheet)
    sendable = package(files, "checkins")
    names = []
    for name, file in sendable.files:
        names.append(f"{name.split('.', 1)[1]} {file.seek(0, 2) / 1e6:.1f} MB")
        file.close()
    return files.rows, ", ".join(names)


async def timed(runs: int, action: Callable[[], Awaitable[object]]) -> list[float]:
    await action()  # warm caches and the connection pool
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        await action()
        times.append((time.perf_counter() - started) * 1000)
    return times


class PeakRss:
    """The process's resident memory, sampled every 10 ms while in the block."""

    def __init__(self) -> None:
        self.start = self.peak = _rss()
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._done.wait(0.01):
            self.peak = max(self.peak, _rss())

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._done.set()
        self._thread.join()

    @property
    def growth_mb(self) -> float:
        return (self.peak - self.start) / 1e6


def _rss() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * 4096


async def measure_engine(engine: str, args: argparse.Namespace) -> None:
    async with scratch_database(engine) as url:
        db = Database(url)
        try:
            loaded = await load(db, args.partners, args.checkins)
            print(
                f"\n## {engine}: {loaded.checkins:,} check-ins, {loaded.answers:,} answers,"
                f" loaded in {loaded.seconds:.0f} s"
            )
            await _analyze(db)
            await _summaries(db, loaded, args)
            await _exports(db, loaded, args)
            if args.plans:
                await _plans(db, loaded)
        finally:
            await db.dispose()


async def _analyze(db: Database) -> None:
    """What a running database would have: PostgreSQL's autovacuum keeps statistics and the
    visibility map current; SQLite is given the statistics its planner reads."""
    async with db.engine.connect() as connection:
        if db.is_sqlite:
            await connection.exec_driver_sql("ANALYZE")
        else:
            autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
            await autocommit.exec_driver_sql("VACUUM ANALYZE")


def _targets(loaded: Loaded) -> list[tuple[str, Scope, DateRange]]:
    month = DateRange(loaded.periods[-1], _next_month(loaded.periods[-1]))
    quarter_start = date(month.start.year, (month.start.month - 1) // 3 * 3 + 1, 1)
    quarter = DateRange(quarter_start, month.end)
    programme = Scope(frozenset({loaded.programme_id}))
    landscape = Scope(frozenset({loaded.programme_id}), loaded.landscape_ids[0])
    return [("programme × month", programme, month), ("landscape × quarter", landscape, quarter)]


async def _summaries(db: Database, loaded: Loaded, args: argparse.Namespace) -> None:
    print(f"\n| /summary ({args.runs} runs) | median ms | p95 ms | max ms |")
    print("|---|---:|---:|---:|")
    label, scope, period = _targets(loaded)[0]
    targets = [(*target, True) for target in _targets(loaded)]
    targets.append((f"{label}, anonymised (funder)", scope, period, False))
    for label, scope, period, named in targets:
        run = functools.partial(summary_once, db, scope, period, named)
        times = sorted(await timed(args.runs, run))
        p95 = times[min(len(times) - 1, round(0.95 * len(times)) - 1)]
        print(f"| {label} | {statistics.median(times):.1f} | {p95:.1f} | {times[-1]:.1f} |")


async def _exports(db: Database, loaded: Loaded, args: argparse.Namespace) -> None:
    heading = "| /export | rows | files | seconds | rows/s | peak RSS growth MB |"
    print(f"\n{heading}{' Python heap peak MB |' if args.tracemalloc else ''}")
    print(f"|---|---:|---|---:|---:|---:|{'---:|' if args.tracemalloc else ''}")
    programme = frozenset({loaded.programme_id})
    for label, months in (("one month", 1), ("ten months", 10), ("everything", None)):
        start = loaded.periods[-months] if months else None
        selection = Selection(programme, None, start)
        with PeakRss() as memory:
            started = time.perf_counter()
            rows, files = await export_once(db, selection)
            seconds = time.perf_counter() - started
        line = f"| {label} | {rows:,} | {files} | {seconds:.1f} | {rows / seconds:,.0f} |"
        line += f" {memory.growth_mb:.1f} |"
        if args.tracemalloc:
            tracemalloc.start()
            await export_once(db, selection)
            line += f" {tracemalloc.get_traced_memory()[1] / 1e6:.1f} |"
            tracemalloc.stop()
        print(line, flush=True)


async def _plans(db: Database, loaded: Loaded) -> None:
    """Every statement a summary and an export run, captured as sent, then explained; each
    summary statement is also timed on its own."""
    statements: list[tuple[str, Any]] = []

    def capture(_c: Any, _cursor: Any, sql: str, params: Any, *_: Any) -> None:
        if sql.lstrip().upper().startswith("SELECT"):
            statements.append((sql, params))

    event.listen(db.engine.sync_engine, "before_cursor_execute", capture)
    _, scope, period = _targets(loaded)[0]
    await summary_once(db, scope, period)
    summary_statements = len(statements)
    month = Selection(scope.programme_ids, None, period.start, period.end)
    for selection in (month, Selection(None)):
        async with db.unit_of_work() as uow:
            rows = uow.checkin_export.rows(selection)
            await anext(rows)
            await rows.aclose()
    event.remove(db.engine.sync_engine, "before_cursor_execute", capture)
    prefix = "EXPLAIN QUERY PLAN " if db.is_sqlite else "EXPLAIN (ANALYZE, BUFFERS) "
    for index, (sql, params) in enumerate(statements):
        print("\n```sql\n" + " ".join(sql.split())[:600] + "\n```")
        async with db.engine.connect() as connection:
            if index < summary_statements:
                started = time.perf_counter()
                (await connection.exec_driver_sql(sql, params)).fetchall()
                print(f"    -- {(time.perf_counter() - started) * 1000:.1f} ms")
            result = await connection.exec_driver_sql(prefix + sql, params)
            for row in result.all():
                print("   ", row[-1] if db.is_sqlite else row[0])


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--partners", type=int, default=10_000)
    parser.add_argument("--checkins", type=int, default=1_000_000)
    parser.add_argument("--engines", default="sqlite,postgres")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--plans", action="store_true")
    parser.add_argument("--tracemalloc", action="store_true")
    args = parser.parse_args()
    for engine in args.engines.split(","):
        asyncio.run(measure_engine(engine, args))


if __name__ == "__main__":
    main()
