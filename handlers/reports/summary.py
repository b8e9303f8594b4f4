"""/summary [programme|landscape] [period]: check-in figures for coordinators (their
programmes), admins (all) and funders (their programmes, anonymised), for a period named in the
reader's own words, with buttons to step to the period before or after."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from telegram import InlineKeyboardButton

from bot.access import Level, SummaryView, summary_programmes, summary_view
from bot.callbacks import InvalidCallback
from bot.checkins.cadence import period_containing
from bot.checkins.ranges import (
    DateRange,
    month_containing,
    parse_period,
    period_examples,
    period_label,
)
from bot.i18n import N_, escape
from bot.replies import Keyboard
from bot.routing import Button, Command, Route
from bot.turn import Turn
from handlers.reports.summary_cards import (
    BARRIERS,
    DETAILS,
    HEADLINE,
    MISSING,
    PROGRAMME,
    SCREENS,
    several,
    shown_programmes,
    summary_screen,
)
from handlers.reports.summary_lists import barriers_heading, missing_heading
from handlers.shared.cards import programme_name
from handlers.shared.flow import today
from handlers.shared.localized_input import clip
from storage.checkin_stats import Scope, Summary
from storage.models import Landscape, Programme

ACTION = "sum"
ONE, LANDSCAPE, ALL = "p", "l", "a"  # what a button's scope names
LISTED = 20  # names and barriers listed, a few to a screen; the rest are counted


async def summary(turn: Turn) -> None:
    """/summary [programme|landscape] [period]"""
    t, args = turn.t, list(turn.args)
    target = await _named_target(turn, args[0]) if args else None
    if target is not None:
        args = args[1:]
    period: DateRange | None = None
    if args:
        period = parse_period(" ".join(args), t.language, today(turn))
        if period is None:
            await turn.reply(_unknown(turn, " ".join(turn.args)))
            return
    if target is not None:
        if not _may_see(turn, target[2]):
            name = turn.args[0][:64]
            await turn.reply(t.gettext("You cannot see the summary of “{name}”.", name=name))
            return
        await _show(turn, target[0], target[1], period)
        return
    allowed = summary_programmes(turn.partner)
    if allowed is None:
        await _show(turn, ALL, 0, period)
        return
    mine = [p for p in await turn.uow.programmes.all() if p.id in allowed]
    if not mine:
        await turn.reply(t.gettext("There is no programme whose summary you can see."))
    elif len(mine) == 1:
        await _show(turn, ONE, mine[0].id, period)
    else:
        start, end = (period.start.toordinal(), period.end.toordinal()) if period else (0, 0)
        keyboard = [
            [turn.button(programme_name(t, p), ACTION, ONE, p.id, start, end, HEADLINE, 0, 0)]
            for p in mine
        ]
        keyboard.append(
            [turn.button(t.gettext("All of them"), ACTION, ALL, 0, start, end, HEADLINE, 0, 0)]
        )
        await turn.settle(t.gettext("The summary of which programme?"), keyboard)


async def on_summary(turn: Turn) -> None:
    """A programme chosen, a step to another period or a "More" screen: access is checked
    again."""
    kind, target_id = turn.arg(0), turn.arg_int(1)
    start, end = turn.arg_int(2), turn.arg_int(3)
    screen = (turn.arg(4), turn.arg_int(5), max(0, turn.arg_int(6)))
    period = None
    if start or end:
        try:
            period = DateRange(date.fromordinal(start), date.fromordinal(end))
        except (ValueError, OverflowError):
            raise InvalidCallback("period") from None
    if kind not in (ONE, LANDSCAPE, ALL) or screen[0] not in SCREENS:
        raise InvalidCallback(kind)
    await _show(turn, kind, target_id, period, screen)


async def _named_target(turn: Turn, word: str) -> tuple[str, int, int] | None:
    """(kind, id, programme id) of a programme or landscape slug, if `word` is one."""
    slug = word.casefold()
    programme = await turn.uow.programmes.by_slug(slug)
    if programme is not None:
        return ONE, programme.id, programme.id
    landscape = await turn.uow.places.landscape_by_slug(slug)
    if landscape is not None:
        return LANDSCAPE, landscape.id, landscape.programme_id
    return None


def _may_see(turn: Turn, programme_id: int | None) -> bool:
    allowed = summary_programmes(turn.partner)
    return allowed is None or (programme_id is not None and programme_id in allowed)


async def _show(
    turn: Turn,
    kind: str,
    target_id: int,
    period: DateRange | None,
    screen: Screen = (HEADLINE, 0, 0),
) -> None:
    t = turn.t
    resolved = await _scope(turn, kind, target_id)
    if resolved is None:
        raise InvalidCallback("summary scope")
    scope, title, landscape = resolved
    programmes = {p.id: p for p in await turn.uow.programmes.all()}
    stats = turn.uow.checkin_stats
    ids = set(programmes) if scope.programme_ids is None else set(scope.programme_ids)
    templates = await stats.templates(ids)
    if period is None:
        only = templates.get(next(iter(ids))) if len(ids) == 1 else None
        day = today(turn)
        found = period_containing(only, day) if only else None
        period = DateRange(found.start, found.end) if found else month_containing(day)
    before = period.shifted(-1)
    named = summary_view(turn.partner) == SummaryView.FULL
    if (screen[0] in (MISSING, BARRIERS) and not named) or (
        screen[0] in (PROGRAMME, DETAILS) and screen[1] not in ids
    ):
        raise InvalidCallback(f"summary screen {screen}")
    result = await stats.summary(
        scope,
        period.start,
        period.end,
        previous=(before.start, before.end),
        named=named,
        limit=LISTED,
    )
    if landscape is not None:
        title = f"{title} · {landscape.name}"
    text, pages = summary_screen(
        t, result, screen, title=title, programmes=programmes, templates=templates, named=named
    )
    here = (kind, target_id, period)
    keyboard = _buttons(turn, here, screen, pages, result, programmes)
    await turn.settle(text, [*keyboard, *_steps(turn, here, screen)])


async def _scope(
    turn: Turn, kind: str, target_id: int
) -> tuple[Scope, str, Landscape | None] | None:
    """The scope a button or command names, if the reader may see it."""
    t = turn.t
    if kind == ALL:
        allowed = summary_programmes(turn.partner)
        if allowed is not None and not allowed:
            return None
        title = t.gettext("All programmes") if allowed is None else t.gettext("Your programmes")
        return Scope(None if allowed is None else frozenset(allowed)), title, None
    landscape: Landscape | None = None
    if kind == LANDSCAPE:
        landscape = await turn.uow.places.landscape(target_id)
        programme_id = landscape.programme_id if landscape else None
    else:
        programme_id = target_id
    programme: Programme | None = (
        await turn.uow.programmes.get(programme_id) if programme_id is not None else None
    )
    if programme is None or not _may_see(turn, programme.id):
        return None
    scope = Scope(frozenset({programme.id}), landscape.id if landscape else None)
    return scope, programme_name(t, programme), landscape


Here = tuple[str, int, DateRange]  # the scope a summary's buttons name, and its period
Screen = tuple[str, int, int]  # which screen of it (summary_cards), of which programme, which page


def _button(turn: Turn, label: str, here: Here, screen: Screen) -> InlineKeyboardButton:
    kind, target_id, period = here
    start, end = period.start.toordinal(), period.end.toordinal()
    return turn.button(label, ACTION, kind, target_id, start, end, *screen)


def _buttons(
    turn: Turn,
    here: Here,
    screen: Screen,
    pages: int,
    summary: Summary,
    programmes: Mapping[int, Programme],
) -> list[list[InlineKeyboardButton]]:
    """ "More" buttons under the headline (who has not reported, the barriers, each programme
    or the figures in detail), and the way back from each of those screens."""
    t, rows = turn.t, []
    kind, section, page = screen
    detail = t.gettext("Figures in detail")
    if kind == HEADLINE:
        if summary.missing_count and summary.missing:
            rows.append([_button(turn, missing_heading(t, summary), here, (MISSING, 0, 0))])
        if summary.barrier_count and summary.barriers:
            rows.append([_button(turn, barriers_heading(t, summary), here, (BARRIERS, 0, 0))])
        shown = shown_programmes(summary)
        for programme_id in shown if several(summary) else []:
            name = clip(programme_name(t, programmes[programme_id]))
            rows.append([_button(turn, name, here, (PROGRAMME, programme_id, 0))])
        if shown and not several(summary):
            rows.append([_button(turn, detail, here, (DETAILS, shown[0], 0))])
        return rows
    if kind == PROGRAMME:
        rows.append([_button(turn, detail, here, (DETAILS, section, 0))])
    if pages > 1:
        pager = [_button(turn, "◀", here, (kind, section, page - 1))] if page > 0 else []
        if page + 1 < pages:
            pager.append(_button(turn, "▶", here, (kind, section, page + 1)))
        rows.append(pager)
    up = (PROGRAMME, section, 0) if kind == DETAILS and several(summary) else (HEADLINE, 0, 0)
    return [*rows, [_button(turn, t.gettext("« Back"), here, up)]]


def _steps(turn: Turn, here: Here, screen: Screen) -> Keyboard:
    """Buttons to the same screen of the period before and, if it has begun, the one after."""
    kind, target_id, period = here
    t, row = turn.t, []
    for step in (-1, 1):
        other = period.shifted(step)
        if other.start > today(turn):
            continue
        label = period_label(t, other)
        label = f"« {label}" if step < 0 else f"{label} »"
        row.append(_button(turn, label, (kind, target_id, other), (screen[0], screen[1], 0)))
    return [row] if row else []


def _unknown(turn: Turn, typed: str) -> str:
    t = turn.t
    examples = "\n".join(f"• {escape(e)}" for e in period_examples(t, today(turn)))
    intro = t.gettext(
        "I don't know a programme, landscape or period called “{text}”.", text=typed[:64]
    )
    return intro + "\n" + t.gettext("Periods look like this:") + "\n" + examples


ROUTES: tuple[Route, ...] = (
    Command("summary", summary, Level.FUNDER, N_("Check-in figures for a programme and period")),
    Button(ACTION, on_summary, Level.FUNDER),
)
