"""Broadcasts to linked groups and channels, over real HTTP: a coordinator includes the linked
chats of the chosen programme and landscapes (or only them); the preview counts them; each gets
one row, in its own language, without a "Got it" button; a group that removed the bot while
nobody was listening ends "blocked" at the first 403, is unlinked and its linker told; the
report lists each chat's outcome, channels marked; a forged choice changes nothing; a group
whose minute is full waits while another group gets its message."""

from __future__ import annotations

from sqlalchemy import select

from bot.callbacks import CallbackCodec, codec_key
from storage.broadcasts import KIND
from storage.models import CHANNEL, Delivery, DeliveryStatus, Role
from tests.support.audience import audit, broadcasts, draft
from tests.support.bot import TOKEN, BotHarness
from tests.support.chat import ChatUser
from tests.support.groups import add_linked_group, in_group, link_group, link_of, linked_rows
from tests.support.people import add_partner
from tests.support.waiting import until

COORD, PARTNER, OTHER = 8601, 8602, 8603
CAMBODIA, PERU, LPA, GONE, NEWS = -7001, -7002, -7003, -7004, -1007005
NOT_INCLUDED = "Linked groups and channels: not included"


async def _setup(bot: BotHarness) -> ChatUser:
    """Cora coordinates FLRM from Peru; Pia is a partner in Cambodia. Linked: a Spanish group for
    Cambodia, an English one for Peru, one for LPA, and a Khmer group for the whole of FLRM
    that removed the bot while it was not listening."""
    await add_partner(bot.db, COORD, name="Cora", role=Role.COORDINATOR, landscapes=["flrm-peru"])
    await add_partner(bot.db, PARTNER, name="Pia")
    for user_id, name in [(COORD, "Cora"), (PARTNER, "Pia"), (OTHER, "Omar")]:
        bot.api.add_user(user_id, name, language_code="en")
    chats = [
        (CAMBODIA, "Cambodia partners", "es", ["flrm-cambodia"], "flrm"),
        (PERU, "Peru partners", "en", ["flrm-peru"], "flrm"),
        (LPA, "LPA partners", "en", [], "lpa"),
        (GONE, "Old FLRM group", "km", [], "flrm"),
    ]
    for chat_id, title, language, landscapes, programme in chats:
        await add_linked_group(bot, chat_id, title, {COORD: "creator", OTHER: "member"}, by=COORD,
                               language=language, landscapes=landscapes, programme=programme,
                               bot_status="kicked" if chat_id == GONE else "member")  # fmt: skip
    return bot.user(COORD, "Cora", language_code="en")


async def _group_rows(bot: BotHarness) -> dict[int, Delivery]:
    """The broadcast's rows for linked chats by chat id, once each is final."""
    rows = await linked_rows(bot, KIND)
    async with bot.db.unit_of_work() as uow:
        chats = await uow.linked_chats.by_ids({row.linked_chat_id or 0 for row in rows})
    return {chats[row.linked_chat_id or 0].chat_id: row for row in rows}


async def test_a_broadcast_reaches_the_linked_groups_of_its_landscapes(bot: BotHarness) -> None:
    cora = await _setup(bot)
    pia = bot.user(PARTNER, "Pia")
    await cora.send("/broadcast")
    await cora.expect("Who should receive it?")
    await cora.press(NOT_INCLUDED)
    panel = await cora.expect("Linked groups and channels: 3")  # Cambodia, Peru, the old one
    assert "2 recipients" in panel.text  # Cora and Pia; the groups are counted apart
    await cora.press("Landscapes")
    await cora.press("FLRM Cambodia")
    await cora.expect_button("✓ FLRM Cambodia")
    await cora.press("« Back")
    narrowed = await cora.expect("Linked groups and channels: 2")  # not Peru's group
    assert "1 recipient" in narrowed.text
    await cora.press("Continue »")
    await cora.expect("Send the message in English")
    await cora.send("The field visit moves to <Tuesday>")
    await cora.press("Español")
    await cora.expect("Send the message in")
    await cora.send("La visita de campo pasa al martes")
    await cora.expect_button("✓ Español")
    await cora.press("Continue »")
    await cora.expect("When should it go out?")
    await cora.press("Send now")
    await cora.expect("Add a “Got it” button")
    await cora.press("Yes, add it")
    preview = await cora.expect("Preview")
    omar = in_group(bot, OTHER, "Omar", CAMBODIA)
    assert "Linked groups and channels: 2" in preview.text
    assert "Linked groups and channels: included" in preview.text  # the audience in words
    await cora.press("Send")

    # The Cambodia group gets the Spanish version once, with no "Got it"; Pia gets hers.
    posted = await omar.expect("La visita de campo pasa al martes", within=10)
    assert not posted.buttons
    await pia.expect("The field visit moves to <Tuesday>", within=10)
    rows = await _group_rows(bot)
    assert set(rows) == {CAMBODIA, GONE}
    assert rows[CAMBODIA].status == DeliveryStatus.SENT
    assert not bot.api.messages(PERU)
    assert not bot.api.messages(LPA)
    # The group that removed the bot: one 403, not retried, unlinked, its linker told.
    assert rows[GONE].status == DeliveryStatus.BLOCKED
    assert rows[GONE].attempts == 1
    link = await link_of(bot.db, GONE)
    assert link is not None
    assert not link.active
    # (Her chat's one message a second counts the replies she just had: it may take a while.)
    await cora.expect("I was removed from the group “Old FLRM group”", within=30)
    # The report, in place of the progress message, lists each group's outcome.
    await until(lambda: any("Broadcast #" in m.text for m in bot.api.messages(COORD)), within=15)
    (report,) = [m.text for m in bot.api.messages(COORD) if "Broadcast #" in m.text]
    assert "• Cambodia partners: delivered" in report
    assert "• Old FLRM group: removed me, so it is unlinked" in report
    await cora.send("/broadcasts")
    (sent,) = await broadcasts(bot.db)
    await cora.press(f"Report #{sent.id}")
    assert "• Cambodia partners: delivered" in (await cora.expect("Broadcast #")).text
    (created,) = await audit(bot.db, "broadcast.created")
    assert created["chats"] == 2


