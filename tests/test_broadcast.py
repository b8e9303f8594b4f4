"""Composing a broadcast in the chat (/broadcast): every answer is checked and a bad one changes
nothing, coordinators reach only their programmes however the buttons are forged, partners
cannot broadcast at all, and a scheduled broadcast can be cancelled before it goes out."""

from __future__ import annotations

from bot.callbacks import CallbackCodec, codec_key
from handlers.broadcasts.views import TELEGRAM_TEXT_MAX, longest_marker
from storage.models import BroadcastStatus, Role, StakeholderType
from tests.support.audience import (
    add_landscape,
    audit,
    batch_of,
    broadcasts,
    compose,
    draft,
    local_time,
)
from tests.support.bot import TOKEN, BotHarness
from tests.support.chat import ChatUser
from tests.support.people import add_partner
from tests.support.waiting import until

COORDINATOR, ENGLISH, FRENCH, ARABIC, KHMER, OUTSIDER, PARTNER, ADMIN = (
    7500,
    7501,
    7502,
    7503,
    7504,
    7505,
    7506,
    9000,
)
CODEC = CallbackCodec(codec_key(TOKEN))


async def _people(bot: BotHarness) -> ChatUser:
    """A FLRM coordinator, FLRM partners in four languages and one LPA partner."""
    await add_partner(bot.db, COORDINATOR, name="Cora", role=Role.COORDINATOR)
    await add_partner(bot.db, ENGLISH, name="Emma")
    await add_partner(bot.db, FRENCH, name="Claire", language="fr", kind=StakeholderType.NGO)
    lebanon = ("flrm-lebanon",)
    await add_partner(bot.db, ARABIC, name="Rami", language="ar", landscapes=lebanon)
    await add_partner(bot.db, KHMER, name="Sokha", language="km")
    await add_landscape(
        bot.db,
        "lpa-mongolia",
        programme="lpa",
        name="LPA Gobi",
        country="MN",
        timezone="Asia/Ulaanbaatar",
    )
    await add_partner(bot.db, OUTSIDER, name="Bat", landscapes=("lpa-mongolia",))
    return bot.user(COORDINATOR, "Cora", language_code="en")


