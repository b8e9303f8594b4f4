"""/export [programme or landscape] [period]: check-ins as a CSV and an XLSX, one row per
check-in. Coordinators get their own programmes' check-ins, admins everyone's; funders never
(they see anonymised rollups only).

The files are built after the command's unit of work has committed, in a read-only one of
their own: a long export then never holds the write lock SQLite takes for the update's claim.
They are written in a process of their own (`bot.checkins.export_process`) while a progress
message says how far it has come, so other chats are answered meanwhile.
"""

from __future__ import annotations

import asyncio
import functools
import logging

from babel.numbers import format_percent

from bot.access import Level, managed_programmes
from bot.checkins.export_files import package
from bot.checkins.export_process import ExportFailed, write_export
from bot.checkins.export_writer import SPREADSHEET_MAX_ROWS
from bot.i18n import N_
from bot.progress_message import ProgressMessage
from bot.routing import Command, Route
from bot.turn import Turn
from handlers.reports.scopes import Report, read_report, split_place

log = logging.getLogger(__name__)


async def export(turn: Turn) -> None:
    """Check the request now; build and send the files once it has committed."""
    t = turn.t
    place, period_words = await split_place(turn, turn.args)
    report = await read_report(turn, place, period_words, managed_programmes(turn.partner))
    if report is None:
        return
    count = await turn.uow.checkin_export.count(report.selection)
    scope, period = report.title, report.period_text(t)
    if not count:
        await turn.reply(
            t.gettext("There are no check-ins for {scope}, {period}.", scope=scope, period=period)
        )
        return
    await turn.uow.audit.record(
        "checkins.exported",
        actor=turn.partner,
        telegram_id=turn.user.id,
        scope=report.name,
        start=report.selection.start.isoformat() if report.selection.start else None,
        end=report.selection.end.isoformat() if report.selection.end else None,
        checkins=count,
    )
    spreadsheet = count <= SPREADSHEET_MAX_ROWS
    if not spreadsheet:
        await turn.reply(
            t.gettext(
                "That is more than {n} rows, too many for a spreadsheet: you will get a CSV.",
                n=t.number(SPREADSHEET_MAX_ROWS),
            )
        )
    turn.after_commit(functools.partial(_send_files, turn, report, spreadsheet, count))


async def _send_files(turn: Turn, report: Report, spreadsheet: bool, count: int) -> None:
    t = turn.t
    scope, period = report.title, report.period_text(t)
    preparing = t.ngettext(
        "Preparing {n} check-in for {scope}, {period}…",
        "Preparing {n} check-ins for {scope}, {period}…",
        count,
        scope=scope,
        period=period,
    )
    progress = ProgressMessage(turn.bot, turn.chat_id)  # sent here: its edits need its id
    await progress.start(preparing)

    async def show(done: int) -> None:
        share = format_percent(min(done / count, 1), locale=t.locale)
        await progress.update(f"{preparing} {share}")

    try:
        async with turn.services.db.unit_of_work() as uow:
            columns = await uow.checkin_export.columns(report.selection.programme_ids)
            rows = uow.checkin_export.rows(report.selection)
            files = await write_export(rows, columns, t, spreadsheet=spreadsheet, progress=show)
    except ExportFailed:
        log.exception("export for chat %s failed", turn.chat_id)
        await progress.finish(
            t.gettext("Sorry, something went wrong on our side. Please try again in a moment.")
        )
        return
    # Zipping a CSV over the upload limit takes seconds; zlib lets go of the GIL meanwhile.
    sendable = await asyncio.to_thread(package, files, f"checkins-{report.file_stem}")
    caption = t.ngettext(
        "{scope}, {period}: {n} check-in.",
        "{scope}, {period}: {n} check-ins.",
        files.rows,
        scope=scope,
        period=period,
    )
    await progress.finish(
        t.ngettext(
            "Ready: {n} check-in for {scope}, {period}.",
            "Ready: {n} check-ins for {scope}, {period}.",
            files.rows,
            scope=scope,
            period=period,
        )
    )
    for filename, file in sendable.files:
        await turn.send_document(filename, file, caption)
    for filename, size in sendable.too_large:
        await turn.reply(
            t.gettext(
                "The file {name} is too large to send ({size} MB). "
                "Please choose a shorter period or one landscape.",
                name=filename,
                size=t.number(round(size / 1_000_000)),
            )
        )


ROUTES: tuple[Route, ...] = (
    Command("export", export, Level.COORDINATOR, N_("Download check-ins as a spreadsheet")),
)
