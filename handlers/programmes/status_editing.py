"""/setstatus: coordinators keep where their programme stands up to date — its status text, one
language at a time, and the values of its headline figures — as partners then see with /status."""

from __future__ import annotations

from bot.access import Level, manages
from bot.callbacks import InvalidCallback
from bot.i18n import N_, Translator, escape
from bot.localized import plain
from bot.numbers import format_figure, read_figure
from bot.replies import Keyboard
from bot.routing import Button, Command, Route, Step
from bot.turn import Turn
from handlers.shared.cards import programme_card, programme_name
from handlers.shared.flow import manageable_programmes, today
from handlers.shared.localized_input import (
    button_label,
    language_in,
    language_picker,
    read_text,
)
from storage.models import Programme, ProgrammeFigure

FLOW = "setstatus"
STATUS_MAX = 2000


async def set_status(turn: Turn) -> None:
    """/setstatus [programme]: the named programme, the only one the user manages, or a choice."""
    t = turn.t
    programmes = await manageable_programmes(turn)
    if turn.args:
        wanted = " ".join(turn.args).casefold()
        found = [p for p in programmes if _names(p, wanted)]
        if len(found) == 1:
            programmes = found
        else:
            await turn.reply(
                t.gettext("You cannot update a programme called “{name}”.", name=wanted[:64])
            )
    if not programmes:
        await turn.reply(t.gettext("There is no programme you can update."))
        return
    if len(programmes) == 1:
        await turn.uow.conversations.begin(
            turn.user.id, FLOW, "menu", {"programme": programmes[0].id}
        )
        await turn.settle(*_menu(turn, programmes[0]))
        return
    await turn.uow.conversations.begin(turn.user.id, FLOW, "programme")
    keyboard = [[turn.button(programme_name(t, p), "ss.prg", p.id)] for p in programmes]
    await turn.settle(t.gettext("Which programme do you want to update?"), keyboard)


def _names(programme: Programme, wanted: str) -> bool:
    names = {programme.slug, *(name.casefold() for name in programme.name.values())}
    return wanted in names or any(wanted in name for name in names if len(wanted) >= 3)


def _menu(turn: Turn, programme: Programme) -> tuple[str, Keyboard]:
    t = turn.t
    figures = [
        [turn.button(button_label(t, *_label_and_value(t, programme, f)), "ss.fig", f.position)]
        for f in programme.figures
    ]
    keyboard = [
        [turn.button(t.gettext("Status text"), "ss.text")],
        *figures,
        [turn.button(t.gettext("Done"), "ss.done")],
    ]
    text = programme_card(t, programme) + "\n\n" + t.gettext("What would you like to update?")
    return text, keyboard


def _label_and_value(
    t: Translator, programme: Programme, figure: ProgrammeFigure
) -> tuple[str, str]:
    unit = plain(t, figure.unit, programme.default_language)
    value = f"{format_figure(t.locale, figure.value)} {unit}".strip()
    return plain(t, figure.label, programme.default_language), value


async def _programme(turn: Turn) -> Programme | None:
    """The programme this flow edits, if the user still manages it."""
    data = turn.conversation.data if turn.conversation else {}
    programme = await turn.uow.programmes.get(int(data.get("programme", 0)))
    return programme if programme is not None and manages(turn.partner, programme.id) else None


async def _pressed_programme(turn: Turn) -> Programme:
    programme = await _programme(turn)
    if programme is None:
        raise InvalidCallback("programme gone or no longer managed")
    return programme


async def _typed_programme(turn: Turn) -> Programme | None:
    """For typed text: the programme, or None after telling the user why nothing was saved."""
    programme = await _programme(turn)
    if programme is None:
        await _gone(turn)
    return programme


async def _gone(turn: Turn) -> None:
    await turn.uow.conversations.end(turn.user.id)
    await turn.reply(turn.t.gettext("You can no longer update this. Nothing was saved."))


async def on_programme(turn: Turn) -> None:
    programme = await turn.uow.programmes.get(turn.arg_int())
    if programme is None or not manages(turn.partner, programme.id) or not turn.conversation:
        raise InvalidCallback("programme")
    await turn.uow.conversations.move(turn.conversation, "menu", programme=programme.id)
    await turn.settle(*_menu(turn, programme))


async def on_status_text(turn: Turn) -> None:
    programme = await _pressed_programme(turn)
    assert turn.conversation is not None
    await turn.uow.conversations.move(turn.conversation, "language")
    keyboard = [
        *language_picker(turn, "ss.lang", lambda code: bool(programme.status.get(code))),
        [turn.button(turn.t.gettext("« Back"), "ss.back")],
    ]
    await turn.settle(turn.t.gettext("In which language do you want to write it?"), keyboard)


