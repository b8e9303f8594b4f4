"""Joining: /start (with an optional invite code), then language, consent, name, organisation,
stakeholder type, landscapes and time zone — one question per screen, buttons where closed.

The answers live in the conversation row until the last step, so a restart continues where the
newcomer was, and nothing personal is stored before they consent.
"""

from __future__ import annotations

from datetime import datetime

from bot.access import Level
from bot.callbacks import InvalidCallback
from bot.i18n import N_
from bot.menus import refresh_after_commit
from bot.routing import Button, Command, Route, Step
from bot.turn import Turn
from handlers.menu import main_menu
from handlers.profile import steps
from handlers.shared import flow
from handlers.shared.typed_zones import read_timezone, zone_label
from storage.models import Conversation, Invite, Partner, Role, StakeholderType

FLOW = "onboarding"
ORDER = ("language", "consent", "name", "organisation", "stakeholder", "landscapes", "timezone")


async def start(turn: Turn) -> None:
    """/start [invite code]: welcome back a partner, or begin (or resume) joining."""
    code = turn.args[0] if turn.args else None
    invite = await turn.uow.invites.usable(code, turn.services.clock()) if code else None
    if code and invite is None:
        await turn.reply(turn.t.gettext("This invite link is no longer valid. You can still join."))
    partner = turn.partner
    if partner is not None and partner.registered:
        if invite is not None:
            await _join_with_invite(turn, partner, invite)
        await turn.reply(
            turn.t.gettext("Welcome back, {name}! What would you like to do?", name=partner.name),
            main_menu(turn),
        )
        return
    conversation = turn.conversation
    if conversation is not None and conversation.flow == FLOW and invite is None:
        await turn.reply(turn.t.gettext("Let's continue where you left off."))
        await ask(turn, conversation)
        return
    data: dict[str, object] = {"language": turn.t.language}
    if invite is not None:
        data["invite"] = invite.code
        data["landscapes"] = [invite.landscape_id]
        if invite.stakeholder_type:
            data["stakeholder"] = invite.stakeholder_type
    conversation = await turn.uow.conversations.begin(turn.user.id, FLOW, "language", data)
    turn.conversation = conversation
    await ask(turn, conversation)


async def ask(turn: Turn, conversation: Conversation) -> None:
    """Ask the question of the step the newcomer is at."""
    t = turn.t
    data = conversation.data
    match conversation.step:
        case "language":
            await turn.settle(
                t.gettext("Welcome! This bot keeps our restoration partnership in touch.")
                + "\n\n"
                + t.gettext("Which language do you prefer?"),
                steps.language_keyboard(turn, "ob.lang", data["language"]),
            )
        case "consent":
            await turn.settle(
                _privacy_notice(turn),
                [
                    [turn.button(t.gettext("I agree"), "ob.consent", "yes")],
                    [turn.button(t.gettext("No, thanks"), "ob.consent", "no")],
                ],
            )
        case "name":
            await turn.settle(t.gettext("What is your name?"))
        case "organisation":
            await turn.reply(t.gettext("Which organisation or group do you work with?"))
        case "stakeholder":
            await turn.reply(
                t.gettext("Which kind of partner are you?"),
                steps.stakeholder_keyboard(turn, "ob.kind"),
            )
        case "landscapes":
            await _ask_landscapes(turn, data, page=0)
        case "timezone":
            await _ask_timezone(turn, data)


def _privacy_notice(turn: Turn) -> str:
    t = turn.t
    return "\n\n".join(
        [
            "<b>" + t.gettext("Your privacy") + "</b>",
            t.gettext(
                "We keep your name, organisation, language, time zone, landscapes and the "
                "answers you send, so the partnership can plan and report its work."
            ),
            t.gettext(
                "Coordinators of your programme can see them. We never sell or publish them. "
                "You can delete your data at any time with /forget."
            ),
            t.gettext("Do you agree?"),
        ]
    )