async def test_every_answer_is_checked_before_a_broadcast_is_scheduled(bot: BotHarness) -> None:
    coordinator = await _people(bot)
    await coordinator.send("/broadcast")
    panel = await coordinator.expect("Who should receive it?")
    assert "Forest and Landscape Restoration Mechanism" in panel.text
    assert "5 recipients: English 2, العربية 1, Français 1, ខ្មែរ 1" in panel.text

    # Nobody matches: the flow says so and stays at the audience.
    await coordinator.press("Roles")
    await coordinator.expect("choose who to include")
    await coordinator.press("Admins")
    await coordinator.expect("0 recipients")
    await coordinator.press("« Back")
    await coordinator.expect("Who should receive it?")
    await coordinator.press("Continue »")
    await coordinator.expect_answer("No one matches this audience")
    assert (await draft(bot.db, COORDINATOR) or ("", "", {}))[1] == "audience"
    await coordinator.press("Roles: 1")
    await coordinator.press("✓ Admins")
    await coordinator.press("Partners")
    await coordinator.expect("4 recipients")
    await coordinator.press("« Back")
    await coordinator.press("Continue »")
    await coordinator.expect("Send the message in English")

    # Too long, counted as Telegram counts (escaping is free, an emoji takes two), with room
    # kept for the "(in English)" marker; empty.
    limit = TELEGRAM_TEXT_MAX - longest_marker(bot.catalogs, "en")
    await coordinator.send("🌳" * 2100)
    await coordinator.expect(
        f"This message is too long: 4,200 characters, and at most {limit:,} fit"
    )
    await coordinator.send("x" * (limit - 1) + "&<")
    await coordinator.expect("too long")
    assert "texts" not in (await draft(bot.db, COORDINATOR) or ("", "", {}))[2]
    await coordinator.send("   ")
    await coordinator.expect("Please send the message as text.")
    assert "texts" not in (await draft(bot.db, COORDINATOR) or ("", "", {}))[2]

    await coordinator.send("<b>x</b> & co")
    await coordinator.expect("followed by (in English)")
    await coordinator.press("Français")
    await coordinator.expect("Send the message in French.")
    await coordinator.send("Bonjour & <i>tous</i>")
    await coordinator.expect_button("✓ Français")
    await coordinator.press("Continue »")
    await coordinator.expect("When should it go out?")

    # Times that cannot be used: unreadable, impossible, past, too far ahead.
    for typed, hint in (
        ("next tuesday", "Please send the day and the time together"),
        ("soon-ish", "I couldn't read that as a date and time"),
        ("2026-02-30 10:00", "There is no such date or time"),
        ("2020-01-01 10:00", "That time has already passed"),
        (local_time(61, 10)[0], "please choose a time within 60 days"),
    ):
        await coordinator.send(typed)
        await coordinator.expect(hint)
    assert (await draft(bot.db, COORDINATOR) or ("", "", {}))[1] == "schedule"
    typed, moment = local_time(2, 9, 30)
    await coordinator.send(typed)
    await coordinator.expect("Add a “Got it” button")
    await coordinator.press("No")
    preview = await coordinator.expect("Preview")
    assert "<b>x</b> & co" in preview.text  # the coordinator's text, literally
    assert "4 recipients: العربية 1, English 1, Français 1, ខ្មែរ 1" in preview.text
    t = bot.catalogs.translator("en", "Asia/Phnom_Penh")
    assert f"When: {t.when(moment)}" in preview.text
    assert "“Got it” button: no" in preview.text

    schedule = next(b for row in preview.buttons for b in row if b.text == "Schedule")
    await coordinator.press("Schedule")
    await coordinator.expect("Scheduled for")
    [broadcast] = await broadcasts(bot.db)
    assert broadcast.text == {
        "en": "&lt;b&gt;x&lt;/b&gt; &amp; co",
        "fr": "Bonjour &amp; &lt;i&gt;tous&lt;/i&gt;",
    }
    assert (broadcast.default_language, broadcast.ask_ack) == ("en", False)
    assert broadcast.audience["roles"] == ["partner"]
    assert (broadcast.send_at, broadcast.status) == (moment, BroadcastStatus.SCHEDULED)
    batch = await batch_of(bot.db, broadcast.id)
    assert batch is not None
    assert (batch.due_at, batch.payload) == (moment, {"broadcast": broadcast.id})
    [created] = await audit(bot.db, "broadcast.created")
    assert (created["broadcast"], created["recipients"]) == (broadcast.id, 4)
    assert await draft(bot.db, COORDINATOR) is None

    # A double tap on the confirmation is stale: still one broadcast.
    assert schedule.callback_data is not None
    await coordinator.press_data(preview.message_id, schedule.callback_data)
    await coordinator.expect_answer("This button has expired")
    assert len(await broadcasts(bot.db)) == 1