async def on_language(turn: Turn) -> None:
    code = turn.arg()
    if code not in turn.services.catalogs.languages:
        raise InvalidCallback(code)
    programme = await _pressed_programme(turn)
    assert turn.conversation is not None
    await turn.uow.conversations.move(turn.conversation, "text", language=code)
    t = turn.t
    lines = [t.gettext("Send the new status in {language}.", language=language_in(t, code))]
    if programme.status.get(code):
        lines += ["", t.gettext("Now:"), escape(programme.status[code])]
    await turn.settle("\n".join(lines), [[turn.button(t.gettext("« Back"), "ss.back")]])


async def on_text(turn: Turn) -> None:
    value, hint = read_text(turn.t, turn.text, STATUS_MAX)
    if value is None:
        await turn.reply(hint or "")  # the step stays open: the coordinator sends it again
        return
    programme = await _typed_programme(turn)
    if programme is None:
        return
    assert turn.conversation is not None
    assert turn.partner is not None  # Level.COORDINATOR
    language = str(turn.conversation.data["language"])
    await turn.uow.programmes.set_status(
        programme,
        {**programme.status, language: value},
        as_of=today(turn),
        by=turn.partner,
        at=turn.services.clock(),
    )
    await _record(turn, "programme.status", programme=programme.id, language=language)
    await _saved(turn, programme)


async def on_figure(turn: Turn) -> None:
    programme = await _pressed_programme(turn)
    position = turn.arg_int()
    figure = next((f for f in programme.figures if f.position == position), None)
    if figure is None or turn.conversation is None:
        raise InvalidCallback("figure")
    await turn.uow.conversations.move(turn.conversation, "figure", position=position)
    t = turn.t
    label, value = _label_and_value(t, programme, figure)  # the value with its unit, as on the card
    prompt = t.gettext("Send the new value of “{label}” (now {value}).", label=label, value=value)
    await turn.settle(prompt, [[turn.button(t.gettext("« Back"), "ss.back")]])


async def on_figure_value(turn: Turn) -> None:
    t = turn.t
    value = read_figure(t, turn.text)
    if value is None:
        await turn.reply(
            t.gettext(
                "Please send just the number, for example {example}.", example=t.number(1234.5)
            )
        )
        return
    if value < 0:
        await turn.reply(t.gettext("The value cannot be negative. Please send it again."))
        return
    programme = await _typed_programme(turn)
    if programme is None:
        return
    assert turn.conversation is not None
    position = int(turn.conversation.data["position"])
    figure = await turn.uow.programmes.set_figure_value(
        programme, position, value, as_of=today(turn)
    )
    if figure is None:  # replaced by a content import meanwhile
        await _gone(turn)
        return
    await _record(turn, "programme.figure", programme=programme.id, position=position, value=value)
    await _saved(turn, programme)


async def on_back(turn: Turn) -> None:
    """From a language picker or a prompt back to the menu, keeping the flow."""
    if turn.conversation is None or turn.conversation.flow != FLOW:
        raise InvalidCallback("not in /setstatus")
    programme = await _pressed_programme(turn)
    await turn.uow.conversations.move(turn.conversation, "menu")
    await turn.settle(*_menu(turn, programme))


async def on_done(turn: Turn) -> None:
    programme = await _pressed_programme(turn)
    await turn.uow.conversations.end(turn.user.id)
    await turn.settle(programme_card(turn.t, programme))


async def _record(turn: Turn, action: str, **detail: object) -> None:
    await turn.uow.audit.record(action, actor=turn.partner, telegram_id=turn.user.id, **detail)


async def _saved(turn: Turn, programme: Programme) -> None:
    assert turn.conversation is not None
    await turn.uow.conversations.move(turn.conversation, "menu")
    await turn.reply(turn.t.gettext("Saved."))
    await turn.reply(*_menu(turn, programme))


def _at(step: str) -> tuple[str, str]:
    return (FLOW, step)


ROUTES: tuple[Route, ...] = (
    Command(
        "setstatus", set_status, Level.COORDINATOR, N_("Update a programme's status and figures")
    ),
    Button("ss.prg", on_programme, Level.COORDINATOR, _at("programme")),
    Button("ss.text", on_status_text, Level.COORDINATOR, _at("menu")),
    Button("ss.fig", on_figure, Level.COORDINATOR, _at("menu")),
    Button("ss.done", on_done, Level.COORDINATOR, _at("menu")),
    Button("ss.lang", on_language, Level.COORDINATOR, _at("language")),
    Button("ss.back", on_back, Level.COORDINATOR),
    Step(FLOW, "text", on_text, Level.COORDINATOR),
    Step(FLOW, "figure", on_figure_value, Level.COORDINATOR),
)
