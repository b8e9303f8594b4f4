"""The export's CSV and XLSX writer, run as its own process (`python -m
bot.checkins.export_writer CSV [XLSX]`) so its CPU time never holds the bot's event loop.

It reads pickles from stdin — first the header and the "columns" sheet, then batches of row
values, then None — and writes both files as they come, answering with the number of rows
written. It imports only openpyxl and the standard library: it starts for every export.
"""

from __future__ import annotations

import csv
import io
import pickle
import re
import sys
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from typing import IO

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

SPREADSHEET_MAX_ROWS = 100_000
# OWASP: a cell starting with one of these may run as a formula when opened in a spreadsheet.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBERS = re.compile(r"-?\d+(\.\d+)?(,-?\d+(\.\d+)?)?")  # "-3.5", or "lat,lon"

Value = str | int | float | date | None


class ExportWriter:
    """Both files written as rows are added; the spreadsheet stops at SPREADSHEET_MAX_ROWS."""

    def __init__(
        self,
        csv_file: IO[bytes],
        xlsx_file: IO[bytes] | None,
        header: Sequence[str],
        descriptions: Sequence[Sequence[Value]],
    ) -> None:
        self._text = io.TextIOWrapper(csv_file, encoding="utf-8", newline="")
        self._csv = csv.writer(self._text)
        self._csv.writerow(header)
        self._xlsx_file = xlsx_file
        self._workbook = Workbook(write_only=True) if xlsx_file is not None else None
        if self._workbook is not None:
            self._sheet = self._workbook.create_sheet("checkins")
            meanings = self._workbook.create_sheet("columns")
            for description in descriptions:
                meanings.append(description)
            self._sheet.append(header)
        self.rows = 0

    def add(self, rows: Iterable[Sequence[Value]]) -> None:
        for values in rows:
            self._csv.writerow([csv_cell(value) for value in values])
            self.rows += 1
            if self._workbook is not None and self.rows <= SPREADSHEET_MAX_ROWS:
                self._sheet.append([xlsx_cell(value) for value in values])

    def finish(self) -> None:
        self._text.flush()
        self._text.detach()
        if self._workbook is not None and self._xlsx_file is not None:
            self._workbook.save(self._xlsx_file)  # even when cut short: an unsaved sheet leaks


def defused(text: str) -> str:
    """Text that a spreadsheet shows rather than runs: a leading apostrophe before anything
    that could start a formula, except a plain number or coordinates, which are harmless."""
    if text.startswith(_FORMULA_START) and not _PLAIN_NUMBERS.fullmatch(text):
        return "'" + text
    return text


def csv_cell(value: Value) -> str | int | float:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, date):
        return value.isoformat()
    return defused(value) if isinstance(value, str) else value


def xlsx_cell(value: Value) -> Value:
    if isinstance(value, datetime):  # a worksheet has no time zones: UTC, as the header says
        return value.astimezone(UTC).replace(tzinfo=None, microsecond=0)
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", defused(value))
    return value


def main(paths: Sequence[str]) -> None:
    # Unpickling is safe here: stdin is a pipe from the bot process that started this one.
    source, answer = sys.stdin.buffer, sys.stdout
    with open(paths[0], "wb") as csv_file:
        xlsx_file = open(paths[1], "wb") if len(paths) > 1 else None  # noqa: SIM115
        try:
            writer = ExportWriter(csv_file, xlsx_file, *pickle.load(source))  # noqa: S301
            while (batch := pickle.load(source)) is not None:  # noqa: S301
                writer.add(batch)
            writer.finish()
        finally:
            if xlsx_file is not None:
                xlsx_file.close()
    answer.write(f"{writer.rows}\n")


if __name__ == "__main__":
    main(sys.argv[1:])
