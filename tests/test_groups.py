"""The bot in a Telegram group, over real HTTP: a coordinator who is an admin of the group links
it with buttons (programme, landscapes, language); strangers cannot, and are audited; /unlink
and /groups; /next, /events and /status answered in the group's language; personal commands
pointed to the private chat; ordinary chat ignored; the bot removed, the group migrated, a
partner blocking the bot in private."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from bot.i18n import Translator
from bot.settings import FloodSettings
from storage.models import PartnerStatus, Role
from tests.support.bot import BotHarness
from tests.support.groups import in_group, link_group, link_of
from tests.support.people import add_event, add_partner
from tests.support.waiting import until

GROUP = -5001
COORD, HELPER, PARTNER, LURKER, MEMBER_COORD = 8401, 8402, 8403, 8404, 8405
REFUSAL = "Only an admin of this group who coordinates the programme can link or unlink it."


def _tr(bot: BotHarness, language: str) -> Translator:
    return bot.catalogs.translator(language, "Asia/Phnom_Penh")


async def _group(bot: BotHarness) -> None:
    """Cora coordinates FLRM and created the group; Hana is a group admin but only a partner;
    Max coordinates FLRM but is no group admin; Pia a partner; Luc never joined the bot."""
    await add_partner(bot.db, COORD, name="Cora", role=Role.COORDINATOR)
    await add_partner(bot.db, HELPER, name="Hana")
    await add_partner(bot.db, PARTNER, name="Pia", language="fr")
    await add_partner(bot.db, MEMBER_COORD, name="Max", role=Role.COORDINATOR)
    people = {COORD: "Cora", HELPER: "Hana", PARTNER: "Pia", LURKER: "Luc", MEMBER_COORD: "Max"}
    for user_id, name in people.items():
        bot.api.add_user(user_id, name, language_code="en")
    bot.api.add_group(
        GROUP,
        "FLRM Cambodia partners",
        members={COORD: "creator", HELPER: "administrator", PARTNER: "member", LURKER: "member",
                 MEMBER_COORD: "member"},
    )  # fmt: skip


async def _refusals(bot: BotHarness) -> list[int | None]:
    async with bot.db.unit_of_work() as uow:
        return [entry.actor_telegram_id for entry in await uow.audit.recent("group.refused")]


async def test_a_coordinator_who_is_a_group_admin_links_it(bot: BotHarness) -> None:
    await _group(bot)
    en = _tr(bot, "en")
    cora, hana = in_group(bot, COORD, "Cora", GROUP), in_group(bot, HELPER, "Hana", GROUP)
    pia = in_group(bot, PARTNER, "Pia", GROUP)
    bot.api.add_bot(GROUP, COORD)
    await cora.expect("/link")  # the bot says hello and how to link it
    # A group admin who coordinates nothing, and a partner who is no group admin: refused.
    await hana.send("/link@landscape_bot")
    await hana.expect(en.gettext(REFUSAL))
    await pia.send("/link")
    await pia.expect(_tr(bot, "fr").gettext(REFUSAL))
    max_ = in_group(bot, MEMBER_COORD, "Max", GROUP)
    await max_.send("/link")
    await max_.expect(en.gettext(REFUSAL))
    assert sorted(await _refusals(bot)) == [HELPER, PARTNER, MEMBER_COORD]
    assert await link_of(bot.db, GROUP) is None

    await cora.send("/link@landscape_bot")
    await cora.expect(en.gettext("Which programme is this group for?"))
    await cora.press("FLRM")
    await cora.expect(
        en.gettext("Which landscapes is this group for? Choose none for the whole programme.")
    )
    await cora.press("FLRM Cambodia")
    await cora.expect_button("✅ FLRM Cambodia")
    # Pia presses a real button of the flow: refused, nothing changes.
    await pia.press(en.gettext("Continue »"))
    await pia.expect_answer(_tr(bot, "fr").gettext(REFUSAL))
    assert await link_of(bot.db, GROUP) is None
    await cora.press(en.gettext("Continue »"))
    await cora.expect(en.gettext("In which language should I write in this group?"))
    await cora.press(en.language_name("km"))
    linked = await cora.expect("/next")
    assert "FLRM Cambodia" in linked.text
    link = await link_of(bot.db, GROUP)
    assert link is not None
    assert link.active
    assert link.language == "km"
    async with bot.db.unit_of_work() as uow:
        cambodia = await uow.places.landscape_by_slug("flrm-cambodia")
    assert cambodia is not None
    assert link.landscape_ids == [cambodia.id]

    # /groups in private lists it; /unlink by Hana is refused, by Cora done.
    cora_private = bot.user(COORD, "Cora")
    await cora_private.send("/groups")
    await cora_private.expect("FLRM Cambodia partners")
    await hana.send("/unlink")
    await hana.expect(en.gettext(REFUSAL))
    assert (await link_of(bot.db, GROUP)).active  # type: ignore[union-attr]
    await cora.send("/unlink")
    await cora.expect(en.gettext("This group is no longer linked. I won't post here any more."))
    assert not (await link_of(bot.db, GROUP)).active  # type: ignore[union-attr]


async def test_a_linked_group_asks_in_its_language_and_personal_things_go_private(
    bot: BotHarness,
) -> None:
    await _group(bot)
    luc, pia = in_group(bot, LURKER, "Luc", GROUP), in_group(bot, PARTNER, "Pia", GROUP)
    bot.api.add_bot(GROUP, COORD)  # after: the hello may arrive before the next line runs
    await luc.expect("/link")
    await luc.send("/next")
    await luc.expect(_tr(bot, "en").gettext("This group is not linked to a programme yet.")[:30])
    await link_group(bot.db, GROUP, by=COORD, language="es", landscapes=["flrm-cambodia"])
    await add_event(bot.db, "Cambodia meeting", starts_in=timedelta(days=1),
                    landscapes=["flrm-cambodia"])  # fmt: skip
    await add_event(bot.db, "Peru meeting", starts_in=timedelta(hours=3), landscapes=["flrm-peru"])
    es = _tr(bot, "es")
    await luc.send("/next@landscape_bot")
    card = await luc.expect("Cambodia meeting")
    assert es.gettext("For: {where}", where="")[:5] in card.text  # the group's language
    await pia.send("/events")
    listed = await pia.expect(es.gettext("<b>Upcoming events</b>")[3:-4])
    assert "Peru" not in listed.text  # another landscape's meeting
    await luc.send("/status")
    await luc.expect("FLRM")
    # Ordinary chat, and commands for another bot, get no answer.
    await pia.send("bonjour à tous")
    await pia.send("/next@other_bot")
    await pia.expect_nothing(0.5)
    # Personal commands: a button opens the private chat there.
    await pia.send("/checkin@landscape_bot")
    pointer = await pia.expect(
        _tr(bot, "fr").gettext("That is personal, so let's do it in a private chat with me.")
    )
    assert pointer.buttons[0][0].url == "https://t.me/landscape_bot?start=checkin"
    async with bot.db.unit_of_work() as uow:
        assert await uow.conversations.get(PARTNER) is None  # nothing begun in the group
    # The deep link opens /checkin in private.
    pia_private = bot.user(PARTNER, "Pia")
    await pia_private.send("/start checkin")
    await pia_private.expect("")
    async with bot.db.unit_of_work() as uow:
        conversation = await uow.conversations.get(PARTNER)
    assert conversation is not None
    assert conversation.flow == "checkin"


async def test_chat_member_updates(bot: BotHarness) -> None:
    await _group(bot)
    cora = in_group(bot, COORD, "Cora", GROUP)
    bot.api.add_bot(GROUP, COORD)
    await link_group(bot.db, GROUP, by=COORD, title="FLRM Cambodia partners")
    cora_private = bot.user(COORD, "Cora")
    await cora.expect("/link")  # the hello, before migrating
    # The group becomes a supergroup: the link follows the new id.
    bot.api.migrate_group(GROUP, -1005001)
    luc = in_group(bot, LURKER, "Luc", -1005001)
    await luc.send("/status")
    await luc.expect("FLRM")
    assert await link_of(bot.db, GROUP) is None
    # The bot is removed: unlinked, and the coordinator who linked it is told.
    bot.api.remove_bot(-1005001, HELPER)
    await cora_private.expect("FLRM Cambodia partners")
    link = await link_of(bot.db, -1005001)
    assert link is not None
    assert not link.active
    # A partner blocks the bot in private: marked at once; unblocking clears it.
    bot.api.block_bot(PARTNER)
    await _until_status(bot, PARTNER, PartnerStatus.BLOCKED)
    bot.api.block_bot(PARTNER, blocked=False)
    await _until_status(bot, PARTNER, PartnerStatus.ACTIVE)


async def _until_status(bot: BotHarness, telegram_id: int, status: PartnerStatus) -> None:
    for _ in range(250):
        async with bot.db.unit_of_work() as uow:
            partner = await uow.partners.by_telegram_id(telegram_id)
        if partner is not None and partner.status == status:
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"partner {telegram_id} is not {status} after 5 s")


async def test_a_command_flood_in_a_group_is_answered_in_full_without_a_notice(
    bot: BotHarness,
) -> None:
    bot.settings = bot.settings.model_copy(update={"flood": FloodSettings()})
    await bot.restart()  # the product's pacing, not the harness's typing-speed allowance
    await _group(bot)
    luc, pia = in_group(bot, LURKER, "Luc", GROUP), in_group(bot, PARTNER, "Pia", GROUP)
    bot.api.add_bot(GROUP, COORD)
    await link_group(bot.db, GROUP, by=COORD)
    await luc.expect("/link")
    flood = FloodSettings().burst + 3
    for n in range(flood):
        await (luc if n % 2 else pia).send("/status")
        await pia.send("chatting along")  # ordinary chat: paced too, never answered
    await until(lambda: _answers(bot, "FLRM") == flood, within=30)
    await asyncio.sleep(1.5)
    assert _answers(bot, "FLRM") == flood  # the chat got no answer
    assert _answers(bot, "quickly") == 0  # no "you're sending quickly" in a group


def _answers(bot: BotHarness, text: str) -> int:
    return sum(text in m.text for m in bot.api.messages(GROUP))


async def test_groups_have_their_own_command_menus_per_language(bot: BotHarness) -> None:
    """Members of any group see /next, /events and /status; its admins /link and /unlink too;
    in each shipped language, as the private menus are."""
    await bot.restart()  # menus are published at start
    for language in bot.catalogs.languages:
        code = "" if language == "en" else language
        t = bot.catalogs.translator(language)
        members = bot.api.commands({"type": "all_group_chats"}, code)
        admins = bot.api.commands({"type": "all_chat_administrators"}, code)
        assert [c["command"] for c in members] == ["next", "events", "status"]
        assert [c["command"] for c in admins] == ["next", "events", "status", "link", "unlink"]
        link = t.gettext("Link this group to a programme")
        assert {"command": "link", "description": link} in admins
        assert members[0] == {"command": "next", "description": t.gettext("The next meeting")}
