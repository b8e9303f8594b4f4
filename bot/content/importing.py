"""Applying a content file: every cross-reference and default-language text is checked against
the file and what is already stored, and only then is anything written (by slug: an entry that
exists is updated in place, one that does not is created; nothing is deleted). A programme's
check-in template is replaced as a whole; answers already given keep their history by key."""

from __future__ import annotations

import asyncio
import functools
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from bot.content.reading import ContentError
from bot.content.schema import (
    DEFAULT,
    Content,
    EventEntry,
    FaqItem,
    LandscapeEntry,
    ProgrammeEntry,
)
from bot.content.templates import template_fields
from bot.reminders import after_change, before
from bot.settings import ReminderSettings
from storage.database import Database
from storage.models import Event, Programme, utcnow
from storage.uow import UnitOfWork

FALLBACK_LANGUAGE = "en"  # for entries that belong to no programme
# Entries written per step of a stepwise import: each step is one short transaction (an event
# also plans its reminders, so fewer of them fit).
EVENTS_PER_STEP = 10
FAQ_PER_STEP = 50
STEP_PAUSE = 0.05  # seconds between steps: SQLite's waiting writers retry every few ms


@dataclass(frozen=True)
class ImportCounts:
    programmes: int
    landscapes: int
    events: int
    faq: int
    checkin_templates: int = 0


class _Check:
    """Collects every problem in the file before anything is written."""

    def __init__(
        self, content: Content, programmes: dict[str, Programme], landscapes: dict[str, str]
    ):
        self.problems: list[str] = []
        self.languages = {slug: p.default_language for slug, p in programmes.items()}
        self.languages |= {entry.slug: entry.default_language for entry in content.programmes}
        self.landscape_programme = landscapes | {e.slug: e.programme for e in content.landscapes}
        for kind, entries in (
            ("programmes", content.programmes),
            ("landscapes", content.landscapes),
            ("events", content.events),
            ("faq", content.faq),
        ):
            for slug, count in Counter(entry.slug for entry in entries).items():
                if count > 1:
                    self.problems.append(f"{kind}: slug {slug!r} appears {count} times")
        for slug, count in Counter(e.programme for e in content.checkin_templates).items():
            if count > 1:
                self.problems.append(
                    f"checkin_templates: programme {slug!r} has {count} templates; keep one"
                )

    def programme(self, where: str, slug: str | None) -> str:
        """The default language of the programme named (or of partnership-wide content)."""
        if slug is None:
            return FALLBACK_LANGUAGE
        if slug not in self.languages:
            self.problems.append(f"{where}.programme: no programme with slug {slug!r}")
            return FALLBACK_LANGUAGE
        return self.languages[slug]

    def texts(
        self, where: str, default: str, **fields: dict[str, str]
    ) -> dict[str, dict[str, str]]:
        resolved = {}
        for name, value in fields.items():
            texts = {
                default if language == DEFAULT else language: text
                for language, text in value.items()
            }
            if texts and default not in texts:
                self.problems.append(
                    f"{where}.{name}: needs a text in {default!r}, the default language"
                )
            resolved[name] = texts
        return resolved


@dataclass(frozen=True)
class ImportPlan:
    """A file checked against what is stored, ready to write."""

    counts: ImportCounts
    programmes: list[tuple[str, dict[str, Any]]]
    landscapes: list[LandscapeEntry]
    events: list[tuple[str, str | None, list[str], dict[str, Any]]]
    faq: list[tuple[str, str | None, dict[str, Any]]]
    templates: list[tuple[str, dict[str, Any]]]

    def steps(self) -> list[Step]:
        """The writes in order, in steps short enough that no step holds the database for
        long: programmes and landscapes first (the rest refers to them), then events a few at
        a time (each plans its reminders), FAQ entries, templates."""
        steps: list[Step] = [functools.partial(_places, self)]
        for start in range(0, len(self.events), EVENTS_PER_STEP):
            part = self.events[start : start + EVENTS_PER_STEP]
            steps.append(functools.partial(_events, part))
        for start in range(0, len(self.faq), FAQ_PER_STEP):
            steps.append(functools.partial(_faq_entries, self.faq[start : start + FAQ_PER_STEP]))
        if self.templates:
            steps.append(functools.partial(_templates, self.templates))
        return steps


