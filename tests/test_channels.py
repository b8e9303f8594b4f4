"""Channels, over real HTTP: a coordinator who makes the bot a channel's administrator links it
in private (programme, landscapes, language), asked again at every step whether they are an
admin of the channel; anyone else gets nothing linked and is audited; /groups lists the channel
as one and unlinks it with a button; a channel gets reminders without RSVP buttons; the bot
demoted or removed unlinks it and its linker is told; a send after a silent demotion fails once
and is not retried."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from bot.callbacks import CallbackCodec, codec_key
from bot.reminders import REMINDER
from storage.models import CHANNEL, DeliveryStatus, Role
from tests.support.bot import TOKEN, BotHarness
from tests.support.groups import add_reminded_event, link_group, link_of, linked_rows
from tests.support.people import add_partner

NEWS, HELPERS, STRANGERS = -1009001, -1009002, -1009003
COORD, HELPER, STRANGER = 8701, 8702, 8703
REFUSAL = "Only an admin of this channel who coordinates the programme can link or unlink it."
CODEC = CallbackCodec(codec_key(TOKEN))


async def _setup(bot: BotHarness) -> None:
    """Cora coordinates FLRM, Hana is a partner; both, and Sam (who never wrote to the bot),
    administer the channels."""
    await add_partner(bot.db, COORD, name="Cora", role=Role.COORDINATOR)
    await add_partner(bot.db, HELPER, name="Hana")
    for user_id, name in [(COORD, "Cora"), (HELPER, "Hana"), (STRANGER, "Sam")]:
        bot.api.add_user(user_id, name, language_code="en")
    for chat_id, title in [(NEWS, "FLRM news"), (HELPERS, "Hana's channel"), (STRANGERS, "Sam's")]:
        admins = {COORD: "administrator", HELPER: "administrator", STRANGER: "creator"}
        bot.api.add_group(chat_id, title, kind="channel", members=admins)


async def _refusals(bot: BotHarness) -> list[int]:
    async with bot.db.unit_of_work() as uow:
        return sorted(
            entry.actor_telegram_id or 0 for entry in await uow.audit.recent("group.refused")
        )


async def test_a_coordinator_links_a_channel_in_private(bot: BotHarness) -> None:
    await _setup(bot)
    cora, hana = bot.user(COORD, "Cora"), bot.user(HELPER, "Hana")
    # Hana (no coordinator) and Sam (not even a partner) make the bot an administrator:
    # nothing is linked; Hana is told why in private, Sam (who never wrote to it) is not.
    bot.api.add_bot(HELPERS, HELPER, status="administrator")
    refusal = await hana.expect(REFUSAL)
    bot.api.add_bot(STRANGERS, STRANGER, status="administrator")
    await _until(lambda: _refusals(bot), [HELPER, STRANGER])
    assert await link_of(bot.db, HELPERS) is None
    assert await link_of(bot.db, STRANGERS) is None
    assert not bot.api.messages(HELPERS)  # nothing said in a channel

    bot.api.add_bot(NEWS, COORD, status="administrator")
    await cora.expect("You made me an administrator of the channel “FLRM news”")
    await cora.press("FLRM")
    await cora.expect("Which landscapes is this channel for?")
    await cora.press("FLRM Cambodia")
    await cora.expect_button("✅ FLRM Cambodia")
    await cora.press("Continue »")
    question = await cora.expect("In which language should I write in this channel?")
    async with bot.db.unit_of_work() as uow:
        flrm = await uow.programmes.by_slug("flrm")
    assert flrm is not None
    # Hana forges the last step (a real signature, her own chat): refused, nothing linked.
    forged = CODEC.encode("gc.l", NEWS, flrm.id, 1, "fr")
    await hana.press_data(refusal.message_id, forged)
    await hana.expect_answer(REFUSAL)
    # Cora is no admin of the channel any more when she presses: refused too.
    bot.api.set_member(NEWS, COORD, "member")
    await cora.press("Español")
    await cora.expect_answer(REFUSAL)
    assert await link_of(bot.db, NEWS) is None
    bot.api.set_member(NEWS, COORD, "administrator")
    await cora.press_data(question.message_id, CODEC.encode("gc.l", NEWS, flrm.id, 1, "es"))
    await cora.expect("The channel “FLRM news” is now linked to")
    link = await link_of(bot.db, NEWS)
    assert link is not None
    assert link.active
    assert (link.kind, link.language) == (CHANNEL, "es")

    # /groups marks it a channel, and unlinks it with a button; Hana's forged press is refused.
    await cora.send("/groups")
    listed = await cora.expect("FLRM news (channel)")
    await hana.press_data(refusal.message_id, CODEC.encode("gu", link.id))
    await hana.expect_answer(REFUSAL)
    assert (await link_of(bot.db, NEWS)).active  # type: ignore[union-attr]
    await cora.press_data(listed.message_id, listed.buttons[0][0].callback_data or "")
    await cora.expect("The channel “FLRM news” is no longer linked.")
    assert not (await link_of(bot.db, NEWS)).active  # type: ignore[union-attr]
    assert await _refusals(bot) == [COORD, HELPER, STRANGER]  # once a minute per person


async def test_a_channel_gets_reminders_and_is_unlinked_when_demoted(bot: BotHarness) -> None:
    await _setup(bot)
    cora = bot.user(COORD, "Cora")
    bot.api.set_member(NEWS, bot.api.bot_user.id, "administrator")
    await link_group(bot.db, NEWS, by=COORD, title="FLRM news", kind=CHANNEL)
    await add_reminded_event(bot, "Field day")
    (row,) = await linked_rows(bot, REMINDER, count=1)
    assert row.status == DeliveryStatus.SENT
    (posted,) = [m for m in bot.api.messages(NEWS) if "Field day" in m.text]
    assert not posted.buttons  # anonymous readers: no RSVP, no counts
    assert "Attending" not in posted.text

    # Demoted without the bot hearing of it: the next send fails once, and is not retried.
    bot.api.set_member(NEWS, bot.api.bot_user.id, "member")
    await add_reminded_event(bot, "Field day")
    rows = await linked_rows(bot, REMINDER, count=2)
    failed = [r for r in rows if r.status == DeliveryStatus.FAILED]
    assert len(failed) == 1
    assert failed[0].attempts == 1
    assert "administrator rights" in (failed[0].error or "")
    # Telegram says it: unlinked, and whoever linked it told.
    bot.api.add_bot(NEWS, HELPER, status="left")
    await cora.expect("I can no longer post in the channel “FLRM news”", within=10)
    link = await link_of(bot.db, NEWS)
    assert link is not None
    assert not link.active


async def _until(read: Callable[[], Awaitable[list[int]]], wanted: list[int]) -> None:
    for _ in range(250):
        if await read() == wanted:
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"never {wanted}: {await read()}")
