"""A registered partner changes their settings, asks for help, and can be forgotten."""

from __future__ import annotations

from bot.i18n import utc_offset
from storage.models import PartnerStatus
from tests.support.bot import BotHarness
from tests.test_onboarding import register


async def test_changing_language_switches_replies_and_menu(bot: BotHarness) -> None:
    user = bot.user(5001, "Nadia", language_code="en")
    await register(bot, user, name="Nadia Saleh")
    await user.send("/language")
    await user.press("العربية")
    ar = bot.catalogs.translator("ar")
    await user.expect(ar.gettext("Saved."))
    await user.send("/help")
    await user.expect(ar.gettext("Here is what I can do for you:"))
    menu = bot.api.commands({"type": "chat", "chat_id": 5001})
    assert ar.gettext("Delete your personal data") in [c["description"] for c in menu]


async def test_changing_time_zone_by_typing(bot: BotHarness) -> None:
    user = bot.user(5002, "Tom", language_code="en")
    await register(bot, user, name="Tom Vatu")
    await user.send("/settings")
    await user.expect("Your settings")
    await user.press("Time zone")
    await user.expect("Which one is yours?")
    await user.send("pacific/efate")
    await user.expect("Saved.")
    await user.expect("Pacific/Efate (UTC+11)")
    async with bot.db.unit_of_work() as uow:
        partner = await uow.partners.by_telegram_id(5002)
    assert partner is not None
    assert partner.timezone == "Pacific/Efate"


async def test_changing_landscapes_and_organisation(bot: BotHarness) -> None:
    user = bot.user(5003, "Lina", language_code="en")
    await register(bot, user, name="Lina Khoury")
    await user.send("/settings")
    await user.expect("Your settings")
    await user.press("Landscapes")
    await user.press("FLRM Lebanon")
    await user.expect_button("✓ FLRM Lebanon")
    await user.press("Done")
    await user.expect("Saved.")
    await user.expect("Your settings")
    await user.press("Organisation")
    await user.expect("Which organisation")
    await user.send("x" * 101)
    await user.expect("100 characters")
    await user.send("Shouf Biosphere Reserve")
    await user.expect("Saved.")
    async with bot.db.unit_of_work() as uow:
        partner = await uow.partners.by_telegram_id(5003)
    assert partner is not None
    assert partner.organisation == "Shouf Biosphere Reserve"
    assert {landscape.slug for landscape in partner.landscapes} == {"flrm-cambodia", "flrm-lebanon"}


async def test_cancel_leaves_a_flow_and_changes_nothing(bot: BotHarness) -> None:
    user = bot.user(5004, "Omar", language_code="fr")
    await register(bot, user, language="fr", name="Omar Alaoui")
    fr = bot.catalogs.translator("fr")
    await user.send("/settings")
    await user.expect(fr.gettext("Your settings"))
    await user.press(fr.gettext("Name"))
    await user.expect(fr.gettext("What is your name?"))
    await user.send("/cancel")
    await user.expect(fr.gettext("Stopped. Nothing was changed."))
    await user.send("Jean Dupont")  # no flow any more: a question, not a name
    unanswered = fr.gettext(
        "I don't have an answer to that yet, so I have passed your question on to the "
        "coordinators. Meanwhile, here is what I can do:"
    )
    await user.expect(unanswered[:40])
    await user.send("/cancel")
    await user.expect(fr.gettext("There is nothing to cancel."))
    async with bot.db.unit_of_work() as uow:
        partner = await uow.partners.by_telegram_id(5004)
    assert partner is not None
    assert partner.name == "Omar Alaoui"


async def test_help_lists_what_each_role_may_do(bot: BotHarness) -> None:
    guest = bot.user(5005, "Guest", language_code="en")
    await guest.send("/help")
    guest_help = await guest.expect("/start")
    assert "/grant" not in guest_help.text

    admin = bot.user(9000, "Ada", language_code="en")
    await register(bot, admin, name="Ada Admin")
    await admin.send("/help")
    admin_help = await admin.expect("/grant")
    assert "/invite" in admin_help.text
    assert "/settings" in admin_help.text


async def test_command_menus_are_published_per_language(bot: BotHarness) -> None:
    await bot.restart()  # menus are published at start
    for language in bot.catalogs.languages:
        code = "" if language == "en" else language
        menu = bot.api.commands({"type": "default"}, code)
        t = bot.catalogs.translator(language)
        assert {"command": "help", "description": t.gettext("What I can do for you")} in menu
        assert all(c["command"] not in {"grant", "revoke", "invite"} for c in menu)


async def test_forget_erases_personal_data_after_confirmation(bot: BotHarness) -> None:
    user = bot.user(5006, "Rita", language_code="es", username="rita")
    await register(bot, user, language="es", name="Rita Flores")
    es = bot.catalogs.translator("es")
    await user.send("/forget")
    await user.press(es.gettext("No, keep it"))
    await user.expect(es.gettext("Nothing was deleted."))
    await user.send("/forget")
    await user.press(es.gettext("Yes, delete my data"))
    await user.expect(
        es.gettext("Your personal data has been deleted. Goodbye, and thank you for your work.")
    )
    async with bot.db.unit_of_work() as uow:
        assert await uow.partners.by_telegram_id(5006) is None
        assert await uow.partners.by_username("rita") is None
        [entry] = await uow.audit.recent("partner.forgotten")
        forgotten = await uow.partners.get(entry.actor_id or 0)
    assert forgotten is not None
    assert forgotten.status == PartnerStatus.FORGOTTEN
    assert (forgotten.name, forgotten.organisation, forgotten.telegram_id) == (None, None, None)
    assert forgotten.stakeholder_type == "community"  # anonymous aggregates stay whole
    await user.send("/settings")  # they are a stranger now
    await user.expect(es.gettext("Please join first: send /start."))


def test_offsets_are_readable() -> None:
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    winter = datetime(2026, 1, 15, tzinfo=UTC)
    assert utc_offset(ZoneInfo("Asia/Phnom_Penh"), winter) == "UTC+7"
    assert utc_offset(ZoneInfo("America/Guatemala"), winter) == "UTC-6"
    assert utc_offset(ZoneInfo("Asia/Kolkata"), winter) == "UTC+5:30"
    assert utc_offset(ZoneInfo("UTC"), winter) == "UTC"
