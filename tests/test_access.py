"""Every restricted command and button is refused for a partner, by the one check in the
pipeline — whatever the handler does, it never runs."""

from __future__ import annotations

import handlers
from bot.access import Level, SummaryView, level_of, summary_programmes, summary_view
from bot.routing import Button, Command
from storage.models import Landscape, Partner, PartnerStatus, Role, StakeholderType, utcnow
from tests.support.bot import BotHarness
from tests.test_onboarding import register

RESTRICTED_COMMANDS = [
    (r.name, r.level)
    for r in handlers.routes()
    if isinstance(r, Command) and r.level > Level.PARTNER
]
RESTRICTED_BUTTONS = [
    (r.action, r.level)
    for r in handlers.routes()
    if isinstance(r, Button) and r.level > Level.PARTNER
]
REFUSALS = {
    Level.FUNDER: "Sorry, only coordinators, admins and funders can see summaries.",
    Level.COORDINATOR: "Sorry, only coordinators and admins can do that.",
    Level.ADMIN: "Sorry, only admins can do that.",
}


def test_there_are_restricted_routes_to_check() -> None:
    commands = {name for name, _ in RESTRICTED_COMMANDS}
    assert {"grant", "revoke", "invite", "newevent", "setstatus", "faq", "unanswered"} <= commands
    assert {"summary", "review"} <= commands
    assert {level for _, level in RESTRICTED_BUTTONS} == {
        Level.FUNDER,
        Level.COORDINATOR,
        Level.ADMIN,
    }


async def test_partner_is_refused_every_restricted_route(bot: BotHarness) -> None:
    partner = bot.user(7001, "Pat", language_code="ko")
    await register(bot, partner, language="ko", name="Pat Kim")
    ko = bot.catalogs.translator("ko")
    for name, level in RESTRICTED_COMMANDS:
        await partner.send(f"/{name} 7001 coordinator")
        await partner.expect(ko.gettext(REFUSALS[level]))
    message_id = partner.last.message_id
    codec = bot.services.codec if bot.services else None
    assert codec is not None
    for action, level in RESTRICTED_BUTTONS:
        # Correctly signed data, as if copied from an admin's keyboard.
        await partner.press_data(message_id, codec.encode(action, 7001))
        await partner.expect_answer(ko.gettext(REFUSALS[level]))
    async with bot.db.unit_of_work() as uow:
        me = await uow.partners.by_telegram_id(7001)
        refused = await uow.audit.recent("access.refused", limit=100)
        changed = await uow.audit.recent("role.changed")
    assert me is not None
    assert me.role == "partner"
    # Every route refused it (the answers above); the audit notes the user once a minute.
    assert [e.actor_telegram_id for e in refused] == [7001]
    assert not changed


def _partner(role: Role, kind: StakeholderType | None, **fields: object) -> Partner:
    values: dict[str, object] = {"joined_at": utcnow(), **fields}
    return Partner(
        role=role,
        stakeholder_type=kind,
        status=PartnerStatus.ACTIVE,
        landscapes=[Landscape(id=1, programme_id=10), Landscape(id=2, programme_id=20)],
        **values,
    )


def test_funders_read_anonymised_summaries_of_their_programmes_only() -> None:
    funder = _partner(Role.PARTNER, StakeholderType.FUNDER)
    assert level_of(funder) == Level.FUNDER
    assert Level.PARTNER < Level.FUNDER < Level.COORDINATOR  # every partner route still open
    assert summary_view(funder) == SummaryView.ANONYMISED
    assert summary_programmes(funder) == {10, 20}
    community = _partner(Role.PARTNER, StakeholderType.COMMUNITY)
    assert (level_of(community), summary_view(community)) == (Level.PARTNER, None)
    # A funder made coordinator is a coordinator: the role decides first.
    coordinator = _partner(Role.COORDINATOR, StakeholderType.FUNDER)
    assert level_of(coordinator) == Level.COORDINATOR
    assert summary_view(coordinator) == SummaryView.FULL
    admin = _partner(Role.ADMIN, StakeholderType.FUNDER)
    assert (summary_view(admin), summary_programmes(admin)) == (SummaryView.FULL, None)
    unregistered = _partner(Role.PARTNER, StakeholderType.FUNDER, joined_at=None)
    assert (level_of(unregistered), summary_view(unregistered)) == (Level.GUEST, None)


async def test_a_registered_partner_survives_a_restart(bot: BotHarness) -> None:
    partner = bot.user(7002, "Ren", language_code="ar")
    await register(bot, partner, language="ar", name="Ren Haddad")
    await bot.restart()
    await partner.send("/start")
    ar = bot.catalogs.translator("ar")
    await partner.expect(
        ar.gettext("Welcome back, {name}! What would you like to do?", name="Ren Haddad")
    )
