"""How a broadcast goes out through the delivery path: when its batch falls due it reaches
whoever matches the audience then (and the broadcast is marked as sending) — and, when the
coordinator included them, the linked groups and channels of its programme and landscapes, one
row each on the first page. Each message is the reader's language version (a chat's own
language), or the default one marked "(in English)"; partners get a "Got it" button when the
coordinator asked for one, chats never (a chat is not someone who read it)."""

from __future__ import annotations

from collections.abc import Sequence

from bot.delivery.kinds import (
    ExpandContext,
    GroupRenderContext,
    Message,
    Recipient,
    RenderContext,
    Skip,
)
from handlers.broadcasts import views
from storage.models import Broadcast, BroadcastStatus
from storage.uow import UnitOfWork


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
    chats = await broadcasts.audience_chats(broadcast.audience) if context.after == 0 else []
    return [
        *(Recipient(partner) for partner in page),
        *(Recipient(None, linked_chat_id=chat.id) for chat in chats),
    ]


async def render(context: RenderContext) -> Message | Skip:
    broadcast = await _sendable(context.uow, context.delivery.payload["broadcast"])
    if isinstance(broadcast, Skip):
        return broadcast
    t = context.t
    text = views.message_html(t, broadcast.text, broadcast.default_language)
    if not broadcast.ask_ack:
        return Message(text)
    return Message(text, [[context.button(t.gettext("Got it"), "bc.ack", broadcast.id)]])


async def render_group(context: GroupRenderContext) -> Message | Skip:
    broadcast = await _sendable(context.uow, context.delivery.payload["broadcast"])
    if isinstance(broadcast, Skip):
        return broadcast
    return Message(views.message_html(context.t, broadcast.text, broadcast.default_language))


async def _sendable(uow: UnitOfWork, broadcast_id: object) -> Broadcast | Skip:
    broadcast = await uow.broadcasts.get(int(str(broadcast_id)))
    if broadcast is None or broadcast.status == BroadcastStatus.CANCELLED:
        return Skip("cancelled")
    return broadcast
