"""The time steps both calendar flows ask: the start — day buttons (today, tomorrow, the
week's next days by name), a start typed in words or digits, the time of a day chosen without
one — then how long it lasts, by button or as a typed end."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_skeleton

from bot.callbacks import InvalidCallback
from bot.i18n import Translator
from bot.replies import Keyboard
from bot.turn import Turn
from bot.typed import Invalid
from handlers.events import steps
from handlers.events.readers import (
    TYPED_EXAMPLE,
    DayWithoutTime,
    read_end,
    read_start,
    read_start_on,
    time_question,
)
from handlers.shared import flow
from handlers.shared.typed_zones import zone_label

DAY_BUTTONS = 8  # today, tomorrow and six more: a week ahead, by weekday name
TIME_STEP = "starttime"


def start_question(t: Translator, zone: str, now: datetime) -> str:
    return t.gettext(
        "When does it start? Choose a day, or type the day and time, for example “{example}” "
        "(time in {zone}).",
        example=t.gettext(TYPED_EXAMPLE),
        zone=zone_label(zone, now),
    )


def day_keyboard(turn: Turn, zone: str, action: str) -> Keyboard:
    t = turn.t
    today = _today(turn, zone)
    labels = [t.gettext("Today"), t.gettext("Tomorrow")]
    labels += [
        format_skeleton("MMMEd", today + timedelta(days=n), locale=t.locale)
        for n in range(len(labels), DAY_BUTTONS)
    ]
    buttons = [
        turn.button(label, action, (today + timedelta(days=n)).toordinal())
        for n, label in enumerate(labels)
    ]
    return [buttons[i : i + 2] for i in range(0, len(buttons), 2)]


async def on_day(turn: Turn, zone: str) -> None:
    """A day button: ask for the time of that day. A day no longer offered (pressed after
    midnight, or forged) is refused like any stale button."""
    ordinal, today = turn.arg_int(), _today(turn, zone).toordinal()
    if not today <= ordinal < today + DAY_BUTTONS:
        raise InvalidCallback(f"day {ordinal}")
    await _ask_time(turn, date.fromordinal(ordinal), zone)


async def typed_start(turn: Turn, zone: str) -> tuple[datetime, str] | None:
    """The start typed at the start question or, after a day was chosen, its time; None when
    the flow asked again (bad input, or a day whose time is still missing)."""
    conversation = turn.conversation
    assert conversation is not None
    now = turn.services.clock()
    try:
        if conversation.step == TIME_STEP:
            day, zone = date.fromisoformat(conversation.data["day"]), conversation.data["zone"]
            return read_start_on(turn.t, turn.text, day, zone, now)
        return read_start(turn.t, turn.text, zone, now)
    except DayWithoutTime as day_only:
        await _ask_time(turn, day_only.day, day_only.zone)
    except Invalid as invalid:
        await turn.reply(invalid.hint)
    return None


async def on_start(turn: Turn, zone: str, prefix: str) -> None:
    """The start typed (or the time of the chosen day): kept, then the length question with
    `<prefix>.len` buttons."""
    read = await typed_start(turn, zone)
    if read is None:
        return
    start, zone = read
    await flow.move(turn, "length", starts=start.isoformat(), zone=zone)
    await turn.reply(steps.length_question(turn.t), steps.length_keyboard(turn, f"{prefix}.len"))


def pressed_end(turn: Turn) -> datetime:
    """The end a length button gives, from the start the flow keeps."""
    return steps.read_length(turn, flow.moment(turn, "starts"))


async def typed_end(turn: Turn) -> datetime | None:
    """The end typed as a time or a date and time; None when the flow asked again."""
    start, zone = flow.moment(turn, "starts"), flow.data(turn)["zone"]
    return await flow.typed(turn, read_end, start, zone, turn.services.clock())


async def _ask_time(turn: Turn, day: date, zone: str) -> None:
    await flow.move(turn, TIME_STEP, day=day.isoformat(), zone=zone)
    await turn.settle(time_question(turn.t, day))


def _today(turn: Turn, zone: str) -> date:
    return turn.services.clock().astimezone(ZoneInfo(zone)).date()