async def _ask_landscapes(turn: Turn, data: dict[str, object], page: int) -> None:
    landscapes = await turn.uow.places.landscapes()
    chosen = [int(i) for i in data.get("landscapes", [])]  # type: ignore[attr-defined]
    keyboard = flow.landscapes_keyboard(
        turn,
        landscapes,
        chosen,
        toggle="ob.land",
        page_action="ob.landpage",
        done="ob.landdone",
        page=page,
    )
    await turn.settle(
        turn.t.gettext("Which landscapes do you work in? Choose one or more."), keyboard
    )


async def _ask_timezone(turn: Turn, data: dict[str, object]) -> None:
    ids = [int(i) for i in data.get("landscapes", [])]  # type: ignore[attr-defined]
    landscapes = await turn.uow.places.landscapes_by_ids(ids)
    zones = [landscape.timezone for landscape in landscapes] or [
        turn.services.settings.locale.default_timezone
    ]
    await turn.settle(
        steps.timezone_question(turn.t),
        steps.timezone_keyboard(turn, zones, "ob.tz"),
    )


async def _advance(turn: Turn, conversation: Conversation, **changes: object) -> None:
    """Store the answer and move to the next unanswered question, or finish."""
    data = {**conversation.data, **changes}
    index = ORDER.index(conversation.step) + 1
    while index < len(ORDER) and await _already_answered(turn, ORDER[index], data):
        index += 1
    if index == len(ORDER):
        conversation.data = data
        await _finish(turn, conversation)
        return
    await turn.uow.conversations.move(conversation, ORDER[index], **changes)
    if "language" in changes:  # answer the rest in the language just chosen
        turn.t = turn.t.with_language(str(changes["language"]), turn.services.catalogs)
    await ask(turn, conversation)


async def _already_answered(turn: Turn, step: str, data: dict[str, object]) -> bool:
    if step == "stakeholder":
        return "stakeholder" in data
    if step == "landscapes":
        return "invite" in data or not await turn.uow.places.landscapes()
    return False


async def on_language(turn: Turn) -> None:
    code = turn.arg()
    if code not in turn.services.catalogs.languages:
        raise InvalidCallback(code)
    assert turn.conversation is not None
    await _advance(turn, turn.conversation, language=code)


async def on_consent(turn: Turn) -> None:
    assert turn.conversation is not None
    if turn.arg() == "yes":
        await _advance(turn, turn.conversation, consent_at=turn.services.clock().isoformat())
        return
    await turn.uow.conversations.end(turn.user.id)
    await turn.settle(
        turn.t.gettext("No problem: nothing was saved. Send /start if you change your mind.")
    )


async def on_name(turn: Turn) -> None:
    value, hint = steps.read_name(turn.t, turn.text)
    assert turn.conversation is not None
    if hint:
        await turn.reply(hint)
        return
    await _advance(turn, turn.conversation, name=value)


async def on_organisation(turn: Turn) -> None:
    value, hint = steps.read_organisation(turn.t, turn.text)
    assert turn.conversation is not None
    if hint:
        await turn.reply(hint)
        return
    await _advance(turn, turn.conversation, organisation=value)


async def on_stakeholder(turn: Turn) -> None:
    kind = turn.arg()
    if kind not in set(StakeholderType):
        raise InvalidCallback(kind)
    assert turn.conversation is not None
    await _advance(turn, turn.conversation, stakeholder=kind)


async def on_landscape_toggle(turn: Turn) -> None:
    _chosen, page = await flow.toggle_landscape(turn)
    assert turn.conversation is not None
    await _ask_landscapes(turn, turn.conversation.data, page)


async def on_landscape_page(turn: Turn) -> None:
    assert turn.conversation is not None
    await _ask_landscapes(turn, turn.conversation.data, max(0, turn.arg_int(0)))


async def on_landscapes_done(turn: Turn) -> None:
    assert turn.conversation is not None
    if not turn.conversation.data.get("landscapes"):
        raise InvalidCallback("no landscape chosen")
    await _advance(turn, turn.conversation)


