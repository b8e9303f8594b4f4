"""A broadcast going out, end to end through the bot's own dispatcher: partners in English,
French, Arabic and Khmer each get their language's version (or the English one marked as
such), the text arrives exactly as typed, partners who blocked the bot are counted, the
coordinator's progress message becomes the report, /broadcasts lists it, and "Got it" is
counted once however often it is pressed."""

from __future__ import annotations

from datetime import timedelta

from bot.callbacks import CallbackCodec, codec_key
from bot.i18n import escape
from handlers.broadcasts.views import (
    TELEGRAM_TEXT_MAX,
    longest_marker,
    marker,
    visible_length,
)
from storage.models import BroadcastStatus, DeliveryStatus, Role, StakeholderType
from tests.support.audience import broadcasts, compose, local_time, outcomes
from tests.support.bot import TOKEN, BotHarness
from tests.support.people import add_partner

COORDINATOR, ENGLISH, FRENCH, ARABIC, KHMER = 7600, 7601, 7602, 7603, 7604
BLOCKED_EN, BLOCKED_KM, GONE_FR = 7605, 7606, 7607
TEXT = "Field visit on Monday: <b>bring boots</b> & water"
VERSION = "Visite de terrain lundi : <b>bottes</b> & eau"
CODEC = CallbackCodec(codec_key(TOKEN))
SENDING_TIME = 20.0  # seconds: the dispatcher's and the progress job's polls, with room


async def _partners(bot: BotHarness) -> None:
    await add_partner(bot.db, COORDINATOR, name="Cora", role=Role.COORDINATOR)
    await add_partner(bot.db, ENGLISH, name="Emma")
    await add_partner(bot.db, FRENCH, name="Claire", language="fr", kind=StakeholderType.NGO)
    lebanon = ("flrm-lebanon",)
    await add_partner(bot.db, ARABIC, name="Rami", language="ar", landscapes=lebanon)
    await add_partner(bot.db, KHMER, name="Sokha", language="km")
    await add_partner(bot.db, BLOCKED_EN, name="Ben")
    await add_partner(bot.db, BLOCKED_KM, name="Dara", language="km")
    await add_partner(bot.db, GONE_FR, name="Luc", language="fr")


async def test_a_broadcast_reaches_every_language_and_reports_back(bot: BotHarness) -> None:
    await _partners(bot)
    for chat_id in (BLOCKED_EN, BLOCKED_KM):
        bot.api.inject_fault(
            "sendMessage",
            chat_id=chat_id,
            error_code=403,
            description="Forbidden: bot was blocked by the user",
        )
    bot.api.inject_fault(
        "sendMessage", chat_id=GONE_FR, error_code=400, description="Bad Request: chat not found"
    )
    # One slow send keeps the broadcast going long enough to watch its progress.
    bot.api.inject_fault("sendMessage", chat_id=KHMER, error_code=0, description="", delay=3.5)
    readers = {
        language: bot.user(telegram_id, "Reader", language_code=language)
        for telegram_id, language in (
            (ENGLISH, "en"),
            (FRENCH, "fr"),
            (ARABIC, "ar"),
            (KHMER, "km"),
        )
    }
    coordinator = bot.user(COORDINATOR, "Cora", language_code="en")
    preview = await compose(
        coordinator, TEXT, roles=["Partners"], versions={"Français": VERSION}, ack=True
    )
    assert "7 recipients: English 2, Français 2, ខ្មែរ 2, العربية 1" in preview.text
    await coordinator.press("Send")
    await coordinator.expect("Sending your broadcast… 0 / 7")
    await coordinator.expect("Sending your broadcast… 6 / 7", within=SENDING_TIME)

    # Each partner reads their own version; those without one, the English marked as such.
    english = await readers["en"].expect("Field visit", within=SENDING_TIME)
    assert english.text == TEXT  # the coordinator's "<b>" arrives as typed, not as bold
    french = await readers["fr"].expect("Visite de terrain", within=SENDING_TIME)
    assert french.text == VERSION
    assert english.html == escape(TEXT)
    for language in ("ar", "km"):
        message = await readers[language].expect("Field visit", within=SENDING_TIME)
        marked = marker(bot.catalogs.translator(language), "en")
        assert message.html == escape(TEXT) + "\n\n" + marked
    assert [b.text for row in english.buttons for b in row] == ["Got it"]

    # The progress message becomes the report.
    report = await coordinator.expect("Delivered: 4", within=SENDING_TIME)
    assert report.message_id == preview.message_id
    assert report.edited
    for line in ("Blocked the bot: 2", "Failed: 1", "Skipped: 0", "“Got it”: 0"):
        assert line in report.text
    assert "chat not found" in report.text.lower()
    [broadcast] = await broadcasts(bot.db)
    assert broadcast.status == BroadcastStatus.DONE
    assert broadcast.finished_at is not None
    assert await outcomes(bot.db, broadcast.id) == {
        DeliveryStatus.SENT: 4,
        DeliveryStatus.BLOCKED: 2,
        DeliveryStatus.FAILED: 1,
    }

    # "Got it", pressed twice, counts once; the button shows it was pressed.
    got_it = next(b for row in english.buttons for b in row)
    assert got_it.callback_data is not None
    await readers["en"].press("Got it")
    await readers["en"].expect_answer("Thanks")
    await readers["en"].expect_button("✓ Got it")
    await readers["en"].press_data(english.message_id, got_it.callback_data)
    await readers["en"].expect_answer("Thanks")
    await readers["fr"].press(bot.catalogs.translator("fr").gettext("Got it"))
    await readers["fr"].expect_answer("")

    await coordinator.send("/broadcasts")
    listing = await coordinator.expect("Recent broadcasts")
    assert f"#{broadcast.id}" in listing.text
    assert (
        "Delivered: 4 · Blocked the bot: 2 · Failed: 1 · Skipped: 0 · “Got it”: 2" in listing.text
    )
    await coordinator.press(f"Report #{broadcast.id}")
    full = await coordinator.expect("Why some were not delivered")
    assert "“Got it”: 2" in full.text


