"""Broadcast test helpers: another programme's landscape to reach for, and what the database
holds about broadcasts, their batches and deliveries."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.sandbox.api_objects import SentMessage
from storage.broadcasts import KIND, source_of
from storage.database import Database
from storage.models import Batch, Broadcast, DeliveryStatus, utcnow
from tests.support.chat import ChatUser


def local_time(
    days: int, hour: int, minute: int = 0, zone: str = "Asia/Phnom_Penh"
) -> tuple[str, datetime]:
    """A time `days` from now in `zone`: as typed ("YYYY-MM-DD HH:MM"), and as a UTC moment."""
    local = (utcnow() + timedelta(days=days)).astimezone(ZoneInfo(zone))
    local = local.replace(hour=hour, minute=minute, second=0, microsecond=0)
    return f"{local:%Y-%m-%d %H:%M}", local.astimezone(UTC)


async def add_landscape(
    db: Database, slug: str, *, programme: str, name: str, country: str, timezone: str
) -> int:
    """A landscape of `programme`; returns its id."""
    async with db.unit_of_work() as uow:
        owner = await uow.programmes.by_slug(programme)
        assert owner is not None
        landscape = await uow.places.upsert_landscape(
            slug, programme=owner, name=name, country=country, timezone=timezone
        )
        return landscape.id


async def broadcasts(db: Database) -> list[Broadcast]:
    async with db.unit_of_work() as uow:
        return list(reversed(await uow.broadcasts.recent(100, None)))


async def batch_of(db: Database, broadcast_id: int) -> Batch | None:
    async with db.unit_of_work() as uow:
        return await uow.deliveries.batch(KIND, source_of(broadcast_id))


async def outcomes(db: Database, broadcast_id: int) -> dict[DeliveryStatus, int]:
    async with db.unit_of_work() as uow:
        return await uow.deliveries.counts(KIND, source_of(broadcast_id))


async def draft(db: Database, telegram_id: int) -> tuple[str, str, dict[str, Any]] | None:
    """The open flow of this user: (flow, step, data)."""
    async with db.unit_of_work() as uow:
        conversation = await uow.conversations.get(telegram_id)
    if conversation is None:
        return None
    return conversation.flow, conversation.step, dict(conversation.data)


async def audit(db: Database, action: str) -> list[dict[str, Any]]:
    async with db.unit_of_work() as uow:
        return [dict(entry.detail) for entry in await uow.audit.recent(action)]


async def compose(
    user: ChatUser,
    text: str,
    *,
    roles: Sequence[str] = (),
    versions: Mapping[str, str] | None = None,
    when: str | None = None,
    ack: bool = False,
) -> SentMessage:
    """/broadcast through to the preview (one programme, so no programme question): `roles` are
    role labels to narrow to, `versions` language labels to texts; returns the preview."""
    await user.send("/broadcast")
    await user.expect("Who should receive it?")
    for label in roles:
        await user.press("Roles")
        await user.expect("choose who to include")
        await user.press(label)
        await user.expect_button("✓ " + label)
        await user.press("« Back")
        await user.expect("Who should receive it?")
    await user.press("Continue »")
    await user.expect("Send the message in")
    await user.send(text)
    await user.expect("You can add a version in their language")
    for language, version in (versions or {}).items():
        await user.press(language)
        await user.expect("Send the message in")
        await user.send(version)
        await user.expect_button("✓ " + language)
    await user.press("Continue »")
    await user.expect("When should it go out?")
    if when is None:
        await user.press("Send now")
    else:
        await user.send(when)
    await user.expect("Add a “Got it” button")
    await user.press("Yes, add it" if ack else "No")
    return await user.expect("Preview")
