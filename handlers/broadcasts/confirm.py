"""Finishing a broadcast: when it goes out (now, or a typed time within the horizon), "Got it"
or not, the preview with recipient counts per language, and confirming — which checks the
audience once more, writes the broadcast and plans its one batch in the same unit of work."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.callbacks import InvalidCallback
from bot.i18n import Html
from bot.turn import Turn
from handlers.broadcasts import audience, views
from handlers.events.readers import TYPED_EXAMPLE, read_start
from handlers.shared.flow import data, move, typed
from handlers.shared.localized_input import language_in
from handlers.shared.typed_zones import zone_label
from storage.broadcasts import KIND, source_of

SCHEDULE_DAYS_MAX = 60


async def ask_schedule(turn: Turn) -> None:
    await move(turn, "schedule")
    t = turn.t
    await turn.settle(
        t.ngettext(
            "When should it go out? Press “Send now”, or send a day and time within the next "
            "{n} day, for example “{example}” (time in {zone}).",
            "When should it go out? Press “Send now”, or send a day and time within the next "
            "{n} days, for example “{example}” (time in {zone}).",
            SCHEDULE_DAYS_MAX,
            example=t.gettext(TYPED_EXAMPLE),
            zone=zone_label(t.timezone, turn.services.clock()),
        ),
        [[turn.button(t.gettext("Send now"), "bc.now")]],
    )


async def on_now(turn: Turn) -> None:
    await _ask_ack(turn, None)


async def on_schedule_text(turn: Turn) -> None:
    now = turn.services.clock()
    read = await typed(turn, read_start, turn.t.timezone, now)
    if read is None:
        return
    when, _ = read
    if when - now > timedelta(days=SCHEDULE_DAYS_MAX):
        await turn.reply(
            turn.t.ngettext(
                "That is too far ahead: please choose a time within {n} day.",
                "That is too far ahead: please choose a time within {n} days.",
                SCHEDULE_DAYS_MAX,
            )
        )
        return
    await _ask_ack(turn, when)


async def _ask_ack(turn: Turn, when: datetime | None) -> None:
    await move(turn, "ack", when=when.isoformat() if when else None)
    t = turn.t
    keyboard = [
        [
            turn.button(t.gettext("Yes, add it"), "bc.askack", 1),
            turn.button(t.gettext("No"), "bc.askack", 0),
        ]
    ]
    await turn.settle(
        t.gettext("Add a “Got it” button, so you can count who has read it?"), keyboard
    )


async def on_ack_choice(turn: Turn) -> None:
    choice = turn.arg_int()
    if choice not in (0, 1):
        raise InvalidCallback(f"ack {choice}")
    await move(turn, "preview", ack=bool(choice))
    await show_preview(turn)


async def show_preview(turn: Turn) -> None:
    await move(turn, "preview")
    t, draft = turn.t, data(turn)
    when = _when(turn)
    lines = [
        t.gettext(
            "<b>Preview</b> — partners reading {language} will see:",
            language=language_in(t, t.language),
        ),
        "",
        views.message_html(t, draft["texts"], draft["default"]),
        "",
        "———",
        t.gettext("To: {audience}", audience=Html(await audience.summary(turn))),
        await audience.reach(turn),
        t.gettext("When: {when}", when=t.when(when)) if when else t.gettext("When: right away"),
        t.gettext("“Got it” button: yes") if draft["ack"] else t.gettext("“Got it” button: no"),
    ]
    keyboard = [
        [
            turn.button(t.gettext("Schedule") if when else t.gettext("Send"), "bc.send"),
            turn.button(t.gettext("Edit text"), "bc.edit"),
        ],
        [
            turn.button(t.gettext("Change audience"), "bc.who"),
            turn.button(t.gettext("Cancel"), "bc.stop"),
        ],
    ]
    await turn.settle("\n".join(lines), keyboard)


async def on_change_audience(turn: Turn) -> None:
    await move(turn, "audience")
    await audience.show_panel(turn)


async def on_send(turn: Turn) -> None:
    """Confirm: check the audience once more, write the broadcast, plan its batch."""
    t, draft = turn.t, data(turn)
    programme, landscapes = await audience.scope(turn)
    total = await audience.total(turn)
    if not total:
        await turn.answer(views.nobody(t), alert=True)
        return
    now, when = turn.services.clock(), _when(turn)
    if when is not None and when <= now:
        await turn.answer(
            t.gettext("The time you chose has passed. Please choose another."), alert=True
        )
        await ask_schedule(turn)
        return
    query = turn.update.callback_query
    assert turn.partner is not None
    assert query is not None
    assert query.message is not None
    broadcast = await turn.uow.broadcasts.create(
        created_by=turn.partner.id,
        audience=draft["audience"],
        text=draft["texts"],
        default_language=draft["default"],
        ask_ack=bool(draft["ack"]),
        send_at=when or now,
        progress_chat_id=turn.chat_id,
        # Sent now: this message becomes the live progress; scheduled: a new one will.
        progress_message_id=None if when else query.message.message_id,
    )
    source = source_of(broadcast.id)
    await turn.uow.deliveries.plan(KIND, source, when or now, payload={"broadcast": broadcast.id})
    await turn.uow.audit.record(
        "broadcast.created",
        actor=turn.partner,
        telegram_id=turn.user.id,
        broadcast=broadcast.id,
        programme=programme.id if programme else None,
        landscapes=[landscape.id for landscape in landscapes],
        recipients=total,
        chats=await audience.chat_count(turn),
        languages=sorted(draft["texts"]),
        send_at=(when or now).isoformat(),
    )
    await turn.uow.conversations.end(turn.user.id)
    if when is None:
        await turn.settle(views.progress_text(t, 0, total))
        return
    await turn.settle(
        t.gettext(
            "Scheduled for {when}. It goes to whoever matches the audience then (now {count}). "
            "See or cancel it with /broadcasts.",
            when=t.when(when),
            count=t.number(total),
        )
    )


def _when(turn: Turn) -> datetime | None:
    when = data(turn).get("when")
    return datetime.fromisoformat(when) if when else None
