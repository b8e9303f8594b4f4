"""What /forget erases, in one place, so that the confirmation can say exactly this.

Gone: the partner's name, organisation, username and Telegram id; the questions they typed;
their free-text, photo and location answers and the comments made on their check-ins
(including the copies in messages planned for them); their unfinished conversation; the raw
updates of their chat, and any other kept in the last days that shows their name, username
or id (replies are deleted once sent). Audit rows keep only the anonymous partner number.
What stays: the partner row with its kind, landscapes, language and time zone, their numbers
and choices, and their answers to invitations — anonymous figures the partnership reports on.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    AuditEntry,
    Checkin,
    CheckinAnswer,
    CheckinQuestion,
    CheckinTemplate,
    Conversation,
    Delivery,
    DeliveryStatus,
    InboundUpdate,
    Partner,
    PartnerStatus,
    Question,
    QuestionKind,
)

KEPT_ANSWERS = (QuestionKind.CHOICE,)  # a choice key is a figure; any other text is theirs


class Erasure:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def forget(self, partner: Partner, current_update: int | None, now: datetime) -> None:
        """Erase what identifies `partner`; `current_update` (the update asking for it) is kept
        handled, with its content dropped."""
        telegram_id, traces = partner.telegram_id, _traces(partner)
        session = self._session
        await session.execute(delete(Question).where(Question.partner_id == partner.id))
        await self._answers(partner.id)
        await session.execute(
            update(Checkin).where(Checkin.partner_id == partner.id).values(review_comment=None)
        )
        await session.execute(
            update(Delivery)
            .where(Delivery.partner_id == partner.id, Delivery.status == DeliveryStatus.PENDING)
            .values(status=DeliveryStatus.SKIPPED, error="forgotten", sent_at=now)
        )
        await session.execute(
            update(Delivery).where(Delivery.partner_id == partner.id).values(payload={})
        )
        if telegram_id is not None:
            await session.execute(
                delete(Conversation).where(Conversation.telegram_id == telegram_id)
            )
        await self._updates(traces, telegram_id, current_update)
        await self._audit(partner, traces)
        partner.telegram_id = None
        partner.username = None
        partner.name = None
        partner.organisation = None
        partner.status = PartnerStatus.FORGOTTEN
        partner.forgotten_at = now
        await session.flush()

    async def _answers(self, partner_id: int) -> None:
        checkins = await self._session.execute(
            select(Checkin.programme_id, Checkin.id).where(Checkin.partner_id == partner_id)
        )
        by_programme: dict[int, list[int]] = {}
        for programme_id, checkin_id in checkins.all():
            by_programme.setdefault(programme_id, []).append(checkin_id)
        for programme_id, checkin_ids in by_programme.items():
            kept = (
                select(CheckinQuestion.key)
                .join(CheckinTemplate, CheckinTemplate.id == CheckinQuestion.template_id)
                .where(
                    CheckinTemplate.programme_id == programme_id,
                    CheckinQuestion.kind.in_(KEPT_ANSWERS),
                )
            )
            await self._session.execute(
                update(CheckinAnswer)
                .where(
                    CheckinAnswer.checkin_id.in_(checkin_ids),
                    CheckinAnswer.text.is_not(None),
                    CheckinAnswer.question_key.not_in(kept),
                )
                .values(text=None)
                .execution_options(synchronize_session=False)
            )

    async def _updates(self, traces: list[str], chat_id: int | None, current: int | None) -> None:
        """Raw updates are kept two days after handling: drop those of the partner's chat and
        those that show them; the one being handled keeps only its number (its chat no longer
        matters: it is marked handled by its row)."""
        rows = await self._session.execute(
            select(InboundUpdate.id, InboundUpdate.chat_id, InboundUpdate.update_id,
                   InboundUpdate.body, InboundUpdate.handled_at)
        )  # fmt: skip
        for row_id, chat, update_id, body, handled_at in rows.all():
            if update_id == current and chat == chat_id:
                await self._session.execute(
                    update(InboundUpdate)
                    .where(InboundUpdate.id == row_id)
                    .values(chat_id=0, body={"update_id": update_id})
                )
            elif handled_at is not None and (chat == chat_id or _shows(body, traces)):
                await self._session.execute(delete(InboundUpdate).where(InboundUpdate.id == row_id))

    async def _audit(self, partner: Partner, traces: list[str]) -> None:
        for entry in await self._session.scalars(select(AuditEntry)):
            if entry.actor_id == partner.id or (
                partner.telegram_id is not None and entry.actor_telegram_id == partner.telegram_id
            ):
                entry.actor_telegram_id = None
                entry.actor_id = partner.id
            if _shows(entry.detail, traces):
                entry.detail = {
                    key: value for key, value in entry.detail.items() if not _shows(value, traces)
                }


def _traces(partner: Partner) -> list[str]:
    """Strings that identify the partner in stored text."""
    found = [partner.name, partner.organisation, partner.username]
    if partner.telegram_id is not None:
        found.append(str(partner.telegram_id))
    return [trace for trace in found if trace and len(trace) >= 3]


def _shows(value: Any, traces: Iterable[str]) -> bool:
    text = json.dumps(value, ensure_ascii=False, default=str).casefold()
    return any(trace.casefold() in text for trace in traces)
