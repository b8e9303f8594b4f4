"""Writing stored content back out in the content file's format, so it can be edited and
imported again (the result of importing an export is what was stored)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import tomli_w

from bot.content.templates import template_entry
from bot.settings import SHIPPED_LANGUAGES
from storage.models import Event, FaqEntry, Landscape, Programme
from storage.uow import UnitOfWork

_T = TypeVar("_T")
HEADER = (
    "# Programme content exported by `landscape-bot export-content`.\n"
    "# Edit and load it again with `landscape-bot import FILE.toml`.\n\n"
)


async def export_content(uow: UnitOfWork) -> str:
    programmes = await uow.programmes.all()
    slugs = {programme.id: programme.slug for programme in programmes}
    document: dict[str, Any] = {
        "programmes": [_programme(p) for p in programmes],
        "landscapes": [_landscape(p, landscape) for p in programmes for landscape in p.landscapes],
        "events": [_event(event, slugs) for event in await uow.events.all()],
        "faq": [_faq(entry, slugs) for entry in await uow.faq.all()],
        "checkin_templates": [
            template_entry(template, slugs[template.programme_id], _compact, _texts, _number)
            for template in sorted(
                await uow.checkins.templates(), key=lambda t: slugs[t.programme_id]
            )
        ],
    }
    return HEADER + tomli_w.dumps({k: v for k, v in document.items() if v}, multiline_strings=True)


def _texts(value: dict[str, _T]) -> dict[str, _T]:
    """Shipped languages in their usual order, then any others."""
    order = {language: n for n, language in enumerate(SHIPPED_LANGUAGES)}
    return dict(sorted(value.items(), key=lambda item: (order.get(item[0], 99), item[0])))


def _compact(entry: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in entry.items() if value not in (None, {}, [])}


def _number(value: float) -> float | int:
    return int(value) if value.is_integer() else value


def _programme(programme: Programme) -> dict[str, Any]:
    return _compact(
        {
            "slug": programme.slug,
            "default_language": programme.default_language,
            "name": _texts(programme.name),
            "aliases": _texts(programme.aliases),
            "summary": _texts(programme.summary),
            "phase": _texts(programme.phase),
            "funder": _texts(programme.funder),
            "starts": programme.starts_on,
            "ends": programme.ends_on,
            "countries": programme.countries,
            "status": _texts(programme.status),
            "status_as_of": programme.status_as_of,
            "figures": [
                _compact(
                    {
                        "label": _texts(figure.label),
                        "value": _number(figure.value),
                        "unit": _texts(figure.unit),
                        "as_of": figure.as_of,
                    }
                )
                for figure in programme.figures
            ],
        }
    )


def _landscape(programme: Programme, landscape: Landscape) -> dict[str, Any]:
    return {
        "slug": landscape.slug,
        "programme": programme.slug,
        "name": landscape.name,
        "country": landscape.country,
        "timezone": landscape.timezone,
    }


def _local(moment: datetime, zone: str) -> datetime:
    """The wall-clock time in the event's zone; with its offset when that time is ambiguous
    (the hour repeated when clocks go back), so the import finds the same instant."""
    local = moment.astimezone(ZoneInfo(zone))
    if local.replace(fold=1 - local.fold).utcoffset() != local.utcoffset():
        return local
    return local.replace(tzinfo=None)


def _event(event: Event, programmes: dict[int, str]) -> dict[str, Any]:
    return _compact(
        {
            "slug": event.slug or f"event-{event.id}",
            "programme": programmes.get(event.programme_id) if event.programme_id else None,
            "landscapes": [landscape.slug for landscape in event.landscapes],
            "audience": list(event.audience),
            "title": _texts(event.title),
            "description": _texts(event.description),
            "starts": _local(event.starts_at, event.timezone),
            "ends": _local(event.ends_at, event.timezone),
            "timezone": event.timezone,
            "online_url": event.online_url,
            "place": _texts(event.place),
            "cancelled": event.cancelled_at is not None or None,
        }
    )


def _faq(entry: FaqEntry, programmes: dict[int, str]) -> dict[str, Any]:
    return _compact(
        {
            "slug": entry.slug or f"faq-{entry.id}",
            "programme": programmes.get(entry.programme_id) if entry.programme_id else None,
            "question": _texts(entry.question),
            "answer": _texts(entry.answer),
            "triggers": _texts(entry.triggers),
        }
    )
