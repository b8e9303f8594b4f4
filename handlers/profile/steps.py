"""The questions a profile is made of — language, name, organisation, stakeholder type,
landscapes, time zone — with their keyboards and validation, shared by onboarding and /settings."""

from __future__ import annotations

import unicodedata
import zoneinfo
from collections.abc import Sequence
from datetime import datetime

from telegram import InlineKeyboardButton

from bot.callbacks import InvalidCallback
from bot.i18n import N_, Translator, utc_offset
from bot.replies import Keyboard
from bot.turn import Turn
from storage.models import Landscape, StakeholderType

NAME_MAX = 64
ORGANISATION_MAX = 100
LANDSCAPES_PER_PAGE = 8

STAKEHOLDER_LABELS = {
    StakeholderType.GOVERNMENT: N_("Government"),
    StakeholderType.COMMUNITY: N_("Community group"),
    StakeholderType.FUNDER: N_("Funder"),
    StakeholderType.NGO: N_("NGO or implementing partner"),
    StakeholderType.RESEARCH: N_("Research or technical partner"),
    StakeholderType.PRIVATE: N_("Private sector"),
}


def stakeholder_label(t: Translator, value: str | None) -> str:
    if value is None:
        return "—"
    return t.gettext(STAKEHOLDER_LABELS[StakeholderType(value)])


def language_keyboard(turn: Turn, action: str, current: str) -> Keyboard:
    """Each language in its own name, two to a row; the current one ticked."""
    buttons = [
        turn.button(("✓ " if code == current else "") + turn.t.language_name(code), action, code)
        for code in turn.services.catalogs.languages
    ]
    return _rows(buttons, 2)


def stakeholder_keyboard(turn: Turn, action: str) -> Keyboard:
    return [
        [turn.button(turn.t.gettext(label), action, kind)]
        for kind, label in STAKEHOLDER_LABELS.items()
    ]


def landscapes_keyboard(
    turn: Turn,
    landscapes: Sequence[Landscape],
    chosen: Sequence[int],
    *,
    toggle: str,
    page_action: str,
    done: str,
    page: int = 0,
) -> Keyboard:
    """Toggle buttons (✓ on chosen ones), paged, with a Done button once something is chosen."""
    start = page * LANDSCAPES_PER_PAGE
    shown = landscapes[start : start + LANDSCAPES_PER_PAGE]
    rows: list[list[InlineKeyboardButton]] = [
        [
            turn.button(
                ("✓ " if landscape.id in chosen else "")
                + f"{landscape.name} · {turn.t.country_name(landscape.country)}",
                toggle,
                landscape.id,
                page,
            )
        ]
        for landscape in shown
    ]
    pager = []
    if page > 0:
        pager.append(turn.button("◀", page_action, page - 1))
    if start + LANDSCAPES_PER_PAGE < len(landscapes):
        pager.append(turn.button("▶", page_action, page + 1))
    if pager:
        rows.append(pager)
    if chosen:
        rows.append([turn.button(turn.t.gettext("Done"), done)])
    return rows


def timezone_keyboard(turn: Turn, zones: Sequence[str], action: str) -> Keyboard:
    now = turn.services.clock()
    buttons = [
        turn.button(zone_label(zone, now), action, zone)
        for zone in dict.fromkeys(zones)  # keep order, drop repeats
    ]
    return _rows(buttons, 1)


def timezone_question(t: Translator) -> str:
    return (
        t.gettext("Meeting times will be shown in your time zone. Which one is yours?")
        + "\n"
        + t.gettext("You can also type a city or an offset, for example Asia/Phnom_Penh or UTC+7.")
    )


def unknown_timezone(t: Translator) -> str:
    return t.gettext(
        "I don't know that time zone. "
        "Try a city such as Asia/Phnom_Penh, or an offset such as UTC+7."
    )


async def toggle_landscape(turn: Turn) -> tuple[list[int], int]:
    """Add or remove the pressed landscape in the flow's choice; returns (chosen, page)."""
    conversation = turn.conversation
    assert conversation is not None
    landscape_id, page = turn.arg_int(0), turn.arg_int(1)
    if await turn.uow.places.landscape(landscape_id) is None:
        raise InvalidCallback(str(landscape_id))
    chosen = chosen_landscapes(turn)
    if landscape_id in chosen:
        chosen.remove(landscape_id)
    else:
        chosen.append(landscape_id)
    await turn.uow.conversations.move(conversation, conversation.step, landscapes=chosen)
    return chosen, page


def chosen_landscapes(turn: Turn) -> list[int]:
    conversation = turn.conversation
    assert conversation is not None
    return [int(i) for i in conversation.data.get("landscapes", [])]


def clean_text(text: str) -> str:
    """Collapse white space and drop control characters from typed text."""
    printable = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C" or ch == " ")
    return " ".join(printable.split())


def read_name(t: Translator, text: str) -> tuple[str | None, str | None]:
    """(value, None) when valid, else (None, a localized hint)."""
    return _read_bounded(t, text, NAME_MAX, t.gettext("Please type your name."))


def read_organisation(t: Translator, text: str) -> tuple[str | None, str | None]:
    return _read_bounded(
        t, text, ORGANISATION_MAX, t.gettext("Please type your organisation's name.")
    )


def _read_bounded(
    t: Translator, text: str, limit: int, empty_hint: str
) -> tuple[str | None, str | None]:
    value = clean_text(text)
    if not value or not any(ch.isalnum() for ch in value):
        return None, empty_hint
    if len(value) > limit:
        return None, t.ngettext(
            "That is too long: please keep it to {n} character.",
            "That is too long: please keep it to {n} characters.",
            limit,
        )
    return value, None


def zone_label(zone: str, at: datetime) -> str:
    """ "Asia/Phnom Penh (UTC+7)": the offset at `at`, since daylight saving moves it. A zone
    that is only an offset (UTC, Etc/GMT-7, whose sign is POSIX's) shows the offset alone."""
    offset = utc_offset(zoneinfo.ZoneInfo(zone), at)
    if zone in {"UTC", "GMT"} or zone.startswith("Etc/"):
        return offset
    return f"{zone.replace('_', ' ')} ({offset})"


def _rows(buttons: Sequence[InlineKeyboardButton], width: int) -> Keyboard:
    return [list(buttons[i : i + width]) for i in range(len(buttons))[::width]]
