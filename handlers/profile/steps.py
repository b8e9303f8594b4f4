"""The questions a profile is made of — language, name, organisation, stakeholder type,
landscapes, time zone — with their keyboards and validation, shared by onboarding and /settings."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton

from bot.i18n import N_, Translator
from bot.replies import Keyboard
from bot.turn import Turn
from handlers.shared.flow import clean_text
from handlers.shared.typed_zones import zone_label
from storage.models import StakeholderType

NAME_MAX = 64
ORGANISATION_MAX = 100

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


def _rows(buttons: Sequence[InlineKeyboardButton], width: int) -> Keyboard:
    return [list(buttons[i : i + width]) for i in range(len(buttons))[::width]]