async def test_a_coordinator_reaches_only_their_programmes(bot: BotHarness) -> None:
    coordinator = await _people(bot)
    async with bot.db.unit_of_work() as uow:
        gobi = await uow.places.landscape_by_slug("lpa-mongolia")
        lpa = await uow.programmes.by_slug("lpa")
    assert gobi is not None
    assert lpa is not None
    await coordinator.send("/broadcast")
    panel = await coordinator.expect("Who should receive it?")

    # Another programme's landscape, another programme, everyone: refused, nothing changes.
    for forged in (
        CODEC.encode("bc.tog", "l", gobi.id),
        CODEC.encode("bc.prog", lpa.id),
        CODEC.encode("bc.prog", 0),
        CODEC.encode("bc.tog", "r", "owner"),
    ):
        await coordinator.press_data(panel.message_id, forged)
        await coordinator.expect_answer("This button has expired")
    state = await draft(bot.db, COORDINATOR)
    assert state is not None
    assert state[2]["audience"]["landscapes"] == []

    # The coordinator leaves FLRM while composing: the next press and the confirm are refused.
    await coordinator.press("Landscapes")
    await coordinator.press("FLRM Cambodia")
    await coordinator.expect_button("✓ FLRM Cambodia")
    assert len(coordinator.buttons()) <= 8  # ten landscapes, paged to fit a phone
    await coordinator.press("▶")
    await coordinator.expect_button("◀")
    assert len(coordinator.buttons()) <= 8
    await coordinator.press("◀")
    await coordinator.expect_button("✓ FLRM Cambodia")  # still chosen after paging
    await coordinator.press("« Back")
    await coordinator.press("Continue »")
    await coordinator.expect("Send the message in English")
    await coordinator.send("Field visit on Monday")
    await coordinator.expect("You can add a version")
    await coordinator.press("Continue »")
    await coordinator.expect("When should it go out?")
    await coordinator.press("Send now")
    await coordinator.expect("Add a “Got it” button")
    await coordinator.press("No")
    await coordinator.expect("Preview")
    async with bot.db.unit_of_work() as uow:
        partner = await uow.partners.by_telegram_id(COORDINATOR)
        assert partner is not None
        await uow.partners.set_landscapes(partner, [gobi])
    await coordinator.press("Send")
    await coordinator.expect_answer("This button has expired")
    await coordinator.press("Change audience")
    await coordinator.expect_answer("This button has expired")
    assert await broadcasts(bot.db) == []


async def test_partners_cannot_broadcast(bot: BotHarness) -> None:
    await _people(bot)
    await add_partner(bot.db, PARTNER, name="Pat")
    partner = bot.user(PARTNER, "Pat", language_code="en")
    for command in ("/broadcast", "/broadcasts"):
        await partner.send(command)
        await partner.expect("Sorry, only coordinators and admins can do that.")
    await partner.send("/help")
    assert "/broadcast" not in (await partner.expect("What I can do")).text
    message = partner.last
    await partner.press_data(message.message_id, CODEC.encode("bc.next"))
    await partner.expect_answer("only coordinators and admins")
    assert await draft(bot.db, PARTNER) is None


async def test_an_admin_can_reach_everyone(bot: BotHarness) -> None:
    await _people(bot)
    await add_partner(bot.db, ADMIN, name="Ada", role=Role.ADMIN)
    admin = bot.user(ADMIN, "Ada", language_code="en")
    await admin.send("/broadcast")
    await admin.expect("Who is the broadcast for?")
    await admin.press("Everyone")
    panel = await admin.expect("Who should receive it?")
    assert "7 recipients" in panel.text  # every registered partner, LPA's too
    assert not any("Landscapes" in label for label in admin.buttons())


async def test_a_scheduled_broadcast_can_be_cancelled(bot: BotHarness) -> None:
    coordinator = await _people(bot)
    typed, _ = local_time(3, 8)
    await compose(coordinator, "Reminder: reports are due", when=typed)
    await coordinator.press("Schedule")
    await coordinator.expect("Scheduled for")
    [broadcast] = await broadcasts(bot.db)

    await coordinator.send("/broadcasts")
    listing = await coordinator.expect("Recent broadcasts")
    assert "scheduled for" in listing.text
    assert "Reminder: reports are due" in listing.text
    await coordinator.press(f"Cancel #{broadcast.id}")
    await coordinator.expect_answer("Cancelled")
    [cancelled] = await broadcasts(bot.db)
    assert cancelled.status == BroadcastStatus.CANCELLED
    assert await batch_of(bot.db, broadcast.id) is None
    assert [entry["broadcast"] for entry in await audit(bot.db, "broadcast.cancelled")] == [
        broadcast.id
    ]
    # The listing is edited after the press is answered; its Cancel button goes.
    await until(lambda: f"Cancel #{broadcast.id}" not in coordinator.buttons(), within=5)
