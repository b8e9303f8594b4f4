"""Export files: check-in rows written to a CSV and an XLSX in one pass, into temporary files,
as the rows stream in — so memory stays flat however many rows there are.

Row 1 of both holds stable machine keys (`id`, `submitted_at`, …, then each question key, or
`key.part`), so scripts and pivot tables keep working across languages and template edits; the
XLSX has a second sheet, "columns", saying what each key means in the requester's language.
Values are machine-readable too: UTC ISO times, `.` decimals, yes/no as 1/0, a choice's key.
The CSV is UTF-8 without a byte-order mark (for scripts); the XLSX is the one to open in a
spreadsheet, written up to SPREADSHEET_MAX_ROWS rows: openpyxl writes about 4,000 rows a second,
and a longer sheet is work for a script. A CSV over Telegram's 50 MB limit goes zipped.
"""

from __future__ import annotations

import contextlib
import io
import shutil
import tempfile
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO

from bot.checkins.export_writer import Value, xlsx_cell
from bot.i18n import N_, SOURCE_LANGUAGE, Translator
from bot.localized import plain
from storage.checkin_export import Column, ExportRow
from storage.models import QuestionKind

MAX_UPLOAD_BYTES = 50 * 1024 * 1024  # what a bot may send to Telegram
FIXED_COLUMNS = (
    ("id", N_("Check-in number")),
    ("submitted_at", N_("Submitted (UTC)")),
    ("period_start", N_("First day of the period")),
    ("programme", N_("Programme")),
    ("landscape", N_("Landscape")),
    ("partner_id", N_("Partner number")),
    ("partner_name", N_("Partner")),
    ("organisation", N_("Organisation")),
    ("status", N_("Status: submitted, reviewed or flagged")),
    ("review_comment", N_("Review comment")),
)
_NUMERIC = frozenset({QuestionKind.NUMBER, QuestionKind.PERCENTAGE, QuestionKind.YES_NO})


@dataclass
class ExportFiles:
    csv: IO[bytes]
    xlsx: IO[bytes] | None  # None past SPREADSHEET_MAX_ROWS rows
    rows: int


@dataclass
class Package:
    files: list[tuple[str, IO[bytes]]]  # (file name, content) to send
    too_large: list[tuple[str, int]]  # (file name, bytes) that cannot be sent


def package(files: ExportFiles, stem: str) -> Package:
    """What can be sent: the CSV (zipped when over the limit) and the spreadsheet; anything
    still over the limit is closed and named instead."""
    result = Package([], [])
    candidates = [(f"{stem}.csv", files.csv)]
    if files.xlsx is not None:
        candidates.append((f"{stem}.xlsx", files.xlsx))
    for name, file in candidates:
        if _size(file) > MAX_UPLOAD_BYTES and name.endswith(".csv"):
            name, file = f"{name}.zip", _zipped(file, name)
        size = _size(file)
        if size > MAX_UPLOAD_BYTES:
            file.close()
            result.too_large.append((name, size))
        else:
            result.files.append((name, file))
    return result


def _size(file: IO[bytes]) -> int:
    size = file.seek(0, io.SEEK_END)
    file.seek(0)
    return size


def _zipped(file: IO[bytes], name: str) -> IO[bytes]:
    with contextlib.ExitStack() as cleanup:
        archive_file = cleanup.enter_context(tempfile.TemporaryFile())
        with (
            zipfile.ZipFile(archive_file, "w", zipfile.ZIP_DEFLATED) as archive,
            archive.open(name, "w", force_zip64=True) as entry,
        ):
            shutil.copyfileobj(file, entry, 1 << 20)
        file.close()
        archive_file.seek(0)
        cleanup.pop_all()
    return archive_file


def header(columns: Sequence[Column]) -> list[str]:
    return [key for key, _ in FIXED_COLUMNS] + [column.key for column in columns]


def row_values(row: ExportRow, columns: Sequence[Column]) -> list[Value]:
    values: list[Value] = [
        row.checkin_id,
        row.submitted_at,
        row.period_start,
        row.programme,
        row.landscape,
        row.partner_id,
        row.partner_name,
        row.organisation,
        row.status,
        row.review_comment,
    ]
    for column in columns:
        number, text = row.answers.get((column.question_key, column.part), (None, None))
        values.append(_number(number) if column.kind in _NUMERIC else text)
    return values


def _number(value: float | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value.is_integer() else value


def describe(columns: Sequence[Column], t: Translator) -> list[list[Value]]:
    """The "columns" sheet: each key, what it holds in the reader's language, and its unit."""
    rows: list[list[Value]] = [["column", t.gettext("Meaning"), t.gettext("Unit")]]
    for key, meaning in FIXED_COLUMNS:
        rows.append([key, t.gettext(meaning), None])
    for column in columns:
        meaning = plain(t, column.text, SOURCE_LANGUAGE)
        if column.part_label:
            meaning += " — " + plain(t, column.part_label, SOURCE_LANGUAGE)
        unit = plain(t, column.unit, SOURCE_LANGUAGE)
        if column.kind == QuestionKind.PERCENTAGE:
            unit = "%"
        rows.append([column.key, xlsx_cell(meaning), xlsx_cell(unit or None)])
    return rows
