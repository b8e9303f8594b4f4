"""Admin tools: /grant and /revoke the coordinator role (by @username, Telegram id, or picked
from a list; confirmed with a button and undoable for a few minutes), and /invite links that
pre-fill a newcomer's landscape, kind and role."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.access import Level
from bot.callbacks import InvalidCallback
from bot.i18n import N_
from bot.menus import publish_for
from bot.replies import Keyboard
from bot.routing import Button, Command, Route
from bot.turn import Turn
from handlers.profile import steps
from storage.models import Partner, Role, StakeholderType

PICKER_PAGE = 8
UNDO_MINUTES = 10  # long enough to notice the wrong María; short enough to mean "just now"
INVITE_USES = 100
INVITE_DAYS = 30
FLOW = "invite"


async def grant(turn: Turn) -> None:
    """/grant <@username | id> coordinator — or /grant alone to pick from a list."""
    await _change_role(turn, Role.COORDINATOR)


async def revoke(turn: Turn) -> None:
    """/revoke <@username | id> — or /revoke alone to pick from a list."""
    await _change_role(turn, Role.PARTNER)


async def _change_role(turn: Turn, role: Role) -> None:
    t = turn.t
    if not turn.args:
        await _show_picker(turn, role, 0)
        return
    if role == Role.COORDINATOR and (len(turn.args) != 2 or turn.args[1].lower() != "coordinator"):
        await turn.reply(
            t.gettext(
                "Use: /grant @username coordinator (or a Telegram id). Admins are set in the "
                "configuration, not in chat."
            )
        )
        return
    if role == Role.PARTNER and len(turn.args) != 1:
        await turn.reply(t.gettext("Use: /revoke @username (or a Telegram id)."))
        return
    target = await _find(turn, turn.args[0])
    if target is None:
        await turn.reply(
            t.gettext("I can't find a registered partner called {who}.", who=turn.args[0][:64])
        )
        return
    await _apply(turn, target, role)


async def _find(turn: Turn, who: str) -> Partner | None:
    partners = turn.uow.partners
    if who.lstrip("-").isdigit():
        partner = await partners.by_telegram_id(int(who))
    else:
        partner = await partners.by_username(who)
    return partner if partner is not None and partner.registered else None


async def _apply(turn: Turn, target: Partner, role: Role) -> None:
    """Ask before changing a role: a mistyped id or a mis-tap should change nothing."""
    if not await _changeable(turn, target, role):
        return
    t = turn.t
    question = (
        t.gettext(
            "Make {who} a coordinator? They will be able to review check-ins, send "
            "broadcasts and manage events.",
            who=_describe(turn, target),
        )
        if role == Role.COORDINATOR
        else t.gettext(
            "Take the coordinator role from {who}? They will keep their check-ins and use "
            "the partner tools again.",
            who=_describe(turn, target),
        )
    )
    yes = (
        t.gettext("✅ Yes, make them a coordinator")
        if role == Role.COORDINATOR
        else t.gettext("✅ Yes, take the role away")
    )
    await turn.settle(
        question,
        [
            [turn.button(yes, "adm.yes", target.id, role)],
            [turn.button(t.gettext("Cancel"), "adm.no")],
        ],
    )


async def _changeable(turn: Turn, target: Partner, role: Role) -> bool:
    """False, after saying why, when the change is not allowed or already made."""
    t = turn.t
    name = target.name or "?"
    if target.role == Role.ADMIN:
        await turn.settle(
            t.gettext("{name} is an admin; admins are set in the configuration.", name=name)
        )
        return False
    if target.role == role:
        text = (
            t.gettext("{name} is already a coordinator.", name=name)
            if role == Role.COORDINATOR
            else t.gettext("{name} is not a coordinator.", name=name)
        )
        await turn.settle(text)
        return False
    return True


async def on_confirm(turn: Turn) -> None:
    target, role = await _target(turn)
    if not await _changeable(turn, target, role):
        return
    previous = Role(target.role)
    await _set_role(turn, target, role)
    minute = _minute(turn.services.clock())
    undo = turn.button(turn.t.gettext("↩ Undo"), "adm.undo", target.id, previous, minute)
    await turn.settle(_done_text(turn, target, role), [[undo]])


async def on_cancel(turn: Turn) -> None:
    await turn.settle(turn.t.gettext("Cancelled."))


async def on_undo(turn: Turn) -> None:
    """Put the role back, if it is still the one just set and the undo window is open."""
    target, previous = await _target(turn)
    if _minute(turn.services.clock()) - turn.arg_int(2) > UNDO_MINUTES:
        await turn.settle(
            turn.t.ngettext(
                "It is too late to undo that ({n} minute has passed). Use /grant or /revoke "
                "instead.",
                "It is too late to undo that ({n} minutes have passed). Use /grant or /revoke "
                "instead.",
                UNDO_MINUTES,
            )
        )
        return
    if target.role == previous or target.role == Role.ADMIN:
        raise InvalidCallback("role changed since")
    await _set_role(turn, target, previous)
    await turn.settle(_done_text(turn, target, previous))


async def _target(turn: Turn) -> tuple[Partner, Role]:
    """The partner and role named by a confirm or undo button; signed, but checked again."""
    target = await turn.uow.partners.get(turn.arg_int(0))
    role = turn.arg(1)
    if target is None or not target.registered or role not in {Role.PARTNER, Role.COORDINATOR}:
        raise InvalidCallback("partner or role")
    return target, Role(role)


async def _set_role(turn: Turn, target: Partner, role: Role) -> None:
    previous = target.role
    target.role = role
    await turn.uow.audit.record(
        "role.changed",
        actor=turn.partner,
        telegram_id=turn.user.id,
        partner=target.id,
        before=previous,
        after=role,
    )
    await _tell(turn, target, role)


def _done_text(turn: Turn, target: Partner, role: Role) -> str:
    name = target.name or "?"
    if role == Role.COORDINATOR:
        return turn.t.gettext("{name} is now a coordinator.", name=name)
    return turn.t.gettext("{name} is no longer a coordinator.", name=name)


def _minute(moment: datetime) -> int:
    """Whole minutes since the epoch: a compact timestamp for a signed button."""
    return int(moment.timestamp() // 60)


async def _tell(turn: Turn, target: Partner, role: Role) -> None:
    """Tell the partner in their own language, and, after the commit, update their menu."""
    if target.telegram_id is None:
        return
    services, bot, chat_id = turn.services, turn.bot, target.telegram_id
    theirs = services.catalogs.translator(target.language or services.catalogs.default)
    news = (
        theirs.gettext("You are now a coordinator. Send /help to see your new commands.")
        if role == Role.COORDINATOR
        else theirs.gettext("You are no longer a coordinator.")
    )

    await turn.tell(chat_id, news)
    turn.after_commit(
        lambda: publish_for(bot, services.catalogs, services.commands, chat_id, target)
    )


async def _show_picker(turn: Turn, role: Role, page: int) -> None:
    t = turn.t
    # Granting picks among partners; revoking among coordinators.
    holders = Role.PARTNER if role == Role.COORDINATOR else Role.COORDINATOR
    candidates = await turn.uow.partners.registered(
        role=holders, offset=page * PICKER_PAGE, limit=PICKER_PAGE + 1
    )
    action = "adm.grant" if role == Role.COORDINATOR else "adm.revoke"
    rows: Keyboard = [
        [turn.button(_describe(turn, partner), action, partner.id)]
        for partner in candidates[:PICKER_PAGE]
    ]
    pager = []
    if page > 0:
        pager.append(turn.button("◀", action + "page", page - 1))
    if len(candidates) > PICKER_PAGE:
        pager.append(turn.button("▶", action + "page", page + 1))
    keyboard = [*rows, pager] if pager else rows
    if not rows and not pager:
        await turn.settle(t.gettext("There is nobody to choose yet."))
        return
    prompt = (
        t.gettext("Who should become a coordinator?")
        if role == Role.COORDINATOR
        else t.gettext("Who should stop being a coordinator?")
    )
    await turn.settle(prompt, keyboard)


def _describe(turn: Turn, partner: Partner) -> str:
    handle = f" @{partner.username}" if partner.username else ""
    return f"{partner.name}{handle} · {partner.organisation}"[:60]


async def on_pick(turn: Turn) -> None:
    assert turn.callback is not None
    role = Role.COORDINATOR if turn.callback.action == "adm.grant" else Role.PARTNER
    target = await turn.uow.partners.get(turn.arg_int(0))
    if target is None or not target.registered:
        raise InvalidCallback("partner gone")
    await _apply(turn, target, role)


async def on_picker_page(turn: Turn) -> None:
    assert turn.callback is not None
    role = Role.COORDINATOR if turn.callback.action == "adm.grantpage" else Role.PARTNER
    await _show_picker(turn, role, max(0, turn.arg_int(0)))


async def invite(turn: Turn) -> None:
    """/invite: choose a landscape, a kind of partner and a role; get a link to share."""
    landscapes = await turn.uow.places.landscapes()
    if not landscapes:
        await turn.reply(
            turn.t.gettext("There are no landscapes yet. Import the programme content first.")
        )
        return
    await turn.uow.conversations.begin(turn.user.id, FLOW, "landscape")
    keyboard = [
        [
            turn.button(
                f"{landscape.name} · {turn.t.country_name(landscape.country)}",
                "inv.land",
                landscape.id,
            )
        ]
        for landscape in landscapes
    ]
    await turn.reply(turn.t.gettext("Which landscape is the invite for?"), keyboard)


async def on_invite_landscape(turn: Turn) -> None:
    landscape = await turn.uow.places.landscape(turn.arg_int(0))
    if landscape is None or turn.conversation is None:
        raise InvalidCallback("landscape")
    await turn.uow.conversations.move(turn.conversation, "kind", landscape=landscape.id)
    keyboard = [
        *steps.stakeholder_keyboard(turn, "inv.kind"),
        [turn.button(turn.t.gettext("Any kind (they choose)"), "inv.kind", "any")],
    ]
    await turn.settle(turn.t.gettext("Which kind of partner is it for?"), keyboard)


async def on_invite_kind(turn: Turn) -> None:
    kind = turn.arg()
    if kind != "any" and kind not in set(StakeholderType):
        raise InvalidCallback(kind)
    assert turn.conversation is not None
    await turn.uow.conversations.move(turn.conversation, "role", kind=kind)
    t = turn.t
    await turn.settle(
        t.gettext("Which role will people who join with it have?"),
        [
            [turn.button(t.gettext("Partner"), "inv.role", Role.PARTNER)],
            [turn.button(t.gettext("Coordinator"), "inv.role", Role.COORDINATOR)],
        ],
    )


async def on_invite_role(turn: Turn) -> None:
    role = turn.arg()
    if role not in {Role.PARTNER, Role.COORDINATOR}:
        raise InvalidCallback(role)
    assert turn.conversation is not None
    data = turn.conversation.data
    kind = None if data["kind"] == "any" else StakeholderType(data["kind"])
    expires = turn.services.clock() + timedelta(days=INVITE_DAYS)
    created = await turn.uow.invites.create(
        landscape_id=int(data["landscape"]),
        stakeholder_type=kind,
        role=Role(role),
        uses=INVITE_USES,
        expires_at=expires,
        created_by=turn.partner.id if turn.partner else None,
    )
    await turn.uow.conversations.end(turn.user.id)
    await turn.uow.audit.record(
        "invite.created",
        actor=turn.partner,
        telegram_id=turn.user.id,
        invite=created.code,
        role=role,
    )
    link = f"https://t.me/{turn.bot.username}?start={created.code}"
    t = turn.t
    await turn.settle(
        t.gettext("Here is your invite link:")
        + f"\n{link}\n\n"
        + t.ngettext(
            "It works for {n} person until {date}.",
            "It works for {n} people until {date}.",
            INVITE_USES,
            date=t.date(expires.astimezone(t.zone).date()),
        )
    )


ROUTES: tuple[Route, ...] = (
    Command("grant", grant, Level.ADMIN, N_("Make a partner a coordinator")),
    Command("revoke", revoke, Level.ADMIN, N_("Take the coordinator role away")),
    Command("invite", invite, Level.ADMIN, N_("Create an invite link")),
    Button("adm.grant", on_pick, Level.ADMIN),
    Button("adm.revoke", on_pick, Level.ADMIN),
    Button("adm.grantpage", on_picker_page, Level.ADMIN),
    Button("adm.revokepage", on_picker_page, Level.ADMIN),
    Button("adm.yes", on_confirm, Level.ADMIN),
    Button("adm.no", on_cancel, Level.ADMIN),
    Button("adm.undo", on_undo, Level.ADMIN),
    Button("inv.land", on_invite_landscape, Level.ADMIN, (FLOW, "landscape")),
    Button("inv.kind", on_invite_kind, Level.ADMIN, (FLOW, "kind")),
    Button("inv.role", on_invite_role, Level.ADMIN, (FLOW, "role")),
)
