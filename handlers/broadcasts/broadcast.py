"""/broadcast: a coordinator (for their programmes) or an admin (for anyone) announces something
to a chosen audience — audience, message, versions per language, when, "Got it" or not, then a
preview with the recipient counts before anything is sent. The draft lives in the conversation
table; confirming writes the broadcast and plans its batch in one unit of work.

`ROUTES` and `KINDS` for the whole feature are declared here."""

from __future__ import annotations

from bot.access import Level, manages
from bot.callbacks import InvalidCallback
from bot.delivery.kinds import Kind
from bot.i18n import N_
from bot.routing import Button, Command, Route, Step
from bot.turn import Turn
from handlers.broadcasts import audience, confirm, delivery, listing, steps, views
from handlers.shared.cards import programme_name
from handlers.shared.flow import data, manageable_programmes
from storage.broadcasts import KIND

FLOW = audience.FLOW
EVERYONE = 0  # the programme button for a partnership-wide broadcast


async def broadcast(turn: Turn) -> None:
    """/broadcast: ask for the programme, unless there is only one to choose."""
    t = turn.t
    programmes = await manageable_programmes(turn)
    everyone = manages(turn.partner, None)
    if not programmes and not everyone:
        await turn.reply(t.gettext("You don't coordinate any programme yet."))
        return
    if len(programmes) == 1 and not everyone:
        await _begin(turn, programmes[0].id)
        return
    await turn.uow.conversations.begin(turn.user.id, FLOW, "programme")
    keyboard = [[turn.button(programme_name(t, p), "bc.prog", p.id)] for p in programmes]
    if everyone:
        keyboard.insert(0, [turn.button(t.gettext("Everyone"), "bc.prog", EVERYONE)])
    keyboard.append([turn.button(t.gettext("Cancel"), "bc.stop")])
    await turn.settle(t.gettext("Who is the broadcast for?"), keyboard)


async def on_programme(turn: Turn) -> None:
    programme_id = turn.arg_int()
    if programme_id == EVERYONE:
        await _begin(turn, None)
        return
    programme = await turn.uow.programmes.get(programme_id)
    if programme is None:
        raise InvalidCallback(f"programme {programme_id}")
    await _begin(turn, programme.id)


async def _begin(turn: Turn, programme_id: int | None) -> None:
    draft = {"audience": audience.empty_audience(programme_id)}
    turn.conversation = await turn.uow.conversations.begin(turn.user.id, FLOW, "audience", draft)
    await audience.show_panel(turn)  # checks that this user may reach the programme


async def on_facet(turn: Turn) -> None:
    await audience.scope(turn)
    await audience.show_facet(turn, turn.arg(0), max(0, turn.arg_int(1)))


async def on_toggle(turn: Turn) -> None:
    await audience.scope(turn)
    await audience.show_facet(turn, await audience.toggle(turn), max(0, turn.arg_int(2)))


async def on_chats(turn: Turn) -> None:
    """Linked groups and channels: not included → also → only them → not included."""
    await audience.scope(turn)
    await audience.set_audience(turn, groups=audience.toggle_chats(turn))
    await audience.show_panel(turn)


async def on_panel(turn: Turn) -> None:
    await audience.show_panel(turn)


async def on_next(turn: Turn) -> None:
    """Continue from the audience: to the preview when the rest is written, else the text."""
    await audience.scope(turn)
    if not await audience.total(turn):
        await turn.answer(views.nobody(turn.t), alert=True)
        return
    if "ack" in data(turn):
        await confirm.show_preview(turn)
        return
    await steps.ask_text(turn)


async def on_stop(turn: Turn) -> None:
    if turn.conversation is None or turn.conversation.flow != FLOW:
        raise InvalidCallback("not composing a broadcast")
    await turn.uow.conversations.end(turn.user.id)
    await turn.settle(turn.t.gettext("Stopped. Nothing was sent."))


def _at(step: str) -> tuple[str, str]:
    return (FLOW, step)


COORDINATOR = Level.COORDINATOR
ROUTES: tuple[Route, ...] = (
    Command("broadcast", broadcast, COORDINATOR, N_("Send an announcement to partners")),
    Command("broadcasts", listing.show_list, COORDINATOR, N_("Recent broadcasts and reports")),
    Button("bc.prog", on_programme, COORDINATOR, _at("programme")),
    Button("bc.facet", on_facet, COORDINATOR, _at("audience")),
    Button("bc.tog", on_toggle, COORDINATOR, _at("audience")),
    Button("bc.panel", on_panel, COORDINATOR, _at("audience")),
    Button("bc.grp", on_chats, COORDINATOR, _at("audience")),
    Button("bc.next", on_next, COORDINATOR, _at("audience")),
    Button("bc.stop", on_stop, COORDINATOR),
    Step(FLOW, "text", steps.on_text, COORDINATOR),
    Button("bc.lang", steps.on_version_language, COORDINATOR, _at("languages")),
    Button("bc.langs", steps.on_languages, COORDINATOR, _at("version")),
    Step(FLOW, "version", steps.on_version_text, COORDINATOR),
    Button("bc.langok", steps.on_languages_done, COORDINATOR, _at("languages")),
    Button("bc.now", confirm.on_now, COORDINATOR, _at("schedule")),
    Step(FLOW, "schedule", confirm.on_schedule_text, COORDINATOR),
    Button("bc.askack", confirm.on_ack_choice, COORDINATOR, _at("ack")),
    Button("bc.send", confirm.on_send, COORDINATOR, _at("preview")),
    Button("bc.edit", steps.on_edit_text, COORDINATOR, _at("preview")),
    Button("bc.who", confirm.on_change_audience, COORDINATOR, _at("preview")),
    Button("bc.list", listing.on_list, COORDINATOR),
    Button("bc.rep", listing.on_report, COORDINATOR),
    Button("bc.cancel", listing.on_cancel, COORDINATOR),
    Button("bc.ack", listing.on_got_it, Level.PARTNER),
)

KINDS = (
    Kind(
        KIND,
        render=delivery.render,
        expand=delivery.expand,
        priority=1,
        render_group=delivery.render_group,
    ),
)
