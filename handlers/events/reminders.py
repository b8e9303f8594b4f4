"""How event reminders, "new time" and "cancelled" notices read, and who a reminder reaches.

Each is rendered when it is sent, in the partner's language and time zone, so it always shows
the event as it is then — and is skipped when it no longer makes sense (the event started or
was cancelled, or the partner said they can't attend). Reminders and "new time" notices carry
the Attend / Maybe / Can't attend buttons (handled in handlers/events/rsvp.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from telegram import InlineKeyboardButton

from bot.delivery.kinds import ExpandContext, Kind, Message, Recipient, RenderContext, Skip
from bot.i18n import N_, Translator
from bot.localized import show
from bot.reminders import CANCELLED, MOVED, REMINDER
from handlers.shared.cards import event_line, event_title
from storage.models import Delivery, Event, RsvpAnswer
from storage.uow import UnitOfWork

# Callback codes for the answers ("rsvp:<event>:<code>:<view>").
ANSWER_CODES = {"y": RsvpAnswer.YES, "m": RsvpAnswer.MAYBE, "n": RsvpAnswer.NO}
# Where the buttons sit, so an answer redraws the same message: the event card, or a notice.
CARD, REMINDED, RETIMED = "c", "r", "m"
_HEADINGS = {REMINDED: N_("⏰ <b>Reminder</b>"), RETIMED: N_("🔁 <b>New time</b>")}
_LABELS = {
    RsvpAnswer.YES: N_("✅ Attend"),
    RsvpAnswer.MAYBE: N_("🤔 Maybe"),
    RsvpAnswer.NO: N_("❌ Can't attend"),
}


class MakesButtons(Protocol):
    def button(self, label: str, action: str, *args: object) -> InlineKeyboardButton: ...


def rsvp_open(event: Event, now: datetime) -> bool:
    """Answers are taken until the event is over, unless it was cancelled."""
    return event.cancelled_at is None and now < event.ends_at


def rsvp_row(
    maker: MakesButtons, t: Translator, event: Event, view: str
) -> list[InlineKeyboardButton]:
    return [
        maker.button(t.gettext(_LABELS[answer]), "rsvp", event.id, code, view)
        for code, answer in ANSWER_CODES.items()
    ]


def answer_label(t: Translator, answer: RsvpAnswer) -> str:
    return t.gettext(_LABELS[answer])


def your_answer(t: Translator, answer: RsvpAnswer | None) -> str:
    if answer is None:
        return t.gettext("Will you attend?")
    return t.gettext("Your answer: {answer}", answer=answer_label(t, answer))


def notice(
    maker: MakesButtons,
    t: Translator,
    event: Event,
    now: datetime,
    answer: RsvpAnswer | None,
    view: str,
    note: str | None = None,
) -> Message:
    """A short notice about an event, for phones: when, where, the partner's answer, and the
    buttons to answer (or change it), join online and add it to a calendar."""
    lines = [t.gettext(_HEADINGS[view])] + ([note] if note else [])
    lines.append(event_line(t, event, now))
    if event.place:
        lines.append(t.gettext("📍 {place}", place=show(t, event.place, event.default_language)))
    lines += ["", your_answer(t, answer)]
    extras = [maker.button(t.gettext("📅 Add to calendar"), "ev.ics", event.id)]
    if event.online_url:
        extras.insert(0, InlineKeyboardButton(t.gettext("💻 Join online"), url=event.online_url))
    return Message("\n".join(lines), [rsvp_row(maker, t, event, view), extras])


async def _expand_reminder(ctx: ExpandContext) -> Sequence[Recipient]:
    """Partners in the event's audience when the reminder falls due, except those who said
    they can't attend. Expanded too late, the rows are still written — and skipped by their
    expiry, so the record says who missed a reminder and why."""
    event = await ctx.uow.events.get(int(ctx.batch.payload["event"]))
    if event is None or event.cancelled_at is not None:
        return []
    declined = await ctx.uow.rsvps.partners(event.id, [RsvpAnswer.NO])
    page = await ctx.uow.events.audience(
        event, after=ctx.after, limit=ctx.limit, excluding=declined
    )
    return [Recipient(partner) for partner in page]


async def reminded_event(uow: UnitOfWork, delivery: Delivery, now: datetime) -> Event | Skip:
    """The event a reminder row is for, or why the reminder is no longer worth sending (to a
    partner or to a group alike)."""
    event = await uow.events.get(int(delivery.payload["event"]))
    if event is None or event.cancelled_at is not None:
        return Skip("event cancelled")
    if now >= event.starts_at:
        return Skip("event started")
    if not delivery.source.startswith(f"event:{event.id}:{event.sequence}:"):
        return Skip("event moved")
    return event


async def _render_reminder(ctx: RenderContext) -> Message | Skip:
    event = await reminded_event(ctx.uow, ctx.delivery, ctx.now)
    if isinstance(event, Skip):
        return event
    answer = await answer_of(ctx.uow, event.id, ctx.partner.id)
    if answer == RsvpAnswer.NO:
        return Skip("can't attend")
    return notice(ctx, ctx.t, event, ctx.now, answer, REMINDED)


async def _render_moved(ctx: RenderContext) -> Message | Skip:
    event = await ctx.uow.events.get(int(ctx.delivery.payload["event"]))
    if event is None or event.cancelled_at is not None:
        return Skip("event cancelled")
    if ctx.now >= event.starts_at:
        return Skip("event started")
    if ctx.delivery.payload.get("sequence") != event.sequence:
        return Skip("event moved again")
    answer = await answer_of(ctx.uow, event.id, ctx.partner.id)
    if answer == RsvpAnswer.NO:
        return Skip("can't attend")
    t, was = ctx.t, ctx.delivery.payload.get("was")
    note = None
    if isinstance(was, str):
        note = t.gettext("It was planned for {when}.", when=t.when(datetime.fromisoformat(was)))
    return notice(ctx, t, event, ctx.now, answer, RETIMED, note)


async def _render_cancelled(ctx: RenderContext) -> Message | Skip:
    event = await ctx.uow.events.get(int(ctx.delivery.payload["event"]))
    if event is None or event.cancelled_at is None:
        return Skip("event not cancelled")
    t = ctx.t
    text = t.gettext(
        "❌ <b>Cancelled:</b> {title}, planned for {when}, will not take place.",
        title=event_title(t, event),
        when=t.when(event.starts_at),
    )
    return Message(text)


async def answer_of(uow: UnitOfWork, event_id: int, partner_id: int) -> RsvpAnswer | None:
    rsvp = await uow.rsvps.get(event_id, partner_id)
    return RsvpAnswer(rsvp.answer) if rsvp else None


KINDS = (
    Kind(REMINDER, render=_render_reminder, expand=_expand_reminder, priority=0),
    Kind(MOVED, render=_render_moved),
    Kind(CANCELLED, render=_render_cancelled),
)
