"""How long /export's file work holds the event loop: N check-ins (default 100,000) in a
throwaway SQLite database, exported as /export does after its command commits, while a probe
sleeps 10 ms over and over and records how late it wakes — the delay every other chat's turn
would see. Three ways side by side:

- on the loop: the writer called between rows on the event loop (how /export worked before);
- thread: the writer in a worker thread, fed batch by batch (`asyncio.to_thread`);
- process: `write_export`, the writer in a child process fed over a pipe (how /export works
  now; its total includes starting that process).

Run:

    .venv/bin/python -m benchmarks.export_stall [--checkins 100000] [--ways loop,thread,process]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence

from benchmarks.checkin_load import load, scratch_database
from bot.checkins.export_files import describe, header, row_values
from bot.checkins.export_process import BATCH_ROWS, write_export
from bot.checkins.export_writer import SPREADSHEET_MAX_ROWS, ExportWriter, Value
from bot.i18n import Catalogs, Translator
from storage.checkin_export import Column, ExportRow, Selection
from storage.database import Database

PROBE_SECONDS = 0.010
Way = Callable[[AsyncIterator[ExportRow], Sequence[Column], Translator, bool], Awaitable[int]]


async def on_the_loop(
    rows: AsyncIterator[ExportRow], columns: Sequence[Column], t: Translator, spreadsheet: bool
) -> int:
    with tempfile.TemporaryFile() as csv_file, tempfile.TemporaryFile() as xlsx_file:
        writer = ExportWriter(
            csv_file, xlsx_file if spreadsheet else None, header(columns), describe(columns, t)
        )
        async for row in rows:
            writer.add([row_values(row, columns)])
        writer.finish()
    rows_written: int = writer.rows
    return rows_written


async def in_a_thread(
    rows: AsyncIterator[ExportRow], columns: Sequence[Column], t: Translator, spreadsheet: bool
) -> int:
    with tempfile.TemporaryFile() as csv_file, tempfile.TemporaryFile() as xlsx_file:
        writer = ExportWriter(
            csv_file, xlsx_file if spreadsheet else None, header(columns), describe(columns, t)
        )
        batch: list[list[Value]] = []
        async for row in rows:
            batch.append(row_values(row, columns))
            if len(batch) == BATCH_ROWS:
                await asyncio.to_thread(writer.add, batch)
                batch = []
        await asyncio.to_thread(writer.add, batch)
        await asyncio.to_thread(writer.finish)
    rows_written: int = writer.rows
    return rows_written


async def in_a_process(
    rows: AsyncIterator[ExportRow], columns: Sequence[Column], t: Translator, spreadsheet: bool
) -> int:
    files = await write_export(rows, columns, t, spreadsheet=spreadsheet)
    files.csv.close()
    if files.xlsx is not None:
        files.xlsx.close()
    return files.rows


WAYS: dict[str, tuple[str, Way]] = {
    "loop": ("on the loop (before)", on_the_loop),
    "thread": ("worker thread", in_a_thread),
    "process": ("own process (now)", in_a_process),
}


class LagProbe:
    """Sleeps PROBE_SECONDS again and again, recording how late each wake-up was."""

    def __init__(self) -> None:
        self.lags: list[float] = []
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            asked = loop.time()
            await asyncio.sleep(PROBE_SECONDS)
            self.lags.append(loop.time() - asked - PROBE_SECONDS)

    def __enter__(self) -> LagProbe:
        self._task = asyncio.get_running_loop().create_task(self._run())
        return self

    def __exit__(self, *_: object) -> None:
        if self._task is not None:
            self._task.cancel()

    def percentile(self, share: float) -> float:
        ordered = sorted(self.lags) or [0.0]
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def export_with(db: Database, way: Way, t: Translator) -> tuple[int, float, LagProbe]:
    selection = Selection(None)
    async with db.unit_of_work() as uow:
        spreadsheet = await uow.checkin_export.count(selection) <= SPREADSHEET_MAX_ROWS
        columns = await uow.checkin_export.columns(None)
        with LagProbe() as probe:
            await asyncio.sleep(0)  # let the probe take its first sleep
            started = time.perf_counter()
            rows = await way(uow.checkin_export.rows(selection), columns, t, spreadsheet)
            seconds = time.perf_counter() - started
    return rows, seconds, probe


async def main(args: argparse.Namespace) -> None:
    t = Catalogs.load().translator("en")
    async with scratch_database("sqlite") as url:
        db = Database(url)
        try:
            loaded = await load(db, max(1, args.checkins // 9), args.checkins)
            print(f"{loaded.checkins:,} check-ins loaded in {loaded.seconds:.0f} s\n")
            print("| export | rows | total | max stall | p99 stall | probes |")
            print("|---|---|---|---|---|---|")
            for name in args.ways.split(","):
                label, way = WAYS[name]
                rows, seconds, probe = await export_with(db, way, t)
                print(
                    f"| {label} | {rows:,} | {seconds:.1f} s"
                    f" | {max(probe.lags, default=0) * 1000:.0f} ms"
                    f" | {probe.percentile(0.99) * 1000:.0f} ms | {len(probe.lags):,} |",
                    flush=True,
                )
        finally:
            with contextlib.suppress(Exception):
                await db.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--checkins", type=int, default=100_000)
    parser.add_argument("--ways", default="loop,thread,process")
    asyncio.run(main(parser.parse_args()))
