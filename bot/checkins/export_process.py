"""Export files written in a process of their own, so a long export never stalls other chats.

openpyxl formats about 4,000 rows a second in pure Python and holds the GIL while it does: in a
worker thread it still stalled the event loop by tens of milliseconds at a time (measured with
`benchmarks.export_stall`). So each export starts `bot.checkins.export_writer` as a child
process — a fresh interpreter with only the writer's imports (multiprocessing would re-import
the bot's main module in every child) — and the event loop reads the rows in chunks and pipes
them over in batches of BATCH_ROWS. Waiting for the pipe to drain is the back-pressure that
keeps memory flat when the writer is slower than the database.
"""

from __future__ import annotations

import asyncio
import pickle
import sys
import tempfile
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from pathlib import Path

from bot.checkins import export_writer
from bot.checkins.export_files import ExportFiles, describe, header, row_values
from bot.i18n import Translator
from storage.checkin_export import Column, ExportRow

BATCH_ROWS = 200  # rows per hand-over: a few milliseconds of the loop's time to prepare
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
    with tempfile.TemporaryDirectory(prefix="export-") as folder:
        paths = [Path(folder, "checkins.csv"), Path(folder, "checkins.xlsx")]
        if not spreadsheet:
            paths.pop()
        writer = await asyncio.create_subprocess_exec(
            sys.executable, "-m", export_writer.__name__, *map(str, paths),
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        )  # fmt: skip
        try:
            await _feed(writer, rows, [header(columns), describe(columns, t)], columns, progress)
            answer, _ = await writer.communicate()
        finally:
            if writer.returncode is None:  # the feed failed: the half-written files are not wanted
                writer.kill()
                await writer.wait()
        if writer.returncode != 0 or not answer.strip().isdigit():
            raise ExportFailed(f"the export writer stopped with {writer.returncode}")
        count = int(answer)
        # Opened before the folder goes: the open files outlive their names.
        csv_file = paths[0].open("rb")
        complete = spreadsheet and count <= export_writer.SPREADSHEET_MAX_ROWS
        xlsx_file = paths[1].open("rb") if complete else None
    return ExportFiles(csv_file, xlsx_file, count)


async def _feed(
    writer: asyncio.subprocess.Process,
    rows: AsyncIterator[ExportRow],
    opening: object,
    columns: Sequence[Column],
    progress: Progress | None,
) -> None:
    assert writer.stdin is not None
    pipe = writer.stdin
    try:
        pipe.write(pickle.dumps(opening))
        sent = 0
        batch: list[list[export_writer.Value]] = []
        async for row in rows:
            batch.append(row_values(row, columns))
            if len(batch) == BATCH_ROWS:
                pipe.write(pickle.dumps(batch))
                await pipe.drain()
                await asyncio.sleep(0)  # drain() returns at once while the pipe has room
                sent += len(batch)
                batch = []
                if progress is not None:
                    await progress(sent)
        pipe.write(pickle.dumps(batch))
        pipe.write(pickle.dumps(None))
        await pipe.drain()
    except (BrokenPipeError, ConnectionResetError):  # the writer died: its error is on stderr
        raise ExportFailed("the export writer stopped") from None