async def test_only_the_groups_and_a_forged_choice(bot: BotHarness) -> None:
    cora = await _setup(bot)
    bot.api.add_group(NEWS, "FLRM news", kind="channel", members={COORD: "creator"})
    bot.api.set_member(NEWS, bot.api.bot_user.id, "administrator")
    await link_group(bot.db, NEWS, by=COORD, language="fr", title="FLRM news", kind=CHANNEL)
    pia = bot.user(PARTNER, "Pia")
    await cora.send("/broadcast")
    panel = await cora.expect("Who should receive it?")
    # A forged choice for the groups (correctly signed, not one the panel offers): refused.
    forged = CallbackCodec(codec_key(TOKEN)).encode("bc.grp", "everyone")
    await cora.press_data(panel.message_id, forged)
    await cora.expect_answer("This button has expired")
    found = await draft(bot.db, COORD)
    assert found is not None
    assert found[2]["audience"]["groups"] == "no"
    await cora.press(NOT_INCLUDED)
    await cora.press("Linked groups and channels: included")
    panel = await cora.expect("Linked groups and channels: only them")
    assert "recipient" not in panel.text  # no partner is counted
    await cora.press("Continue »")
    await cora.expect("Send the message in English")
    await cora.send("Groups only")
    await cora.expect("You can add a version")
    await cora.press("Continue »")
    await cora.expect("When should it go out?")
    await cora.press("Send now")
    await cora.expect("Add a “Got it” button")
    await cora.press("No")
    await cora.expect("Preview")
    in_peru, in_cambodia = (
        in_group(bot, OTHER, "Omar", PERU),
        in_group(bot, OTHER, "Omar", CAMBODIA),
    )
    await cora.press("Send")
    await in_peru.expect("Groups only", within=10)
    await in_cambodia.expect("(en inglés)", within=10)  # no Spanish version: marked
    await pia.expect_nothing(1.0)
    assert set(await _group_rows(bot)) == {CAMBODIA, PERU, GONE, NEWS}
    await until(lambda: any("Broadcast #" in m.text for m in bot.api.messages(COORD)), within=15)
    (report,) = [m.text for m in bot.api.messages(COORD) if "Broadcast #" in m.text]
    assert "• FLRM news (channel): delivered" in report


async def test_a_group_keeps_its_messages_a_minute(bot: BotHarness) -> None:
    # One a minute instead of Telegram's twenty, so the window is full after one message.
    delivery = bot.settings.delivery.model_copy(update={"group_per_minute": 1})
    bot.settings = bot.settings.model_copy(update={"delivery": delivery})
    await bot.restart()
    cora = await _setup(bot)
    omar, in_peru = in_group(bot, OTHER, "Omar", CAMBODIA), in_group(bot, OTHER, "Omar", PERU)
    await omar.send("/status")
    await omar.expect("FLRM")  # the group's message for this minute
    await cora.send("/broadcast")
    await cora.press(NOT_INCLUDED)
    await cora.press("Linked groups and channels: included")
    await cora.expect("Linked groups and channels: only them")
    await cora.press("Continue »")
    await cora.expect("Send the message in English")
    await cora.send("Paced")
    await cora.expect("You can add a version")
    await cora.press("Continue »")
    await cora.expect("When should it go out?")
    await cora.press("Send now")
    await cora.expect("Add a “Got it” button")
    await cora.press("No")
    await cora.expect("Preview")
    await cora.press("Send")
    await in_peru.expect("Paced", within=10)  # another group is not held up
    await omar.expect_nothing(2.0)  # this one waits for its minute
    rows = await _group_rows_now(bot)
    assert rows[CAMBODIA].status in (DeliveryStatus.PENDING, DeliveryStatus.SENDING)


async def _group_rows_now(bot: BotHarness) -> dict[int, Delivery]:
    query = select(Delivery).where(Delivery.kind == KIND, Delivery.linked_chat_id.is_not(None))
    async with bot.db.unit_of_work() as uow:
        rows = list(await uow.session.scalars(query))
        chats = await uow.linked_chats.by_ids({row.linked_chat_id or 0 for row in rows})
    return {chats[row.linked_chat_id or 0].chat_id: row for row in rows}
