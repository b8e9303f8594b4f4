"""What a report covers, read from a command's words: a programme or landscape (by slug) the
requester may see — or, named nothing, everything they may see — and a period in their
language ("last quarter", "mars 2026"). Problems are answered here, in the requester's language.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import timedelta

from bot.callbacks import InvalidCallback
from bot.checkins.ranges import DateRange, parse_period, period_examples, period_label
from bot.i18n import Translator
from bot.localized import plain
from bot.turn import Turn
from handlers.shared.flow import today
from storage.checkin_export import Selection
from storage.models import Landscape, Programme

Place = Programme | Landscape


@dataclass(frozen=True)
class Report:
    selection: Selection
    name: str  # for file names: a slug, or "all"
    code: str  # for buttons: "p<programme id>", "l<landscape id>" or "all"
    title: str  # for people, in their language
    period: DateRange | None

    @property
    def file_stem(self) -> str:
        if self.period is None:
            return self.name
        last = self.period.end - timedelta(days=1)
        return f"{self.name}-{self.period.start.isoformat()}-{last.isoformat()}"

    def period_text(self, t: Translator) -> str:
        if self.period is None:
            return t.gettext("all periods")
        return period_label(t, self.period)


async def split_place(turn: Turn, words: Sequence[str]) -> tuple[Place | None, list[str]]:
    """The first word that is a programme's or landscape's slug, and the other words."""
    places: dict[str, Place] = {p.slug: p for p in await turn.uow.programmes.all()}
    places.update({landscape.slug: landscape for landscape in await turn.uow.places.landscapes()})
    for index, word in enumerate(words):
        place = places.get(word.casefold())
        if place is not None:
            return place, [*words[:index], *words[index + 1 :]]
    return None, list(words)


async def place_by_code(turn: Turn, code: str) -> Place | None:
    """The place a button names ("p3", "l12"); None for "all"; a forged one raises."""
    kind, number = code[:1], code[1:]
    place: Place | None = None
    if kind == "p" and number.isdigit():
        place = await turn.uow.programmes.get(int(number))
    elif kind == "l" and number.isdigit():
        place = await turn.uow.places.landscape(int(number))
    elif code == "all":
        return None
    if place is None:
        raise InvalidCallback(f"place {code}")
    return place


async def read_report(
    turn: Turn,
    place: Place | None,
    period_words: Sequence[str],
    allowed: Collection[int] | None,
    default_period: DateRange | None = None,
) -> Report | None:
    """The report on `place` (None: everything `allowed`, None meaning every programme) for the
    period the words name, or None once the requester has been told what is wrong (a place
    they may not see, a period that cannot be read)."""
    t = turn.t
    period = default_period
    if period_words:
        period = parse_period(" ".join(period_words), t.language, today(turn))
        if period is None:
            await _unreadable(turn, " ".join(period_words), allowed)
            return None
    if isinstance(place, Landscape):
        if allowed is not None and place.programme_id not in allowed:
            await _not_yours(turn)
            return None
        selection = _selection(frozenset({place.programme_id}), place.id, period)
        return Report(selection, place.slug, f"l{place.id}", place.name, period)
    if isinstance(place, Programme):
        if allowed is not None and place.id not in allowed:
            await _not_yours(turn)
            return None
        name = plain(t, place.name, place.default_language)
        selection = _selection(frozenset({place.id}), None, period)
        return Report(selection, place.slug, f"p{place.id}", name, period)
    visible = [p for p in await turn.uow.programmes.all() if allowed is None or p.id in allowed]
    selection = _selection(
        None if allowed is None else frozenset(p.id for p in visible), None, period
    )
    if len(visible) == 1:
        name = plain(t, visible[0].name, visible[0].default_language)
        return Report(selection, visible[0].slug, "all", name, period)
    return Report(selection, "all", "all", t.gettext("all your programmes"), period)


def _selection(
    programme_ids: frozenset[int] | None, landscape_id: int | None, period: DateRange | None
) -> Selection:
    if period is None:
        return Selection(programme_ids, landscape_id)
    return Selection(programme_ids, landscape_id, period.start, period.end)


async def _not_yours(turn: Turn) -> None:
    await turn.reply(turn.t.gettext("Sorry, you can only see check-ins of your own programmes."))


async def _unreadable(turn: Turn, text: str, allowed: Collection[int] | None) -> None:
    t = turn.t
    programmes = await turn.uow.programmes.all()
    slugs = [p.slug for p in programmes if allowed is None or p.id in allowed]
    examples = ", ".join(f"“{example}”" for example in period_examples(t, today(turn)))
    await turn.reply(
        t.gettext(
            "I could not read “{text}” as a programme, a landscape or a period. "
            "Name a programme ({programmes}) or a landscape by its short name, and a period, "
            "for example {examples}.",
            text=text,
            programmes=", ".join(slugs) or "—",
            examples=examples,
        )
    )
