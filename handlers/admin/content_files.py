"""Content files in chat: an admin sends a TOML content file to import it — checked as a whole
first (every problem named, nothing written if there is one), then written in short steps once
the admin has been answered, so partners are served meanwhile — or asks for the current content
with /exportcontent."""

from __future__ import annotations

import logging

from bot.access import Level
from bot.content import (
    ContentError,
    check_content,
    export_content,
    import_in_steps,
    read_content,
)
from bot.content.reading import MAX_FILE_BYTES
from bot.i18n import N_, escape
from bot.routing import Command, Route, Upload
from bot.turn import Turn

log = logging.getLogger(__name__)

SHOWN_PROBLEMS = 20


async def receive_file(turn: Turn) -> None:
    """A document from an admin, outside any flow: import it if it is a content file."""
    message = turn.update.effective_message
    document = message.document if message else None
    assert document is not None  # the pipeline routes documents only
    t = turn.t
    name = document.file_name or "content.toml"
    if not name.lower().endswith(".toml") or (document.file_size or 0) > MAX_FILE_BYTES:
        await turn.reply(
            t.gettext(
                "To import programme content, send a .toml file of at most {size} MB.",
                size=t.number(MAX_FILE_BYTES / 1_000_000),
            )
        )
        return
    file = await turn.bot.get_file(document.file_id)
    data = bytes(await file.download_as_bytearray())
    try:
        plan = await check_content(turn.uow, read_content(data, name))
    except ContentError as error:
        # Every check runs before the first write, so nothing has changed.
        shown = "\n".join(f"• {escape(p)}" for p in error.problems[:SHOWN_PROBLEMS])
        more = len(error.problems) - SHOWN_PROBLEMS
        if more > 0:
            shown += "\n" + t.ngettext("…and {n} more problem", "…and {n} more problems", more)
        await turn.reply(
            t.gettext("Nothing was imported. Please fix these problems and send the file again:")
            + "\n"
            + shown
        )
        return
    counts = plan.counts
    await turn.uow.audit.record(
        "content.imported",
        actor=turn.partner,
        telegram_id=turn.user.id,
        file=name,
        programmes=counts.programmes,
        landscapes=counts.landscapes,
        events=counts.events,
        faq=counts.faq,
    )
    parts = ", ".join(
        [
            t.ngettext("{n} programme", "{n} programmes", counts.programmes),
            t.ngettext("{n} landscape", "{n} landscapes", counts.landscapes),
            t.ngettext("{n} event", "{n} events", counts.events),
            t.ngettext("{n} FAQ entry", "{n} FAQ entries", counts.faq),
        ]
    )
    await turn.reply(t.gettext("The file is valid. Importing {parts}…", parts=parts))

    async def write() -> None:
        try:
            await import_in_steps(turn.services.db, plan, turn.services.settings.reminders)
        except Exception:
            log.exception("importing %s stopped", name)
            await turn.reply(
                t.gettext(
                    "The import stopped before the end. Send the file again to finish it: "
                    "what was already written is kept."
                )
            )
            return
        await turn.reply(t.gettext("Imported: {parts}.", parts=parts))

    turn.after_commit(write)


async def export_file(turn: Turn) -> None:
    """/exportcontent: everything in the content file format, to edit and send back."""
    text = await export_content(turn.uow)
    await turn.send_document(
        "content.toml",
        text.encode("utf-8"),
        turn.t.gettext("The programme content. Edit it and send it back to import it."),
    )


ROUTES: tuple[Route, ...] = (
    Command("exportcontent", export_file, Level.ADMIN, N_("Download the programme content")),
    Upload(receive_file, Level.ADMIN),
)