Step = Callable[[UnitOfWork, "ReminderSettings | None"], Awaitable[None]]


async def check_content(uow: UnitOfWork, content: Content) -> ImportPlan:
    """Check every cross-reference and default-language text; raises ContentError with all
    the problems found, before anything is written."""
    programmes = {p.slug: p for p in await uow.programmes.all()}
    stored_landscapes = {place.slug: place for place in await uow.places.landscapes()}
    owners = {slug: place.programme.slug for slug, place in stored_landscapes.items()}
    check = _Check(content, programmes, owners)
    programme_rows = [_programme(check, i, e) for i, e in enumerate(content.programmes)]
    for i, entry in enumerate(content.landscapes):
        check.programme(f"landscapes[{i}] ({entry.slug})", entry.programme)
    event_rows = [_event(check, i, e) for i, e in enumerate(content.events)]
    faq_rows = [_faq(check, i, e) for i, e in enumerate(content.faq)]
    template_rows = [template_fields(check, i, e) for i, e in enumerate(content.checkin_templates)]
    if check.problems:
        raise ContentError(check.problems)
    counts = ImportCounts(
        len(content.programmes),
        len(content.landscapes),
        len(content.events),
        len(content.faq),
        len(content.checkin_templates),
    )
    return ImportPlan(
        counts, programme_rows, list(content.landscapes), event_rows, faq_rows, template_rows
    )


async def apply_content(
    uow: UnitOfWork, content: Content, *, reminders: ReminderSettings | None = None
) -> ImportCounts:
    """Check a file and apply it in this one unit of work; with `reminders`, events'
    reminders follow what changed. For small files (tests, the sandbox's demo content)."""
    plan = await check_content(uow, content)
    for step in plan.steps():
        await step(uow, reminders)
    return plan.counts


async def import_in_steps(
    db: Database,
    plan: ImportPlan,
    reminders: ReminderSettings | None,
    *,
    pause: float = STEP_PAUSE,
) -> ImportCounts:
    """Apply a checked plan one step per unit of work, pausing between steps so partners'
    updates get the database in between. Every write is keyed by slug: a run cut short
    (a crash, a lost database) is completed by importing the same file again."""
    for step in plan.steps():
        async with db.unit_of_work() as uow:
            await step(uow, reminders)
        await asyncio.sleep(pause)
    return plan.counts


async def _places(plan: ImportPlan, uow: UnitOfWork, _reminders: ReminderSettings | None) -> None:
    programmes = {p.slug: p for p in await uow.programmes.all()}
    for slug, fields in plan.programmes:
        programmes[slug] = await uow.programmes.upsert(slug, **fields)
    for entry in plan.landscapes:
        await uow.places.upsert_landscape(
            entry.slug,
            programme=programmes[entry.programme],
            name=entry.name,
            country=entry.country,
            timezone=entry.timezone,
        )


async def _events(
    rows: list[tuple[str, str | None, list[str], dict[str, Any]]],
    uow: UnitOfWork,
    reminders: ReminderSettings | None,
) -> None:
    programmes = {p.slug: p for p in await uow.programmes.all()}
    landscapes = {place.slug: place for place in await uow.places.landscapes()}
    for slug, programme, places, row in rows:
        fields = dict(row)
        cancelled = fields.pop("cancelled")
        event = await uow.events.by_slug(slug)
        previous = before(event)
        if event is None:
            event = await uow.events.add(Event(slug=slug, **fields), [])
        elif (event.starts_at, event.ends_at) != (fields["starts_at"], fields["ends_at"]):
            event.sequence += 1
        for key, value in fields.items():
            setattr(event, key, value)
        event.programme_id = programmes[programme].id if programme else None
        if not cancelled:
            event.cancelled_at = None
        elif event.cancelled_at is None:
            event.cancelled_at = utcnow()
        await uow.events.set_landscapes(event, [landscapes[s] for s in places])
        if reminders is not None:  # plan, re-plan or withdraw the event's reminders
            await after_change(uow, event, previous, reminders, utcnow())


