"""How a broadcast goes out through the delivery path: when its batch falls due it reaches
whoever matches the audience then (and the broadcast is marked as sending); each message is
the recipient's language version, or the default one marked "(in English)", with a "Got it"
button when the coordinator asked for one."""

from __future__ import annotations

from collections.abc import Sequence

from bot.delivery.kinds import ExpandContext, Message, Recipient, RenderContext, Skip
from handlers.broadcasts import views
from storage.models import BroadcastStatus


async def expand(context: ExpandContext) -> Sequence[Recipient]:
    broadcasts = context.uow.broadcasts
    broadcast_id = int(context.batch.payload["broadcast"])
    if await broadcasts.start_sending(broadcast_id) != BroadcastStatus.SENDING:
        return []  # cancelled meanwhile, or gone
    broadcast = await broadcasts.get(broadcast_id)
    assert broadcast is not None  # its status was just read
    page = await broadcasts.audience_ids(
        broadcast.audience, after=context.after, limit=context.limit
    )
    return [Recipient(partner) for partner in page]


async def render(context: RenderContext) -> Message | Skip:
    broadcast = await context.uow.broadcasts.get(int(context.delivery.payload["broadcast"]))
    if broadcast is None or broadcast.status == BroadcastStatus.CANCELLED:
        return Skip("cancelled")
    t = context.t
    text = views.message_html(t, broadcast.text, broadcast.default_language)
    if not broadcast.ask_ack:
        return Message(text)
    return Message(text, [[context.button(t.gettext("Got it"), "bc.ack", broadcast.id)]])
