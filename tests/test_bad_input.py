"""Bad input gets a clear answer in the user's language and changes nothing."""

from __future__ import annotations

from bot.callbacks import CallbackCodec, codec_key
from tests.support.bot import TOKEN, BotHarness
from tests.test_onboarding import register


async def _conversation(bot: BotHarness, telegram_id: int) -> tuple[str, dict[str, object]] | None:
    async with bot.db.unit_of_work() as uow:
        conversation = await uow.conversations.get(telegram_id)
        return None if conversation is None else (conversation.step, dict(conversation.data))


async def test_text_where_a_button_is_expected(bot: BotHarness) -> None:
    user = bot.user(3001, "Lea", language_code="fr")
    await user.send("/start")
    await user.expect_button("Français")
    before = await _conversation(bot, 3001)
    await user.send("français s'il vous plaît")
    await user.expect(
        bot.catalogs.translator("fr").gettext(
            "Please choose one of the buttons above, or send /cancel to stop."
        )
    )
    assert await _conversation(bot, 3001) == before


async def test_overlong_and_empty_names_are_refused(bot: BotHarness) -> None:
    user = bot.user(3002, "Max", language_code="es")
    t = bot.catalogs.translator("es")
    await user.send("/start")
    await user.press("Español")
    await user.press(t.gettext("I agree"))
    await user.expect(t.gettext("What is your name?"))
    before = await _conversation(bot, 3002)
    await user.send("M" * 65)
    await user.expect(t.number(64))  # the limit, in the partner's language
    await user.send("🌳🌳🌳")
    await user.expect(t.gettext("Please type your name."))
    assert await _conversation(bot, 3002) == before
    await user.send("  Máx   Quispe ")
    await user.expect(t.gettext("Which organisation or group do you work with?"))
    state = await _conversation(bot, 3002)
    assert state is not None
    assert state[1]["name"] == "Máx Quispe"


async def test_html_in_a_name_is_shown_as_text(bot: BotHarness) -> None:
    user = bot.user(3003, "Eve", language_code="en")
    await register(bot, user, name="<b>Eve</b> & co")
    welcome = user.last
    assert "&lt;b&gt;Eve&lt;/b&gt; &amp; co" in welcome.html
    assert "<b>Eve</b> & co" in welcome.text


async def test_unknown_command(bot: BotHarness) -> None:
    user = bot.user(3004, "Kim", language_code="ko")
    await user.send("/teleport now")
    await user.expect(
        bot.catalogs.translator("ko").gettext(
            "I don't know that command. Send /help to see what I can do."
        )
    )


async def test_forged_button_is_refused_politely(bot: BotHarness) -> None:
    user = bot.user(3005, "Mallory", language_code="en")
    await user.send("/start")
    await user.expect_button("English")
    before = await _conversation(bot, 3005)
    # Well-formed but signed with another key, and plain garbage.
    other = CallbackCodec(codec_key(TOKEN + "x")).encode("ob.lang", "fr")
    for data in (other, "1ob.lang:fr~AAAAAAAA", "hello"):
        await user.press_data(user.last.message_id, data)
        await user.expect_answer("expired")
    assert await _conversation(bot, 3005) == before


async def test_stale_button_from_an_earlier_step(bot: BotHarness) -> None:
    user = bot.user(3006, "Sam", language_code="en")
    await user.send("/start")
    picker = await user.expect_button("English")
    await user.press("English")
    await user.expect("Your privacy")
    await user.press("I agree")
    await user.expect("What is your name?")
    before = await _conversation(bot, 3006)
    language_button = picker.buttons[0][0].callback_data
    assert language_button is not None
    await user.press_data(picker.message_id, language_button)
    await user.expect_answer("expired")
    assert await _conversation(bot, 3006) == before


async def test_sticker_or_photo_gets_an_answer(bot: BotHarness) -> None:
    user = bot.user(3007, "Ola", language_code="en")
    await user.send_document("plan.pdf", b"%PDF-1.4")
    await user.expect("I can only read text messages and buttons here.")


async def test_partner_cannot_grant_and_the_refusal_is_audited(bot: BotHarness) -> None:
    partner = bot.user(3008, "Pat", language_code="fr", username="pat")
    await register(bot, partner, language="fr", name="Pat Martin")
    refusal = bot.catalogs.translator("fr").gettext("Sorry, only admins can do that.")
    for _ in range(3):  # each refused, audited once a minute
        await partner.send("/grant @pat coordinator")
        await partner.expect(refusal)
    async with bot.db.unit_of_work() as uow:
        me = await uow.partners.by_telegram_id(3008)
        refusals = await uow.audit.recent("access.refused")
    assert me is not None
    assert me.role == "partner"
    assert [(e.actor_telegram_id, e.detail["route"]) for e in refusals] == [(3008, "/grant")]


async def test_guest_is_asked_to_join_first(bot: BotHarness) -> None:
    guest = bot.user(3009, "Gil", language_code="en")
    await guest.send("/settings")
    await guest.expect("Please join first: send /start.")
