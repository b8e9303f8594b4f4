"""Admins grant and revoke the coordinator role, confirming first and able to undo for a few
minutes; the partner hears about it in their language."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.settings import AccessSettings
from handlers.admin.roles import UNDO_MINUTES
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
    await admin.expect("Make Sokha Chan @Sokha_C")
    assert await _role(bot, 4001) == Role.PARTNER  # nothing changes before the confirmation
    await admin.press("Yes, make them a coordinator")
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
    await admin.press("Yes")
    await admin.expect("Amina Benali is now a coordinator.")
    await admin.send("/grant 4002 coordinator")
    await admin.expect("Amina Benali is already a coordinator.")
    await admin.send("/revoke 4002")
    await admin.expect("Take the coordinator role from Amina Benali")
    await admin.press("Yes, take the role away")
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
    await admin.press("Yes")
    await admin.expect("María Quispe is now a coordinator.")
    assert await _role(bot, 4003) == Role.COORDINATOR
    await admin.send("/revoke")
    await admin.press("María Quispe")
    await admin.press("Yes")
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
    await admin.press("Yes")
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


async def test_cancel_changes_nothing_and_the_answer_is_in_the_admins_language(
    bot: BotHarness,
) -> None:
    admin = bot.user(ADMIN_ID, "Ada", language_code="fr")
    await register(bot, admin, language="fr", name="Ada Admin")
    pia = bot.user(4006, "Pia", language_code="en")
    await register(bot, pia, name="Pia Park")
    fr = bot.catalogs.translator("fr")
    await admin.send("/grant 4006 coordinator")
    await admin.press(fr.gettext("Cancel"))
    await admin.expect(fr.gettext("Cancelled."))
    assert await _role(bot, 4006) == Role.PARTNER
    async with bot.db.unit_of_work() as uow:
        assert not await uow.audit.recent("role.changed")
    await pia.expect_nothing()


async def test_undo_puts_the_role_back_and_tells_the_partner(bot: BotHarness) -> None:
    admin = await _admin(bot)
    pia = bot.user(4007, "Pia", language_code="en")
    await register(bot, pia, name="Pia Park")
    await admin.send("/grant 4007 coordinator")
    await admin.press("Yes")
    await admin.expect("Pia Park is now a coordinator.")
    await pia.expect("You are now a coordinator.")
    undo = await admin.expect_button("Undo")
    await admin.press("Undo")
    await admin.expect("Pia Park is no longer a coordinator.")
    await pia.expect("You are no longer a coordinator.")
    assert await _role(bot, 4007) == Role.PARTNER
    async with bot.db.unit_of_work() as uow:
        changes = await uow.audit.recent("role.changed")
    assert sorted((e.detail["before"], e.detail["after"]) for e in changes) == [
        ("coordinator", "partner"),
        ("partner", "coordinator"),
    ]
    # The same Undo pressed again (from another phone, say) finds nothing left to undo.
    data = undo.buttons[0][0].callback_data
    assert data is not None
    await admin.press_data(undo.message_id, data)
    assert await _role(bot, 4007) == Role.PARTNER


async def test_undo_after_the_window_changes_nothing(bot: BotHarness) -> None:
    start = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    bot.clock = lambda: start
    admin = await _admin(bot)
    pia = bot.user(4008, "Pia", language_code="en")
    await register(bot, pia, name="Pia Park")
    await admin.send("/grant 4008 coordinator")
    await admin.press("Yes")
    await admin.expect("Pia Park is now a coordinator.")
    bot.clock = lambda: start + timedelta(minutes=UNDO_MINUTES + 1)
    await admin.press("Undo")
    await admin.expect("It is too late to undo that (10 minutes have passed)")
    assert await _role(bot, 4008) == Role.COORDINATOR


async def test_a_forged_confirmation_cannot_make_an_admin(bot: BotHarness) -> None:
    admin = await _admin(bot)
    pia = bot.user(4009, "Pia", language_code="en")
    await register(bot, pia, name="Pia Park")
    await admin.send("/grant 4009 coordinator")
    question = await admin.expect_button("Yes")
    async with bot.db.unit_of_work() as uow:
        target = await uow.partners.by_telegram_id(4009)
    assert target is not None
    assert bot.services is not None
    forged = bot.services.codec.encode("adm.yes", target.id, Role.ADMIN)
    await admin.press_data(question.message_id, forged)
    assert await _role(bot, 4009) == Role.PARTNER
