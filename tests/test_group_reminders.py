"""Reminders in a linked group, over real HTTP: the group gets the reminder in its language with
live counts while partners get theirs in private; a partner's press records their answer and
updates the counts; a member who never joined is pointed to the bot; a forged press changes
nothing; a group that removed the bot ends its row "blocked" at the first 403, is unlinked, and
whoever linked it is told; one that became a supergroup unnoticed is followed to its new id, and
its link with it."""

from __future__ import annotations

from bot.callbacks import CallbackCodec, codec_key
from bot.reminders import REMINDER
from storage.models import DeliveryStatus, Role, RsvpAnswer
from tests.support.bot import TOKEN, BotHarness
from tests.support.groups import (
    add_linked_group,
    add_reminded_event,
    in_group,
    link_of,
    linked_rows,
)
from tests.support.people import add_partner

GROUP = -6001
COORD, PARTNER, LURKER = 8501, 8502, 8503
TITLE = "Cambodia planning meeting"


async def _setup(bot: BotHarness, *, bot_in_group: str = "member") -> None:
    await add_partner(bot.db, COORD, name="Cora", role=Role.COORDINATOR)
    await add_partner(bot.db, PARTNER, name="Pia", language="fr", timezone="Europe/Paris")
    for user_id, name in [(COORD, "Cora"), (PARTNER, "Pia"), (LURKER, "Luc")]:
        bot.api.add_user(user_id, name, language_code="en")
    await add_linked_group(bot, GROUP, "Cambodia partners",
                           {COORD: "creator", PARTNER: "member", LURKER: "member"},
                           by=COORD, language="km", landscapes=["flrm-cambodia"],
                           bot_status=bot_in_group)  # fmt: skip


async def test_a_group_gets_the_reminder_in_its_language_with_live_counts(
    bot: BotHarness,
) -> None:
    await _setup(bot)
    pia_private = bot.user(PARTNER, "Pia")
    event_id = await add_reminded_event(bot, TITLE)
    await add_reminded_event(bot, TITLE, landscapes=["flrm-peru"])  # not for this group's landscape
    km, fr = bot.catalogs.translator("km"), bot.catalogs.translator("fr")
    counts = "Attending: {yes} · Maybe: {maybe} · Can't attend: {no}"
    pia, luc = in_group(bot, PARTNER, "Pia", GROUP), in_group(bot, LURKER, "Luc", GROUP)
    reminder = await pia.expect(km.gettext(counts, yes="0", maybe="0", no="0"), within=10)
    assert TITLE in reminder.text
    assert km.gettext("⏰ <b>Reminder</b>").replace("<b>", "").replace("</b>", "") in reminder.text
    # The partner got hers in private too, in French; the group got exactly one.
    await pia_private.expect(TITLE, within=10)
    assert sum(TITLE in m.text for m in bot.api.messages(GROUP)) == 1
    (row,) = await linked_rows(bot, REMINDER)
    assert row.status == DeliveryStatus.SENT

    await pia.press(km.gettext("✅ Attend"))
    await pia.expect_answer(fr.gettext("Noted: {answer}", answer=fr.gettext("✅ Attend")))
    updated = await pia.expect(km.gettext(counts, yes="1", maybe="0", no="0"))
    assert updated.message_id == reminder.message_id
    async with bot.db.unit_of_work() as uow:
        partner = await uow.partners.by_telegram_id(PARTNER)
        assert partner is not None
        rsvp = await uow.rsvps.get(event_id, partner.id)
    assert rsvp is not None
    assert rsvp.answer == RsvpAnswer.YES

    # Luc never joined: a short answer that opens the bot; nothing recorded.
    await luc.press(km.gettext("🤔 Maybe"))
    answer = await luc.expect_answer("/start")
    assert answer.url == "https://t.me/landscape_bot?start"
    # A forged press (an event that does not exist, correctly signed): refused, no change.
    forged = CallbackCodec(codec_key(TOKEN)).encode("grsvp", 999999, "y")
    await pia.press_data(reminder.message_id, forged)
    await pia.expect_answer(fr.gettext("This button has expired. Please use the latest message."))
    await pia.expect_nothing(0.5)
    async with bot.db.unit_of_work() as uow:
        assert len(await uow.rsvps.answered(event_id)) == 1


async def test_a_group_that_removed_the_bot_ends_blocked_and_unlinked(bot: BotHarness) -> None:
    # The bot was kicked while the bot was down: no update said so, the send finds out.
    await _setup(bot, bot_in_group="kicked")
    pia_private, cora_private = bot.user(PARTNER, "Pia"), bot.user(COORD, "Cora")
    await add_reminded_event(bot, TITLE)
    await pia_private.expect(TITLE, within=10)  # partners still get theirs
    (row,) = await linked_rows(bot, REMINDER)
    assert row.status == DeliveryStatus.BLOCKED
    assert row.attempts == 1  # not retried
    assert "kicked" in (row.error or "")
    link = await link_of(bot.db, GROUP)
    assert link is not None
    assert not link.active
    # Whoever linked it hears of it in private, once.
    await cora_private.expect("I was removed from the group “Cambodia partners”", within=10)
    await cora_private.expect_nothing(1.0)


async def test_a_group_that_moved_unnoticed_gets_the_reminder_at_its_new_id(
    bot: BotHarness,
) -> None:
    # The group became a supergroup while the bot was down and its update was lost: the first
    # send finds out from Telegram's 400 and goes to the new id; the link follows.
    await _setup(bot)
    bot.api.migrate_group(GROUP, -1006001, announce=False)
    pia = in_group(bot, PARTNER, "Pia", -1006001)
    await add_reminded_event(bot, TITLE)
    reminder = await pia.expect(TITLE, within=10)
    assert reminder.reply_markup is not None  # with its RSVP buttons
    (row,) = await linked_rows(bot, REMINDER)
    assert row.status == DeliveryStatus.SENT
    assert row.attempts == 1
    assert await link_of(bot.db, GROUP) is None
    moved = await link_of(bot.db, -1006001)
    assert moved is not None
    assert moved.active
