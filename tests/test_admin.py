"""Admins grant and revoke the coordinator role; the partner hears about it in their language."""

from __future__ import annotations

from bot.settings import AccessSettings
from storage.models import Role
from tests.support.bot import BotHarness
from tests.support.chat import ChatUser
from tests.test_onboarding import register

ADMIN_ID = 9000


async def _admin(bot: BotHarness) -> ChatUser:
    admin = bot.user(ADMIN_ID, "Ada", language_code="en")
    await register(bot, admin, name="Ada Admin")
    return admin


async def _role(bot: BotHarness, telegram_id: int) -> str:
    async with bot.db.unit_of_work() as uow:
        partner = await uow.partners.by_telegram_id(telegram_id)
    assert partner is not None
    return partner.role


async def test_admin_grants_by_username_and_the_partner_is_told(bot: BotHarness) -> None:
    admin = await _admin(bot)
    sokha = bot.user(4001, "Sokha", language_code="km", username="Sokha_C")
    await register(bot, sokha, language="km", name="Sokha Chan")
    await admin.send("/grant @sokha_c coordinator")
    await admin.expect("Sokha Chan is now a coordinator.")
    await sokha.expect(
        bot.catalogs.translator("km").gettext(
            "You are now a coordinator. Send /help to see your new commands."
        )
    )
    assert await _role(bot, 4001) == Role.COORDINATOR
    async with bot.db.unit_of_work() as uow:
        [entry] = await uow.audit.recent("role.changed")
    assert (entry.detail["before"], entry.detail["after"]) == ("partner", "coordinator")
    # Their own command menu now lists coordinator commands, in Khmer.
    menu = bot.api.commands({"type": "chat", "chat_id": 4001})
    assert menu


async def test_admin_grants_by_telegram_id_and_revokes(bot: BotHarness) -> None:
    admin = await _admin(bot)
    amina = bot.user(4002, "Amina", language_code="ar")
    await register(bot, amina, language="ar", name="Amina Benali")
    await admin.send("/grant 4002 coordinator")
    await admin.expect("Amina Benali is now a coordinator.")
    await admin.send("/grant 4002 coordinator")
    await admin.expect("Amina Benali is already a coordinator.")
    await admin.send("/revoke 4002")
    await admin.expect("Amina Benali is no longer a coordinator.")
    assert await _role(bot, 4002) == Role.PARTNER


async def test_admin_picks_the_partner_from_a_list(bot: BotHarness) -> None:
    admin = await _admin(bot)
    maria = bot.user(4003, "María", language_code="es")
    await register(bot, maria, language="es", name="María Quispe")
    await admin.send("/grant")
    await admin.expect("Who should become a coordinator?")
    assert not any("Ada Admin" in label for label in admin.buttons())  # admins are not listed
    await admin.press("María Quispe")
    await admin.expect("María Quispe is now a coordinator.")
    assert await _role(bot, 4003) == Role.COORDINATOR
    await admin.send("/revoke")
    await admin.press("María Quispe")
    await admin.expect("María Quispe is no longer a coordinator.")
    assert await _role(bot, 4003) == Role.PARTNER


async def test_wrong_grant_requests_change_nothing(bot: BotHarness) -> None:
    admin = await _admin(bot)
    await admin.send("/grant @nobody coordinator")
    await admin.expect("I can't find a registered partner called @nobody.")
    await admin.send("/grant @ada admin")
    await admin.expect("Admins are set in the configuration")
    await admin.send(f"/grant {ADMIN_ID} coordinator")
    await admin.expect("is an admin")
    assert await _role(bot, ADMIN_ID) == Role.ADMIN
    async with bot.db.unit_of_work() as uow:
        assert not await uow.audit.recent("role.changed")


async def test_a_coordinator_cannot_grant_either(bot: BotHarness) -> None:
    admin = await _admin(bot)
    coordinator = bot.user(4004, "Cora", language_code="en", username="cora")
    await register(bot, coordinator, name="Cora Lee")
    await admin.send("/grant @cora coordinator")
    await admin.expect("Cora Lee is now a coordinator.")
    await coordinator.send("/grant")
    await coordinator.expect("Sorry, only admins can do that.")
    await coordinator.send("/invite")
    await coordinator.expect("Sorry, only admins can do that.")


async def test_admin_button_pressed_by_someone_demoted_is_refused(bot: BotHarness) -> None:
    """The stored role is checked at press time, not when the keyboard was sent."""
    admin = await _admin(bot)
    partner = bot.user(4005, "Pia", language_code="en")
    await register(bot, partner, name="Pia Park")
    await admin.send("/grant")
    picker = await admin.expect_button("Pia Park")
    data = picker.buttons[0][0].callback_data
    assert data is not None
    bot.settings = bot.settings.model_copy(update={"access": AccessSettings(admins=[])})
    await bot.restart()  # the operator removed them from the configuration
    await admin.press_data(picker.message_id, data)
    await admin.expect_answer("only admins")
    assert await _role(bot, 4005) == Role.PARTNER
