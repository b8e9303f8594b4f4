"""Planning an event's reminders as rows: one batch per reminder offset, expanded to the
event's audience when it falls due, and what to withdraw and whom to tell when the event moves
or is cancelled. No Telegram here; handlers/events/reminders.py says how these messages read.

Sources name what decided each row — "event:<id>:<sequence>:<minutes>" for a reminder,
"event:<id>:<sequence>" for a move, "event:<id>" for a cancellation — so prefixes always end in
a colon (event 1 must not match event 12).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.settings import ReminderSettings
from storage.deliveries import NewDelivery
from storage.models import Batch, DeliveryStatus, Event, RsvpAnswer
from storage.uow import UnitOfWork

REMINDER, MOVED, CANCELLED = "reminder", "event_moved", "event_cancel"
COMING = (RsvpAnswer.YES, RsvpAnswer.MAYBE)


def offsets(event: Event, settings: ReminderSettings) -> list[int]:
    """Minutes before the start to remind at, earliest reminder first."""
    chosen = settings.offsets_minutes if event.reminder_minutes is None else event.reminder_minutes
    return sorted({minutes for minutes in chosen if minutes > 0}, reverse=True)


async def plan_reminders(
    uow: UnitOfWork, event: Event, settings: ReminderSettings, now: datetime
) -> list[Batch]:
    """A batch per offset still to come. One already past but inside the grace window is
    planned too (it goes out at once), but only the latest such: one late reminder is enough.
    Idempotent: planning again returns the batches already planned."""
    if event.cancelled_at is not None or event.starts_at <= now:
        return []
    grace = timedelta(minutes=settings.grace_minutes)
    planned: list[Batch] = []
    late: tuple[datetime, int] | None = None
    for minutes in offsets(event, settings):
        due_at = event.starts_at - timedelta(minutes=minutes)
        if due_at > now:
            planned.append(await _plan(uow, event, minutes, due_at, grace))
        elif min(due_at + grace, event.starts_at) > now:
            late = (due_at, minutes)
    if late is not None:
        planned.append(await _plan(uow, event, late[1], late[0], grace))
    return planned


async def _plan(
    uow: UnitOfWork, event: Event, minutes: int, due_at: datetime, grace: timedelta
) -> Batch:
    return await uow.deliveries.plan(
        REMINDER,
        f"event:{event.id}:{event.sequence}:{minutes}",
        due_at,
        expires_at=min(due_at + grace, event.starts_at),  # never after the start
        payload={"event": event.id, "minutes": minutes},
    )


async def replan_after_move(
    uow: UnitOfWork,
    event: Event,
    old_sequence: int,
    settings: ReminderSettings,
    now: datetime,
    *,
    old_starts_at: datetime | None = None,
) -> None:
    """The event has a new time (and sequence): drop the old reminders, plan new ones, and
    tell everyone who said they would (or might) come."""
    await uow.deliveries.withdraw(REMINDER, f"event:{event.id}:{old_sequence}:", "event moved", now)
    await uow.deliveries.withdraw(MOVED, f"event:{event.id}:", "event moved again", now)
    await plan_reminders(uow, event, settings, now)
    if event.cancelled_at is not None or event.ends_at <= now:
        return
    coming = await uow.rsvps.partners(event.id, COMING)
    payload: dict[str, object] = {"event": event.id, "sequence": event.sequence}
    if old_starts_at is not None:
        payload["was"] = old_starts_at.isoformat()
    await uow.deliveries.enqueue(
        MOVED,
        f"event:{event.id}:{event.sequence}",
        [NewDelivery(partner_id, now, event.ends_at) for partner_id in coming],
        priority=0,
        payload=payload,
    )


async def on_cancel(uow: UnitOfWork, event: Event, now: datetime) -> None:
    """Withdraw what has not gone out and tell everyone who was reminded or said they would
    (or might) come."""
    await uow.deliveries.withdraw(REMINDER, f"event:{event.id}:", "event cancelled", now)
    await uow.deliveries.withdraw(MOVED, f"event:{event.id}:", "event cancelled", now)
    if event.ends_at <= now:
        return
    # A reminder being sent at this moment counts: it is on its way to the partner.
    reminded = await uow.deliveries.recipients(
        REMINDER, f"event:{event.id}:", [DeliveryStatus.SENT, DeliveryStatus.SENDING]
    )
    coming = await uow.rsvps.partners(event.id, COMING)
    await uow.deliveries.enqueue(
        CANCELLED,
        f"event:{event.id}",
        [
            NewDelivery(partner_id, now, event.ends_at)
            for partner_id in sorted({*reminded, *coming})
        ],
        priority=0,
        payload={"event": event.id},
    )


@dataclass(frozen=True)
class Before:
    """What an event looked like before a change, to tell what the change was."""

    sequence: int
    starts_at: datetime
    cancelled: bool


def before(event: Event | None) -> Before | None:
    if event is None:
        return None
    return Before(event.sequence, event.starts_at, event.cancelled_at is not None)


async def after_change(
    uow: UnitOfWork,
    event: Event,
    previous: Before | None,
    settings: ReminderSettings,
    now: datetime,
) -> None:
    """Bring an event's reminders in line with whatever happened to it — created, moved,
    cancelled, restored or merely edited (for content imports, which may do any of these)."""
    if event.cancelled_at is not None:
        if previous is not None and not previous.cancelled:
            await on_cancel(uow, event, now)
        return
    if previous is not None and previous.sequence != event.sequence:
        await replan_after_move(
            uow, event, previous.sequence, settings, now, old_starts_at=previous.starts_at
        )
        return
    await plan_reminders(uow, event, settings, now)
