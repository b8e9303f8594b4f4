"""Event reminders in linked groups: a reminder reaches, besides the partners of its audience,
every linked group whose programme and landscapes the event is for — one delivery row per
group, in the group's language — with Attend / Maybe / Can't attend buttons and live counts.
A linked channel gets the reminder alone: its readers are anonymous subscribers the bot cannot
tell apart from strangers, and nothing said there would redraw counts, which would go stale.

A registered partner's press records their answer (the same as in private) and redraws the
group's message with the new counts; anyone else is refused by the pipeline with a link to
join (the button needs Level.PARTNER)."""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import datetime

from bot.access import Level, group_viewer
from bot.callbacks import InvalidCallback
from bot.delivery.kinds import (
    ExpandContext,
    Expander,
    GroupRenderContext,
    Kind,
    Message,
    Recipient,
    Skip,
)
from bot.i18n import Translator
from bot.localized import show
from bot.reminders import REMINDER
from bot.routing import Button, Route
from bot.turn import Turn
from handlers.events.reminders import (
    ANSWER_CODES,
    MakesButtons,
    answer_label,
    reminded_event,
    rsvp_open,
)
from handlers.groups.commands import group_translator, landscape_ids
from handlers.shared.cards import event_line
from storage.models import Event, RsvpAnswer
from storage.uow import UnitOfWork

ACTION = "grsvp"  # grsvp:<event>:<answer code>


def with_groups(kinds: Iterable[Kind]) -> list[Kind]:
    """The features' kinds, the reminder also expanded to and rendered for linked groups."""
    return [
        dataclasses.replace(kind, expand=_expand(kind), render_group=_render)
        if kind.name == REMINDER
        else kind
        for kind in kinds
    ]


def _expand(kind: Kind) -> Expander:
    partners = kind.expand
    assert partners is not None

    async def expand(ctx: ExpandContext) -> Sequence[Recipient]:
        groups = await _groups(ctx) if ctx.after == 0 else []  # with the first page only
        return [*await partners(ctx), *groups]

    return expand


async def _groups(ctx: ExpandContext) -> list[Recipient]:
    event = await ctx.uow.events.get(int(ctx.batch.payload["event"]))
    if event is None or event.cancelled_at is not None:
        return []
    programmes = {p.id: p for p in await ctx.uow.programmes.all()}
    recipients = []
    for linked in await ctx.uow.linked_chats.listed():
        programme = programmes.get(linked.programme_id)
        if programme is None:
            continue
        viewer = group_viewer(programme.id, landscape_ids(linked, programme))
        if ctx.uow.events.visible(event, viewer):
            recipients.append(Recipient(None, linked_chat_id=linked.id))
    return recipients


async def _render(ctx: GroupRenderContext) -> Message | Skip:
    event = await reminded_event(ctx.uow, ctx.delivery, ctx.now)
    if isinstance(event, Skip):
        return event
    if ctx.chat.is_channel:
        return Message("\n".join(_reminder(ctx.t, event, ctx.now)))
    return group_notice(ctx, ctx.t, event, ctx.now, await _counts(ctx.uow, event.id))


def _reminder(t: Translator, event: Event, now: datetime) -> list[str]:
    lines = [t.gettext("⏰ <b>Reminder</b>"), event_line(t, event, now)]
    if event.place:
        lines.append(t.gettext("📍 {place}", place=show(t, event.place, event.default_language)))
    return lines


def group_notice(
    maker: MakesButtons, t: Translator, event: Event, now: datetime, counts: Counter[RsvpAnswer]
) -> Message:
    lines = _reminder(t, event, now)
    lines += [
        "",
        t.gettext(
            "Attending: {yes} · Maybe: {maybe} · Can't attend: {no}",
            yes=t.number(counts[RsvpAnswer.YES]),
            maybe=t.number(counts[RsvpAnswer.MAYBE]),
            no=t.number(counts[RsvpAnswer.NO]),
        ),
    ]
    buttons = [
        maker.button(answer_label(t, answer), ACTION, event.id, code)
        for code, answer in ANSWER_CODES.items()
    ]
    return Message("\n".join(lines), [buttons])


async def on_answer(turn: Turn) -> None:
    """A partner's answer under a group's reminder."""
    event_id, answer = turn.arg_int(0), ANSWER_CODES.get(turn.arg(1))
    event = await turn.uow.events.get(event_id)
    chat = turn.update.effective_chat
    linked = await turn.uow.linked_chats.active(chat.id) if chat else None
    programme = await turn.uow.programmes.get(linked.programme_id) if linked else None
    if answer is None or event is None or linked is None or programme is None:
        raise InvalidCallback(f"group rsvp {event_id}")
    if linked.is_channel:  # a channel's reminder has no buttons
        raise InvalidCallback(f"channel rsvp {event_id}")
    now = turn.services.clock()
    if not rsvp_open(event, now):
        await turn.answer(turn.t.gettext("This event is over."), alert=True)
        return
    assert turn.partner is not None  # Level.PARTNER
    await turn.uow.rsvps.answer(event.id, turn.partner.id, answer, now)
    await turn.answer(turn.t.gettext("Noted: {answer}", answer=answer_label(turn.t, answer)))
    t = group_translator(turn, linked, programme)
    message = group_notice(turn, t, event, now, await _counts(turn.uow, event.id))
    await turn.settle(message.text, message.keyboard)


async def _counts(uow: UnitOfWork, event_id: int) -> Counter[RsvpAnswer]:
    return Counter(answer for _partner, answer in await uow.rsvps.answered(event_id))


ROUTES: tuple[Route, ...] = (Button(ACTION, on_answer, Level.PARTNER),)
