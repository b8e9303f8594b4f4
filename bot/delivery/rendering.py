"""Rendering due deliveries for their recipients, at send time: each in the partner's language
and time zone, or recorded straight away when there is nothing to send (the partner left or
blocked the bot, the row's window has passed, the feature says skip or later)."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime

from bot.delivery.kinds import GroupRenderContext, Message, Postpone, RenderContext, Skip
from bot.delivery.outcomes import Recorder
from bot.i18n import Translator
from bot.services import Services
from storage.deliveries import Outcome
from storage.models import Delivery, DeliveryStatus, LinkedChat, Partner, PartnerStatus
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)


async def render_due(
    services: Services, uow: UnitOfWork, rows: list[Delivery], now: datetime, recorder: Recorder
) -> list[tuple[int, Delivery, Message]]:
    partners = await uow.partners.by_ids({r.partner_id for r in rows if r.partner_id is not None})
    chats = await uow.linked_chats.by_ids(
        {r.linked_chat_id for r in rows if r.linked_chat_id is not None}
    )
    translators: dict[tuple[str, str], Translator] = {}
    ready: list[tuple[int, Delivery, Message]] = []
    for row in rows:
        partner = partners.get(row.partner_id) if row.partner_id is not None else None

        def finish(status: DeliveryStatus, reason: str, row: Delivery = row) -> None:
            outcome = Outcome(row.id, status, at=now, due_at=row.due_at, error=reason)
            recorder.keep(row.kind, outcome)  # written after this claim's transaction

        if row.linked_chat_id is not None:
            chat = chats.get(row.linked_chat_id)
            if chat is None or not chat.active:
                finish(DeliveryStatus.SKIPPED, "group unlinked")
                continue
            try:
                in_group = await render_for_group(services, uow, row, chat, now)
            except Exception:
                log.exception("could not render delivery %s (%s)", row.id, row.kind)
                finish(DeliveryStatus.FAILED, "could not be rendered")
                continue
            if isinstance(in_group, Message):
                ready.append((chat.chat_id, row, replace(in_group, thread_id=chat.thread_id)))
            else:
                finish(DeliveryStatus.SKIPPED, in_group.reason)
        elif partner is None or partner.telegram_id is None:
            finish(DeliveryStatus.SKIPPED, "partner left")
        elif partner.status == PartnerStatus.BLOCKED:
            finish(DeliveryStatus.BLOCKED, "blocked the bot earlier")
        elif partner.status == PartnerStatus.FORGOTTEN:
            finish(DeliveryStatus.SKIPPED, "partner left")
        elif row.expires_at is not None and now > row.expires_at:
            finish(DeliveryStatus.SKIPPED, "too late: past its window")
        else:
            try:
                rendered = await _render(services, uow, row, partner, now, translators)
            except Exception:
                log.exception("could not render delivery %s (%s)", row.id, row.kind)
                finish(DeliveryStatus.FAILED, "could not be rendered")
                continue
            if isinstance(rendered, Message):
                ready.append((partner.telegram_id, row, rendered))
            elif isinstance(rendered, Postpone):
                postponed = Outcome(
                    row.id, DeliveryStatus.PENDING, now, row.due_at, retry_at=rendered.until
                )
                recorder.keep(row.kind, postponed)
            else:
                finish(DeliveryStatus.SKIPPED, rendered.reason)
    return ready


async def _render(
    services: Services,
    uow: UnitOfWork,
    row: Delivery,
    partner: Partner,
    now: datetime,
    translators: dict[tuple[str, str], Translator],
) -> Message | Skip | Postpone:
    kind = services.kinds.get(row.kind)
    if kind is None:
        return Skip(f"unknown kind {row.kind}")
    catalogs, settings = services.catalogs, services.settings
    language = catalogs.choose(partner.language, None)
    zone = partner.timezone or settings.locale.default_timezone
    t = translators.get((language, zone))
    if t is None:
        t = translators[(language, zone)] = catalogs.translator(language, zone)
    return await kind.render(RenderContext(services, uow, row, partner, t, now))


async def render_for_group(
    services: Services, uow: UnitOfWork, row: Delivery, chat: LinkedChat, now: datetime
) -> Message | Skip:
    """A delivery to a linked group, in the group's language and its first landscape's zone
    (its programme's otherwise)."""
    kind = services.kinds.get(row.kind)
    if kind is None or kind.render_group is None:
        return Skip(f"{row.kind} is not for groups")
    programme = await uow.programmes.get(chat.programme_id)
    places = [p for p in programme.landscapes if p.id in chat.landscape_ids] if programme else []
    if programme is not None and not places:
        places = list(programme.landscapes)
    zone = places[0].timezone if places else services.settings.locale.default_timezone
    t = services.catalogs.translator(chat.language, zone)
    return await kind.render_group(GroupRenderContext(services, uow, row, chat, t, now))
