"""Partners answer Attend / Maybe / Can't attend under an event card (and under reminders, see
test_reminder_delivery.py): the answer is stored and shown, can be changed, and is refused
kindly for a cancelled or finished event, an event the partner cannot see, or forged data."""

from __future__ import annotations

from datetime import timedelta

from bot.callbacks import CallbackCodec, codec_key
from bot.i18n import Translator
from storage.models import RsvpAnswer, utcnow
from tests.support.bot import TOKEN, BotHarness
from tests.support.chat import ChatUser
from tests.support.people import add_event, add_partner

PARTNER, OUTSIDER = 8301, 8302


async def _answer(bot: BotHarness, event_id: int, telegram_id: int) -> RsvpAnswer | None:
    async with bot.db.unit_of_work() as uow:
        partner = await uow.partners.by_telegram_id(telegram_id)
        assert partner is not None
        rsvp = await uow.rsvps.get(event_id, partner.id)
    return RsvpAnswer(rsvp.answer) if rsvp else None


def _fr(bot: BotHarness) -> Translator:
    return bot.catalogs.translator("fr", "Europe/Paris")


async def _claire(bot: BotHarness) -> ChatUser:
    await add_partner(bot.db, PARTNER, name="Claire", language="fr", timezone="Europe/Paris")
    return bot.user(PARTNER, "Claire", language_code="fr")


async def test_a_partner_answers_under_the_event_card_and_can_change_it(bot: BotHarness) -> None:
    claire, fr = await _claire(bot), _fr(bot)
    event_id = await add_event(bot.db, "Progress meeting", starts_in=timedelta(days=2))
    await claire.send(f"/event {event_id}")
    await claire.expect(fr.gettext("Will you attend?"))
    await claire.press(fr.gettext("✅ Attend"))
    attend = fr.gettext("✅ Attend")
    await claire.expect_answer(fr.gettext("Noted: {answer}", answer=attend))
    card = await claire.expect(fr.gettext("Your answer: {answer}", answer=attend))
    assert card.edited  # the card itself, redrawn
    assert "Progress meeting" in card.text
    assert await _answer(bot, event_id, PARTNER) == RsvpAnswer.YES
    await claire.press(fr.gettext("🤔 Maybe"))  # the buttons are still there to change it
    await claire.expect(fr.gettext("Your answer: {answer}", answer=fr.gettext("🤔 Maybe")))
    assert await _answer(bot, event_id, PARTNER) == RsvpAnswer.MAYBE
    # Opening the card again shows the answer given.
    await claire.send("/events")
    await claire.press("Progress meeting")
    await claire.expect(fr.gettext("Your answer: {answer}", answer=fr.gettext("🤔 Maybe")))


async def test_a_cancelled_event_refuses_answers_and_changes_nothing(bot: BotHarness) -> None:
    claire, fr = await _claire(bot), _fr(bot)
    event_id = await add_event(bot.db, "Progress meeting", starts_in=timedelta(days=2))
    await claire.send(f"/event {event_id}")
    await claire.expect(fr.gettext("Will you attend?"))
    async with bot.db.unit_of_work() as uow:
        event = await uow.events.get(event_id)
        assert event is not None
        event.cancelled_at = utcnow()
    await claire.press(fr.gettext("✅ Attend"))
    await claire.expect_answer(fr.gettext("This event was cancelled."))
    assert await _answer(bot, event_id, PARTNER) is None
    redrawn = await claire.expect("Progress meeting")  # the card, without the answer buttons
    assert redrawn.edited
    assert fr.gettext("✅ Attend") not in claire.buttons()


async def test_a_finished_event_has_no_answer_buttons(bot: BotHarness) -> None:
    claire, fr = await _claire(bot), _fr(bot)
    event_id = await add_event(bot.db, "Progress meeting", starts_in=timedelta(days=-2))
    await claire.send(f"/event {event_id}")
    card = await claire.expect("Progress meeting")
    assert fr.gettext("Will you attend?") not in card.text
    assert fr.gettext("✅ Attend") not in claire.buttons()


async def test_forged_or_foreign_answers_are_refused(bot: BotHarness) -> None:
    claire, fr = await _claire(bot), _fr(bot)
    await add_partner(bot.db, OUTSIDER, landscapes=())  # in no FLRM landscape
    event_id = await add_event(
        bot.db, "Progress meeting", starts_in=timedelta(days=2), landscapes=("flrm-cambodia",)
    )
    await claire.send(f"/event {event_id}")
    card = await claire.expect(fr.gettext("Will you attend?"))
    codec = CallbackCodec(codec_key(TOKEN))
    expired = fr.gettext("This button has expired. Please use the latest message.")
    for data in (
        f"1rsvp:{event_id}:y:c~AAAAAAAA",  # not signed by the bot
        codec.encode("rsvp", event_id, "x", "c"),  # no such answer
        codec.encode("rsvp", event_id, "y", "z"),  # no such place for the buttons
        codec.encode("rsvp", 999_999, "y", "c"),  # no such event
    ):
        await claire.press_data(card.message_id, data)
        await claire.expect_answer(expired)
    assert await _answer(bot, event_id, PARTNER) is None
    # Signed data, but for an event this partner is not invited to.
    outsider = bot.user(OUTSIDER, "Lin", language_code="en")
    await outsider.send("/events")
    listing = await outsider.expect("no upcoming events")
    await outsider.press_data(listing.message_id, codec.encode("rsvp", event_id, "y", "c"))
    await outsider.expect_answer("This event is not open to you.")
    assert await _answer(bot, event_id, OUTSIDER) is None
