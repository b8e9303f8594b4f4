"""Joining the partnership, as a newcomer experiences it in the chat."""

from __future__ import annotations

from tests.support.bot import BotHarness


async def test_newcomer_registers_in_english(bot: BotHarness) -> None:
    alice = bot.user(1001, "Alice", language_code="en-GB", username="alice_k")
    await alice.send("/start")
    await alice.expect("Which language")
    assert "✓ English" in alice.buttons()
    await alice.press("English")
    await alice.expect("Your privacy")
    await alice.press("I agree")
    await alice.expect("What is your name?")
    await alice.send("Alice Kimura")
    await alice.expect("Which organisation")
    await alice.send("Green Hills Cooperative")
    await alice.expect("Which kind of partner")
    await alice.press("Community group")
    await alice.expect("Which landscapes")
    await alice.press("FLRM Cambodia")
    await alice.expect_button("✓ FLRM Cambodia")
    await alice.press("Done")
    await alice.expect("Which one is yours?")
    await alice.press("Asia/Phnom Penh")
    await alice.expect("Welcome aboard, Alice Kimura!")

    async with bot.db.unit_of_work() as uow:
        partner = await uow.partners.by_telegram_id(1001)
    assert partner is not None
    assert partner.registered
    assert (partner.name, partner.organisation) == ("Alice Kimura", "Green Hills Cooperative")
    assert partner.stakeholder_type == "community"
    assert partner.timezone == "Asia/Phnom_Penh"
    assert [landscape.slug for landscape in partner.landscapes] == ["flrm-cambodia"]
    assert partner.username == "alice_k"
