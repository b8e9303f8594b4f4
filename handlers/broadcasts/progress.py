"""The coordinator's live progress message while a broadcast goes out ("Sending… 1,250 /
4,000"), replaced by the report once nothing is left to send.

A repeating job reads the work from the database — broadcasts in status sending and their
delivery counts — so it survives restarts and may run on every replica: edits are idempotent,
and the first progress message and the finish are each claimed by one conditional update.
Telegram is called only after the unit of work has committed.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from telegram import Bot
from telegram.constants import ParseMode
from telegram.error import BadRequest, TelegramError

from bot.i18n import Translator
from bot.ptb import Context, Job
from bot.services import Services
from handlers.broadcasts import views
from handlers.broadcasts.listing import full_report
from storage.broadcasts import KIND, PROGRESS_CLAIMED, source_of
from storage.models import Broadcast, DeliveryStatus
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)

INTERVAL = 2.0  # seconds between looks at the broadcasts being sent


@dataclass(frozen=True)
class _Show:
    broadcast_id: int
    chat_id: int
    message_id: int | None  # None: send a new message (and remember it, unless `final`)
    text: str
    final: bool = False


def progress_job(services: Services) -> Job:
    shown: dict[int, str] = {}  # the text each progress message has now: no edit without change

    async def report_progress(context: Context) -> None:
        try:
            async with services.db.unit_of_work() as uow:
                work = [
                    await _look(uow, services, broadcast)
                    for broadcast in await uow.broadcasts.sending()
                ]
            for show in work:
                if show is None or shown.get(show.broadcast_id) == show.text:
                    continue
                await _show(services, context.bot, show)
                shown[show.broadcast_id] = show.text
                if show.final:
                    del shown[show.broadcast_id]
        except Exception:  # the database or Telegram is away: look again next time
            log.exception("could not report the progress of broadcasts")

    return report_progress


async def _look(uow: UnitOfWork, services: Services, broadcast: Broadcast) -> _Show | None:
    """What the coordinator should see now, finishing the broadcast when nothing is left."""
    chat_id, message_id = broadcast.progress_chat_id, broadcast.progress_message_id
    counts = await uow.deliveries.counts(KIND, source_of(broadcast.id))
    waiting = counts.get(DeliveryStatus.PENDING, 0) + counts.get(DeliveryStatus.SENDING, 0)
    if not waiting:
        if not await uow.broadcasts.finish(broadcast.id, services.clock()):
            return None  # another replica finished it
        log.info("broadcast %s finished: %s", broadcast.id, dict(counts))
        if chat_id is None:
            return None
        t = await _translator(uow, services, broadcast)
        report = await full_report(uow, t, broadcast)
        known = None if message_id in (None, PROGRESS_CLAIMED) else message_id
        return _Show(broadcast.id, chat_id, known, report, final=True)
    if chat_id is None:
        return None
    t = await _translator(uow, services, broadcast)
    total = sum(counts.values())
    text = views.progress_text(t, total - waiting, total)
    if message_id is None:
        if not await uow.broadcasts.claim_progress_message(broadcast.id):
            return None
        return _Show(broadcast.id, chat_id, None, text)
    if message_id == PROGRESS_CLAIMED:
        return None  # being sent by another look
    return _Show(broadcast.id, chat_id, message_id, text)


async def _show(services: Services, bot: Bot, show: _Show) -> None:
    if show.message_id is not None:
        try:
            await bot.edit_message_text(
                show.text, show.chat_id, show.message_id, parse_mode=ParseMode.HTML
            )
            return
        except BadRequest as error:
            if "not modified" in str(error).lower():
                return
            if not show.final:
                log.warning("could not edit progress of broadcast %s: %s", show.broadcast_id, error)
                return
            # The message is gone (deleted by the coordinator): the report comes as a new one.
        except TelegramError as error:
            log.warning("could not edit progress of broadcast %s: %s", show.broadcast_id, error)
            return
    try:
        message = await bot.send_message(show.chat_id, show.text, parse_mode=ParseMode.HTML)
    except TelegramError as error:
        log.warning("could not tell about broadcast %s: %s", show.broadcast_id, error)
        return
    if not show.final:
        async with services.db.unit_of_work() as uow:
            await uow.broadcasts.set_progress_message(
                show.broadcast_id, show.chat_id, message.message_id
            )


async def _translator(uow: UnitOfWork, services: Services, broadcast: Broadcast) -> Translator:
    """The coordinator's language and time zone."""
    partner = await uow.partners.get(broadcast.created_by) if broadcast.created_by else None
    catalogs = services.catalogs
    language = catalogs.choose(partner.language if partner else None, None)
    zone = (partner.timezone if partner else None) or services.settings.locale.default_timezone
    return catalogs.translator(language, zone)