async def test_a_scheduled_broadcast_goes_out_after_a_restart_to_the_audience_then(
    bot: BotHarness,
) -> None:
    await add_partner(bot.db, COORDINATOR, name="Cora", role=Role.COORDINATOR)
    await add_partner(bot.db, ENGLISH, name="Emma")
    coordinator = bot.user(COORDINATOR, "Cora", language_code="en")
    english = bot.user(ENGLISH, "Emma", language_code="en")
    # As long as allowed: Telegram must still take it with the longest "(in English)" marker.
    catalogs = bot.catalogs
    widest = max(
        (code for code in catalogs.languages if code != "en"),
        key=lambda code: visible_length(marker(catalogs.translator(code), "en")),
    )
    limit = TELEGRAM_TEXT_MAX - longest_marker(catalogs, "en")
    text = "Workshop at nine & <bring> boots "
    text += "x" * (limit - len(text))
    typed, moment = local_time(days=1, hour=9)
    await compose(coordinator, text, roles=["Partners"], when=typed)
    await coordinator.press("Schedule")
    confirmation = await coordinator.expect("Scheduled for")

    await bot.restart()
    # Someone joins after it was scheduled: the audience is counted when it goes out.
    await add_partner(bot.db, FRENCH, name="Claire", language=widest)
    late = bot.user(FRENCH, "Claire", language_code=widest)
    await english.expect_nothing(within=2.5)

    bot.clock = lambda: moment + timedelta(minutes=1)
    assert (await english.expect("Workshop at nine", within=SENDING_TIME)).text == text
    marked = await late.expect("Workshop at nine", within=SENDING_TIME)
    assert marked.html == escape(text) + "\n\n" + marker(catalogs.translator(widest), "en")
    report = await coordinator.expect("Delivered: 2", within=SENDING_TIME)
    assert report.message_id != confirmation.message_id  # a new message, days later
    assert "Failed: 0" in report.text

    # The sender was not asked for a "Got it": a forged press is refused.
    [broadcast] = await broadcasts(bot.db)
    await english.press_data(english.last.message_id, CODEC.encode("bc.ack", broadcast.id))
    await english.expect_answer("This button has expired")
    async with bot.db.unit_of_work() as uow:
        assert await uow.broadcasts.ack_count(broadcast.id) == 0