async def on_timezone_button(turn: Turn) -> None:
    zone = read_timezone(turn.arg())
    if zone is None:
        raise InvalidCallback("zone")
    assert turn.conversation is not None
    await _advance(turn, turn.conversation, timezone=zone)


async def on_timezone_text(turn: Turn) -> None:
    zone = read_timezone(turn.text)
    assert turn.conversation is not None
    if zone is None:
        await turn.reply(steps.unknown_timezone(turn.t))
        return
    await _advance(turn, turn.conversation, timezone=zone)


async def _finish(turn: Turn, conversation: Conversation) -> None:
    data = conversation.data
    partner = turn.partner or await turn.uow.partners.create(
        turn.user.id, username=turn.user.username, language=str(data["language"])
    )
    partner.language = str(data["language"])
    partner.name = str(data["name"])
    partner.organisation = str(data["organisation"])
    partner.stakeholder_type = StakeholderType(str(data["stakeholder"]))
    partner.timezone = str(data["timezone"])
    partner.consent_at = datetime.fromisoformat(str(data["consent_at"]))
    partner.joined_at = turn.services.clock()
    ids = [int(i) for i in data.get("landscapes", [])]
    await turn.uow.partners.set_landscapes(partner, await turn.uow.places.landscapes_by_ids(ids))
    invite = (
        await turn.uow.invites.usable(str(data["invite"]), turn.services.clock())
        if "invite" in data
        else None
    )
    if invite is not None and await turn.uow.invites.consume(invite):
        partner.role = Role(invite.role) if partner.role == Role.PARTNER else partner.role
    await turn.uow.conversations.end(turn.user.id)
    await turn.uow.audit.record(
        "partner.joined", actor=partner, telegram_id=turn.user.id, invite=data.get("invite")
    )
    turn.partner = partner
    refresh_after_commit(turn)
    turn.t = turn.services.catalogs.translator(partner.language, partner.timezone)
    zone = zone_label(partner.timezone, turn.services.clock())
    await turn.settle(turn.t.gettext("Time zone: {zone}", zone=zone))
    await turn.reply(
        turn.t.gettext("Welcome aboard, {name}! You are registered.", name=partner.name),
        main_menu(turn),
    )


async def _join_with_invite(turn: Turn, partner: Partner, invite: Invite) -> None:
    """A registered partner following an invite joins its landscape (and role, if higher)."""
    if not await turn.uow.invites.consume(invite):
        return
    if invite.landscape not in partner.landscapes:
        await turn.uow.partners.set_landscapes(partner, [*partner.landscapes, invite.landscape])
    if invite.role == Role.COORDINATOR and partner.role == Role.PARTNER:
        partner.role = Role.COORDINATOR
    await turn.uow.audit.record(
        "partner.invited", actor=partner, telegram_id=turn.user.id, invite=invite.code
    )
    await turn.reply(
        turn.t.gettext("You have joined {landscape}.", landscape=invite.landscape.name)
    )


def _at(step: str) -> tuple[str, str]:
    return (FLOW, step)


ROUTES: tuple[Route, ...] = (
    Command("start", start, Level.GUEST, N_("Join, or open the main menu")),
    Button("ob.lang", on_language, Level.GUEST, _at("language")),
    Button("ob.consent", on_consent, Level.GUEST, _at("consent")),
    Step(FLOW, "name", on_name, Level.GUEST),
    Step(FLOW, "organisation", on_organisation, Level.GUEST),
    Button("ob.kind", on_stakeholder, Level.GUEST, _at("stakeholder")),
    Button("ob.land", on_landscape_toggle, Level.GUEST, _at("landscapes")),
    Button("ob.landpage", on_landscape_page, Level.GUEST, _at("landscapes")),
    Button("ob.landdone", on_landscapes_done, Level.GUEST, _at("landscapes")),
    Button("ob.tz", on_timezone_button, Level.GUEST, _at("timezone")),
    Step(FLOW, "timezone", on_timezone_text, Level.GUEST),
)