async def _faq_entries(
    rows: list[tuple[str, str | None, dict[str, Any]]],
    uow: UnitOfWork,
    _reminders: ReminderSettings | None,
) -> None:
    programmes = {p.slug: p for p in await uow.programmes.all()}
    for slug, programme, fields in rows:
        programme_id = programmes[programme].id if programme else None
        await uow.faq.upsert(slug, programme_id=programme_id, **fields)


async def _templates(
    rows: list[tuple[str, dict[str, Any]]], uow: UnitOfWork, _reminders: ReminderSettings | None
) -> None:
    programmes = {p.slug: p for p in await uow.programmes.all()}
    for slug, fields in rows:
        await uow.checkins.replace_template(programmes[slug].id, **fields)


def _programme(check: _Check, index: int, entry: ProgrammeEntry) -> tuple[str, dict[str, Any]]:
    where = f"programmes[{index}] ({entry.slug})"
    default = entry.default_language
    fields: dict[str, Any] = check.texts(
        where,
        default,
        name=entry.name,
        summary=entry.summary,
        phase=entry.phase,
        funder=entry.funder,
        status=entry.status,
    )
    fields["aliases"] = {
        default if language == DEFAULT else language: list(dict.fromkeys(names))
        for language, names in entry.aliases.items()
        if names
    }
    if entry.starts and entry.ends and entry.ends < entry.starts:
        check.problems.append(f"{where}.ends: is before starts")
    figures = []
    for n, figure in enumerate(entry.figures):
        texts = check.texts(f"{where}.figures[{n}]", default, label=figure.label, unit=figure.unit)
        figures.append({**texts, "value": figure.value, "as_of": figure.as_of})
    fields |= {
        "default_language": default,
        "starts_on": entry.starts,
        "ends_on": entry.ends,
        "countries": list(entry.countries),
        "status_as_of": entry.status_as_of,
        "figures": figures,
    }
    return entry.slug, fields


def _event(
    check: _Check, index: int, entry: EventEntry
) -> tuple[str, str | None, list[str], dict[str, Any]]:
    where = f"events[{index}] ({entry.slug})"
    default = check.programme(where, entry.programme)
    fields: dict[str, Any] = check.texts(
        where, default, title=entry.title, description=entry.description, place=entry.place
    )
    for slug in entry.landscapes:
        owner = check.landscape_programme.get(slug)
        if owner is None:
            check.problems.append(f"{where}.landscapes: no landscape with slug {slug!r}")
        elif owner != entry.programme:
            check.problems.append(
                f"{where}.landscapes: {slug!r} is not a landscape of programme {entry.programme!r}"
            )
    fields |= {
        "starts_at": entry.starts,
        "ends_at": entry.ends,
        "timezone": entry.timezone,
        "online_url": str(entry.online_url) if entry.online_url else None,
        "audience": [str(kind) for kind in entry.audience],
        "cancelled": entry.cancelled,
    }
    return entry.slug, entry.programme, list(entry.landscapes), fields


def _faq(check: _Check, index: int, entry: FaqItem) -> tuple[str, str | None, dict[str, Any]]:
    where = f"faq[{index}] ({entry.slug})"
    default = check.programme(where, entry.programme)
    fields: dict[str, Any] = check.texts(
        where, default, question=entry.question, answer=entry.answer
    )
    fields["triggers"] = {language: list(phrases) for language, phrases in entry.triggers.items()}
    return entry.slug, entry.programme, fields
