"""/away until <date>: a partner pauses check-in prompts (and is not counted as missing) through
that day; /away off resumes them. Dates are read as ISO (2026-12-31) or in the short form of
the partner's locale (31/12/2026 in French, 26. 12. 31. in Korean), digits of any script."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, timedelta

import babel.dates

from bot.access import Level
from bot.i18n import N_, Translator
from bot.routing import Command, Route
from bot.turn import Turn
from handlers.shared import flow

MAX_DAYS_AHEAD = 366  # a typo in the year should not silence someone for a decade
OFF = ("off", "back")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_NUMBERS = re.compile(r"\d+")


class Unreadable(ValueError):
    def __init__(self, hint: str) -> None:
        super().__init__(hint)
        self.hint = hint


async def away(turn: Turn) -> None:
    partner = turn.partner
    assert partner is not None  # Level.PARTNER
    t = turn.t
    today = flow.today(turn)
    typed = " ".join(turn.args)
    if not typed:
        await turn.reply(_status(t, partner.away_until, today))
        return
    if typed.casefold() in OFF:
        partner.away_until = None
        await turn.reply(t.gettext("Welcome back! Check-in reminders are on again."))
        return
    try:
        until = read_until(t, typed, today)
    except Unreadable as unreadable:
        await turn.reply(unreadable.hint)
        return
    partner.away_until = until
    await turn.reply(
        t.gettext(
            "Check-in reminders are paused until {date}, and you are not counted as missing. "
            "Send /away off when you are back.",
            date=t.date(until),
        )
    )


def _status(t: Translator, away_until: date | None, today: date) -> str:
    if away_until is not None and away_until >= today:
        return t.gettext(
            "You are away until {date}. Send /away off when you are back.", date=t.date(away_until)
        )
    return t.gettext(
        "Going away? Send /away until {example} to pause check-in reminders until that day.",
        example=t.date(today + timedelta(days=14), "short"),
    )


def read_until(t: Translator, text: str, today: date) -> date:
    """The last day away; words before the date ("until", "jusqu'au") are ignored."""
    digits = "".join(
        str(unicodedata.decimal(ch)) if ch.isdecimal() and not ch.isascii() else ch for ch in text
    )
    words = digits.split()
    while words and not any(ch.isdigit() for ch in words[0]):
        words.pop(0)
    day = _parse(t, " ".join(words))
    if day is None:
        example = today + timedelta(days=14)
        raise Unreadable(
            t.gettext(
                "I couldn't read that date. Send it as {iso} or {local}, "
                "for example /away until {iso}.",
                iso=example.isoformat(),
                local=t.date(example, "short"),
            )
        )
    if day < today:
        raise Unreadable(
            t.gettext(
                "{date} has already passed. Please send a date from today on.", date=t.date(day)
            )
        )
    if day > today + timedelta(days=MAX_DAYS_AHEAD):
        raise Unreadable(
            t.gettext(
                "That is more than a year away. Please send a date before {date}.",
                date=t.date(today + timedelta(days=MAX_DAYS_AHEAD + 1)),
            )
        )
    return day


def _parse(t: Translator, text: str) -> date | None:
    iso = _ISO.match(text)
    if iso:
        year, month, day = (int(n) for n in iso.groups())
        return _date(year, month, day)
    numbers = _NUMBERS.findall(text)
    if len(numbers) != 3:
        return None
    # The order of day, month and year in the locale's short date ("dd/MM/y", "yy. M. d.").
    pattern = str(babel.dates.get_date_format("short", locale=t.locale).pattern).lower()
    order = sorted("ymd", key=pattern.index)
    values = {field: int(number) for field, number in zip(order, numbers, strict=True)}
    year = values["y"] + 2000 if values["y"] < 100 else values["y"]
    return _date(year, values["m"], values["d"])


def _date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


ROUTES: tuple[Route, ...] = (
    Command("away", away, Level.PARTNER, N_("Pause check-in reminders while you are away")),
)
