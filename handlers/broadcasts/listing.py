"""/broadcasts: the recent broadcasts a coordinator may see (their programmes'; admins all) with
their reports and "Got it" counts, each report in full, cancelling one not sent yet — and the
"Got it" button partners press, counted once however often it is tapped."""

from __future__ import annotations

from telegram import InlineKeyboardButton

from bot.access import managed_programmes, manages
from bot.callbacks import InvalidCallback
from bot.i18n import Translator, escape
from bot.turn import Turn
from handlers.broadcasts import views
from handlers.shared.cards import programme_name
from storage.broadcasts import KIND, source_of
from storage.models import Broadcast, BroadcastStatus
from storage.uow import UnitOfWork

RECENT = 8


async def show_list(turn: Turn) -> None:
    """/broadcasts (or « Back from a report)."""
    t = turn.t
    recent = await turn.uow.broadcasts.recent(RECENT, managed_programmes(turn.partner))
    if not recent:
        await turn.settle(t.gettext("No broadcasts yet. Send one with /broadcast."))
        return
    entries: list[str] = [t.gettext("<b>Recent broadcasts</b>")]
    keyboard: list[list[InlineKeyboardButton]] = []
    for broadcast in recent:
        entries += ["", await _entry(turn.uow, t, broadcast)]
        row = [
            turn.button(t.gettext("Report #{number}", number=broadcast.id), "bc.rep", broadcast.id)
        ]
        if broadcast.status == BroadcastStatus.SCHEDULED:
            row.append(
                turn.button(
                    t.gettext("Cancel #{number}", number=broadcast.id), "bc.cancel", broadcast.id
                )
            )
        keyboard.append(row)
    await turn.settle("\n".join(entries), keyboard)


async def on_list(turn: Turn) -> None:
    await show_list(turn)


async def on_report(turn: Turn) -> None:
    broadcast = await _visible(turn)
    t = turn.t
    keyboard = [[turn.button(t.gettext("« Back"), "bc.list")]]
    if broadcast.status == BroadcastStatus.SCHEDULED:
        keyboard[0].append(turn.button(t.gettext("Cancel it"), "bc.cancel", broadcast.id))
    await turn.settle(await full_report(turn.uow, t, broadcast), keyboard)


async def on_cancel(turn: Turn) -> None:
    """Withdraw a broadcast not sent yet; once sending has begun it runs to the end."""
    broadcast = await _visible(turn)
    t = turn.t
    if not await turn.uow.broadcasts.cancel(broadcast.id):
        await turn.answer(
            t.gettext("It is already being sent, so it can no longer be cancelled."), alert=True
        )
        await show_list(turn)
        return
    now = turn.services.clock()
    await turn.uow.deliveries.withdraw(KIND, source_of(broadcast.id), "cancelled", now)
    await turn.uow.audit.record(
        "broadcast.cancelled", actor=turn.partner, telegram_id=turn.user.id, broadcast=broadcast.id
    )
    await turn.answer(t.gettext("Cancelled. Nobody will receive it."))
    await show_list(turn)


async def on_got_it(turn: Turn) -> None:
    """A partner pressed "Got it" under a broadcast: counted once, however often pressed."""
    broadcast_id = turn.arg_int()
    broadcast = await turn.uow.broadcasts.get(broadcast_id)
    assert turn.partner is not None  # Level.PARTNER
    partner_id = turn.partner.id
    if broadcast is None or not broadcast.ask_ack:
        raise InvalidCallback(f"broadcast {broadcast_id} asks for no acknowledgement")
    if not await turn.uow.broadcasts.received(broadcast_id, partner_id):
        raise InvalidCallback(f"broadcast {broadcast_id} was not sent to partner {partner_id}")
    await turn.uow.broadcasts.acknowledge(broadcast_id, partner_id, turn.services.clock())
    t = turn.t
    await turn.answer(t.gettext("Thanks!"))
    await turn.show_buttons([[turn.button("✓ " + t.gettext("Got it"), "bc.ack", broadcast_id)]])


async def full_report(uow: UnitOfWork, t: Translator, broadcast: Broadcast) -> str:
    source = source_of(broadcast.id)
    return views.report_text(
        t,
        broadcast,
        await summary(uow, t, broadcast),
        await uow.deliveries.counts(KIND, source),
        await uow.deliveries.errors(KIND, source),
        await uow.broadcasts.ack_count(broadcast.id) if broadcast.ask_ack else None,
        await uow.deliveries.chat_outcomes(KIND, source, views.CHATS_SHOWN),
    )


async def summary(uow: UnitOfWork, t: Translator, broadcast: Broadcast) -> str:
    audience = broadcast.audience
    programme_id = audience.get("programme")
    programme = await uow.programmes.get(int(programme_id)) if programme_id is not None else None
    landscapes = await uow.places.landscapes_by_ids(
        [int(i) for i in audience.get("landscapes") or []]
    )
    name = programme_name(t, programme) if programme else None
    return views.audience_summary(t, audience, name, landscapes)


async def _entry(uow: UnitOfWork, t: Translator, broadcast: Broadcast) -> str:
    counts = await uow.deliveries.counts(KIND, source_of(broadcast.id))
    acks = await uow.broadcasts.ack_count(broadcast.id) if broadcast.ask_ack else None
    day = t.date(broadcast.send_at.astimezone(t.zone).date(), "medium")
    lines = [
        f"<b>#{broadcast.id}</b> · {escape(day)} · {escape(views.status_label(t, broadcast))}",
        await summary(uow, t, broadcast),
        f"<i>{views.excerpt(broadcast.text, broadcast.default_language)}</i>",
    ]
    if counts:
        lines.append(" · ".join(views.report_counts(t, counts, acks)))
    return "\n".join(lines)


async def _visible(turn: Turn) -> Broadcast:
    """The pressed broadcast, if this user may see it (their programme's; admins any)."""
    broadcast = await turn.uow.broadcasts.get(turn.arg_int())
    if broadcast is None or not manages(turn.partner, broadcast.audience.get("programme")):
        raise InvalidCallback("broadcast not visible to this user")
    return broadcast
