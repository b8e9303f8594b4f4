"""Export files written in a process of their own, so a long export never stalls other chats.

openpyxl formats about 4,000 rows a second in pure Python and holds the GIL while it does: in a
worker thread it still stalled the event loop by tens of milliseconds at a time (measured with
`benchmarks.export_stall`). So each export starts a child process (spawned: forking a process
with running threads can inherit a held lock) that owns the `ExportWriter`. The event loop reads
the rows in chunks and hands them over a pipe in batches of BATCH_ROWS; the pipe's buffer is
the back-pressure that keeps memory flat when the writer is slower than the database.
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import tempfile
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from multiprocessing.connection import Connection
from pathlib import Path
from typing import IO

from bot.checkins.export_files import ExportFiles, ExportWriter, Value, describe
from bot.i18n import Translator
from storage.checkin_export import Column, ExportRow

BATCH_ROWS = 500  # rows per hand-over: a few milliseconds of the loop's time to collect
Progress = Callable[[int], Awaitable[None]]  # told how many rows have been handed over


class ExportFailed(RuntimeError):
    """The writer process stopped without finishing the files."""


async def write_export(
    rows: AsyncIterator[ExportRow],
    columns: Sequence[Column],
    t: Translator,
    *,
    spreadsheet: bool = True,
    progress: Progress | None = None,
) -> ExportFiles:
    """Both files, positioned at their start, ready to send (sending closes them)."""
    descriptions = describe(columns, t)
    with tempfile.TemporaryDirectory(prefix="export-") as folder:
        paths = (Path(folder, "checkins.csv"), Path(folder, "checkins.xlsx"))
        context = multiprocessing.get_context("spawn")
        ours, theirs = context.Pipe()
        writer = context.Process(
            target=_write,
            args=(theirs, paths, columns, descriptions, spreadsheet),
            name="export-writer",
            daemon=True,
        )
        writer.start()
        theirs.close()
        try:
            count, complete = await _feed(ours, rows, progress)
        finally:
            ours.close()
            if writer.is_alive():  # the feed failed: the half-written files are not wanted
                writer.kill()
            await asyncio.to_thread(writer.join)
        # Opened before the folder goes: the open files outlive their names.
        csv_file = paths[0].open("rb")
        xlsx_file = paths[1].open("rb") if complete else None
    return ExportFiles(csv_file, xlsx_file, count)


async def _feed(
    pipe: Connection, rows: AsyncIterator[ExportRow], progress: Progress | None
) -> tuple[int, bool]:
    """Hand the rows over in batches (pickled in a thread: the pipe blocks when it is full),
    then wait for the writer's row count and whether the spreadsheet holds them all."""
    sent = 0
    batch: list[ExportRow] = []
    try:
        async for row in rows:
            batch.append(row)
            if len(batch) == BATCH_ROWS:
                await asyncio.to_thread(pipe.send, batch)
                sent += len(batch)
                batch = []
                if progress is not None:
                    await progress(sent)
        if batch:
            await asyncio.to_thread(pipe.send, batch)
        await asyncio.to_thread(pipe.send, None)
        written, complete = await asyncio.to_thread(pipe.recv)
    except (EOFError, OSError):  # the writer died: its error went to its stderr
        raise ExportFailed("the export writer stopped") from None
    return int(written), bool(complete)


def _write(
    pipe: Connection,
    paths: tuple[Path, Path],
    columns: Sequence[Column],
    descriptions: Sequence[Sequence[Value]],
    spreadsheet: bool,
) -> None:
    """The child process: write the batches until None comes, then report the row count and
    whether the spreadsheet holds every row."""
    with contextlib.ExitStack() as files:
        csv_file = files.enter_context(paths[0].open("wb"))
        xlsx_file: IO[bytes] | None = None
        if spreadsheet:
            xlsx_file = files.enter_context(paths[1].open("wb"))
        writer = ExportWriter(csv_file, xlsx_file, columns, descriptions)
        while (batch := pipe.recv()) is not None:
            writer.add(batch)
        complete = writer.finish()
    pipe.send((writer.rows, complete))
    pipe.close()
