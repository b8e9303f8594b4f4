"""/settings and /language: change one answer of the profile at a time, with the same questions
and validation as onboarding."""

from __future__ import annotations

from bot.access import Level
from bot.callbacks import InvalidCallback
from bot.i18n import N_
from bot.menus import refresh_after_commit
from bot.replies import Keyboard
from bot.routing import Button, Command, Route, Step
from bot.turn import Turn
from handlers.profile import onboarding, steps
from handlers.shared import flow
from handlers.shared.typed_zones import read_timezone, zone_label
from storage.models import Partner

FLOW = "settings"
FIELDS = ("language", "timezone", "name", "organisation", "landscapes")
_LABELS = {
    "language": N_("Language"),
    "timezone": N_("Time zone"),
    "name": N_("Name"),
    "organisation": N_("Organisation"),
    "landscapes": N_("Landscapes"),
}


async def show_settings(turn: Turn) -> None:
    """/settings: the profile at a glance, a button per thing that can change."""
    await turn.settle(*_settings_screen(turn))


def _settings_screen(turn: Turn) -> tuple[str, Keyboard]:
    partner = _partner(turn)
    t = turn.t
    landscapes = ", ".join(landscape.name for landscape in partner.landscapes) or "—"
    values = {
        "language": t.language_name(partner.language or t.language),
        "timezone": zone_label(partner.timezone or "UTC", turn.services.clock()),
        "name": partner.name,
        "organisation": partner.organisation,
        "landscapes": landscapes,
    }
    heading = t.gettext("Your settings")
    lines = [f"<b>{heading}</b>"]
    lines += [
        t.gettext("{label}: {value}", label=t.gettext(_LABELS[key]), value=values[key])
        for key in FIELDS
    ]
    lines.append(
        t.gettext(
            "Kind of partner: {kind}", kind=steps.stakeholder_label(t, partner.stakeholder_type)
        )
    )
    keyboard = [[turn.button(t.gettext(_LABELS[key]), "set.open", key)] for key in FIELDS]
    return "\n".join(lines), keyboard


async def change_language(turn: Turn) -> None:
    """/language: guests pick it as the first step of joining."""
    if turn.partner is None or not turn.partner.registered:
        await onboarding.start(turn)
        return
    await _open(turn, "language")


async def on_open(turn: Turn) -> None:
    field = turn.arg()
    if field not in FIELDS:
        raise InvalidCallback(field)
    await _open(turn, field)


async def _open(turn: Turn, field: str) -> None:
    partner = _partner(turn)
    data = {"landscapes": [landscape.id for landscape in partner.landscapes]}
    await turn.uow.conversations.begin(turn.user.id, FLOW, field, data)
    t = turn.t
    match field:
        case "language":
            keyboard = steps.language_keyboard(turn, "set.lang", t.language)
            await turn.settle(t.gettext("Which language do you prefer?"), keyboard)
        case "timezone":
            zones = [landscape.timezone for landscape in partner.landscapes]
            zones.append(partner.timezone or turn.services.settings.locale.default_timezone)
            await turn.settle(
                steps.timezone_question(turn.t),
                steps.timezone_keyboard(turn, zones, "set.tz"),
            )
        case "name":
            await turn.settle(t.gettext("What is your name?"))
        case "organisation":
            await turn.settle(t.gettext("Which organisation or group do you work with?"))
        case "landscapes":
            await _ask_landscapes(turn, data["landscapes"], 0)


async def _ask_landscapes(turn: Turn, chosen: list[int], page: int) -> None:
    keyboard = flow.landscapes_keyboard(
        turn,
        await turn.uow.places.landscapes(),
        chosen,
        toggle="set.land",
        page_action="set.landpage",
        done="set.landdone",
        page=page,
    )
    await turn.settle(
        turn.t.gettext("Which landscapes do you work in? Choose one or more."), keyboard
    )


async def _saved(turn: Turn, partner: Partner) -> None:
    await turn.uow.conversations.end(turn.user.id)
    await turn.uow.audit.record("partner.settings", actor=partner, telegram_id=turn.user.id)
    turn.t = turn.services.catalogs.translator(partner.language or "en", partner.timezone)
    await turn.settle(turn.t.gettext("Saved."))
    await turn.reply(*_settings_screen(turn))


async def on_language(turn: Turn) -> None:
    code = turn.arg()
    if code not in turn.services.catalogs.languages:
        raise InvalidCallback(code)
    partner = _partner(turn)
    partner.language = code
    refresh_after_commit(turn)
    await _saved(turn, partner)


async def on_timezone_button(turn: Turn) -> None:
    zone = read_timezone(turn.arg())
    if zone is None:
        raise InvalidCallback("zone")
    partner = _partner(turn)
    partner.timezone = zone
    await _saved(turn, partner)


async def on_timezone_text(turn: Turn) -> None:
    zone = read_timezone(turn.text)
    if zone is None:
        await turn.reply(steps.unknown_timezone(turn.t))
        return
    partner = _partner(turn)
    partner.timezone = zone
    await _saved(turn, partner)


async def on_name(turn: Turn) -> None:
    value, hint = steps.read_name(turn.t, turn.text)
    await _save_text(turn, "name", value, hint)


async def on_organisation(turn: Turn) -> None:
    value, hint = steps.read_organisation(turn.t, turn.text)
    await _save_text(turn, "organisation", value, hint)


async def _save_text(turn: Turn, field: str, value: str | None, hint: str | None) -> None:
    if hint:
        await turn.reply(hint)  # the question stays open: the partner types again
        return
    partner = _partner(turn)
    setattr(partner, field, value)
    await _saved(turn, partner)


async def on_landscape_toggle(turn: Turn) -> None:
    chosen, page = await flow.toggle_landscape(turn)
    await _ask_landscapes(turn, chosen, page)


async def on_landscape_page(turn: Turn) -> None:
    await _ask_landscapes(turn, flow.chosen_landscapes(turn), max(0, turn.arg_int(0)))


async def on_landscapes_done(turn: Turn) -> None:
    ids = flow.chosen_landscapes(turn)
    if not ids:
        raise InvalidCallback("no landscape chosen")
    partner = _partner(turn)
    await turn.uow.partners.set_landscapes(partner, await turn.uow.places.landscapes_by_ids(ids))
    await _saved(turn, partner)


def _partner(turn: Turn) -> Partner:
    assert turn.partner is not None  # the routes below need Level.PARTNER
    return turn.partner


def _at(step: str) -> tuple[str, str]:
    return (FLOW, step)


ROUTES: tuple[Route, ...] = (
    Command("settings", show_settings, Level.PARTNER, N_("Your language, time zone and details")),
    Command("language", change_language, Level.GUEST, N_("Change the language")),
    Button("set.open", on_open, Level.PARTNER),
    Button("set.lang", on_language, Level.PARTNER, _at("language")),
    Button("set.tz", on_timezone_button, Level.PARTNER, _at("timezone")),
    Step(FLOW, "timezone", on_timezone_text, Level.PARTNER),
    Step(FLOW, "name", on_name, Level.PARTNER),
    Step(FLOW, "organisation", on_organisation, Level.PARTNER),
    Button("set.land", on_landscape_toggle, Level.PARTNER, _at("landscapes")),
    Button("set.landpage", on_landscape_page, Level.PARTNER, _at("landscapes")),
    Button("set.landdone", on_landscapes_done, Level.PARTNER, _at("landscapes")),
)
