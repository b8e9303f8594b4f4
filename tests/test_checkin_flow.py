"""Partners send progress check-ins in the chat (/checkin): one question at a time, numbers as
they type them in their locale, a hint and the same question after a wrong answer, Skip for
optional questions, a summary to change answers before sending, and exactly one check-in per
period however often Send is tapped or an update is delivered."""

from __future__ import annotations

import html
from datetime import UTC, datetime

from bot.callbacks import CallbackCodec, codec_key
from bot.i18n import Translator
from storage.models import Checkin, CheckinStatus, StakeholderType
from tests.support.bot import TOKEN, BotHarness
from tests.support.chat import PHOTO, ChatUser
from tests.support.people import add_partner

ENGLISH, FRENCH, ARABIC = 7200, 7201, 7202
# Mid-July everywhere from Guatemala to Vanuatu: the check-in is July's.
NOW = datetime(2026, 7, 15, 6, 0, tzinfo=UTC)
TOO_LONG = "word " * 201  # 1,004 characters once trimmed: over the barrier question's 1,000
QUESTION_1 = "How many hectares were brought under restoration this month?"
FLRM = "Forest and Landscape Restoration Mechanism (FLRM)"


def _t(bot: BotHarness, language: str) -> Translator:
    return bot.catalogs.translator(language, "UTC")


def _text(t: Translator, message: str, **values: object) -> str:
    """A message as the chat shows it: HTML entities read, tags gone."""
    text = html.unescape(t.gettext(message, **values))
    for tag in ("<b>", "</b>", "<i>", "</i>"):
        text = text.replace(tag, "")
    return text


def _count(t: Translator, n: int, total: int = 7) -> str:
    return t.gettext("Question {n} of {total}", n=t.number(n), total=t.number(total))


async def _checkins(bot: BotHarness, partner_id: int) -> list[Checkin]:
    async with bot.db.unit_of_work() as uow:
        return list(await uow.checkins.recent_for(partner_id, limit=10))


def _answers(checkin: Checkin) -> dict[tuple[str, str], float | str | None]:
    return {
        (a.question_key, a.part): a.number if a.number is not None else a.text
        for a in checkin.answers
    }


async def _step(bot: BotHarness, telegram_id: int) -> tuple[str, int] | None:
    async with bot.db.unit_of_work() as uow:
        conversation = await uow.conversations.get(telegram_id)
    if conversation is None:
        return None
    return conversation.step, int(conversation.data.get("part", 0))


async def _type(user: ChatUser, *answers: str) -> None:
    """Type each answer, waiting for the bot's reply to each."""
    for answer in answers:
        await user.send(answer)
        await user.expect("")


async def _to_summary(user: ChatUser, t: Translator) -> None:
    """/checkin, then answer the required questions and skip the optional ones."""
    await user.send("/checkin")
    await _answer_from_question_1(user, t)


async def _answer_from_question_1(user: ChatUser, t: Translator) -> None:
    await user.expect(_count(t, 1))
    await _type(user, "10", "100", "200")
    await user.press(t.gettext("Skip"))
    await user.expect(_count(t, 4))
    await _type(user, "3", "4")
    for n in (6, 7):
        await user.press(t.gettext("Skip"))
        await user.expect(_count(t, n))
    await user.press(t.gettext("Skip"))
    await user.expect(_text(t, "Is all of it right? Press Send, or change an answer first."))


async def test_an_english_checkin_with_every_kind_of_wrong_answer(bot: BotHarness) -> None:
    bot.clock = lambda: NOW
    partner_id = await add_partner(bot.db, ENGLISH, name="Emma")
    emma = bot.user(ENGLISH, "Emma", language_code="en")
    t = _t(bot, "en")

    await emma.send("/checkin")
    await emma.expect(f"Check-in for {FLRM} · FLRM Cambodia, July 2026: 7 questions.")
    await emma.expect(QUESTION_1)
    hectares = "Please send a number between 0 ha and 100,000 ha, for example 12.5 ha."
    for wrong in ("abc", "-3", "100001", "12,5"):  # "12,5" is not a number in English
        await emma.send(wrong)
        hint = await emma.expect(hectares)
        assert QUESTION_1 in hint.text  # the same question again, with the hint
    await emma.send("12.5 ha")
    await emma.expect("→ Trees planted? (1 of 2)")
    await emma.send("12.5")
    await emma.expect("Please send a whole number, for example 1,200.")
    await emma.send("1,200")
    parts = await emma.expect("→ Seedlings produced in nurseries? (2 of 2)")
    assert "How many trees" not in parts.text  # the question was shown with its first part
    await emma.send("3000")
    await emma.expect(_count(t, 3))
    await emma.send("120%")
    await emma.expect("Please send a number between 0% and 100%, for example 85%.")
    await emma.send("85 %")
    await emma.expect("→ Women? (1 of 2)")
    await _type(emma, "12")
    await emma.send("15")
    await emma.expect("Send 0 for a source with none.")
    await emma.press("Skip")
    await emma.expect("What got in the way")
    await emma.send(TOO_LONG)
    await emma.expect("Please keep it to at most 1,000 characters (yours has 1,004).")
    await emma.send("Fire in March &\n<b>grazing</b>")
    await emma.expect(_count(t, 7))
    await emma.send("here it is")
    await emma.expect("Please send a photo: tap 📎 and choose one from your gallery.")
    await emma.send_photo()
    await emma.expect("Photo received.")
    await emma.send("near the river")
    await emma.expect("Please share a location: tap 📎, then choose Location.")
    await emma.send_location(11.55, 104.92)
    summary = await emma.expect(f"Your check-in for {FLRM} · FLRM Cambodia, July 2026")
    for shown in (
        "→ 12.5 ha",
        "→ Trees planted: 1,200 · Seedlings produced in nurseries: 3,000",
        "→ 85%",
        "→ Women: 12 people · Men: 15 people",
        "→ skipped",
        "→ «Fire in March &\n<b>grazing</b>»",  # typed text shown as typed, never as markup
        "→ 📷 photo, 📍 location on the map",
    ):
        assert shown in summary.text, summary.text
    assert await _checkins(bot, partner_id) == []  # nothing is stored before Send

    await emma.press("Send")
    await emma.expect("✅ Sent. Thank you! Your check-in for July 2026 is saved.")
    [checkin] = await _checkins(bot, partner_id)
    assert checkin.period_start.isoformat() == "2026-07-01"
    answers = _answers(checkin)
    photo = answers.pop(("plot_photo", ""))
    assert isinstance(photo, str)
    assert photo.startswith("sandbox-photo-")
    assert answers == {
        ("area_ha", ""): 12.5,
        ("trees", "planted"): 1200,
        ("trees", "seedlings"): 3000,
        ("survival_pct", ""): 85,
        ("people", "women"): 12,
        ("people", "men"): 15,
        ("barriers", ""): "Fire in March &\n<b>grazing</b>",
        ("plot_photo", "location"): "11.550000,104.920000",
    }
    assert await _step(bot, ENGLISH) is None


async def test_a_french_partner_types_numbers_the_french_way_and_edits_an_answer(
    bot: BotHarness,
) -> None:
    bot.clock = lambda: NOW
    partner_id = await add_partner(
        bot.db,
        FRENCH,
        name="Awa",
        language="fr",
        timezone="Africa/Ouagadougou",
        landscapes=("flrm-burkina-faso",),
    )
    awa = bot.user(FRENCH, "Awa", language_code="fr")
    t = _t(bot, "fr")
    await awa.send("/checkin")
    await awa.expect("juillet 2026")
    await awa.expect("Combien d'hectares ont été mis en restauration ce mois-ci ?")
    await awa.send("12.5")  # a point is not the French decimal sign
    await awa.expect(
        _text(
            t,
            "Please send a number between {low} and {high}, for example {example}.",
            low="0 ha",
            high="100\u202f000 ha",
            example="12,5 ha",
        )
    )
    await awa.send("1 234,5")
    await awa.expect("→ Arbres plantés")
    await _type(awa, "1 200", "3 000")
    await awa.send("85 %")
    await awa.expect("→ Femmes")
    await _type(awa, "12")
    await awa.send("15")
    await awa.expect("Envoyez 0 pour une source sans financement.")
    await _type(awa, "0", "2 500,75", "0", "0")
    await awa.press(t.gettext("Skip"))
    await awa.expect(_count(t, 7))
    await awa.press(t.gettext("Skip"))
    summary = await awa.expect("1\u202f234,5 ha")
    private = _text(t, "{part}: {value}", part="Secteur privé", value="2\u202f500,75 USD")
    assert private in summary.text
    assert "85\xa0%" in summary.text

    assert len(awa.buttons()) <= 8  # one phone screen: Send, Change an answer, Discard
    await awa.press(t.gettext("Change an answer"))
    await awa.expect_button("✏️ 7")
    assert len(awa.buttons()) <= 8
    await awa.press(t.gettext("« Back"))
    await awa.expect_button(t.gettext("Send"))
    await awa.press(t.gettext("Change an answer"))
    await awa.press("✏️ 1")
    await awa.expect("Combien d'hectares")
    await awa.send("20,25")
    summary = await awa.expect("20,25 ha")
    assert "1\u202f234,5 ha" not in summary.text
    await awa.press(t.gettext("Change an answer"))
    await awa.press("✏️ 3")
    await awa.expect(_count(t, 3))
    await awa.press(t.gettext("Keep my answer"))
    summary = await awa.expect("85\xa0%")
    assert "20,25 ha" in summary.text
    await awa.press(t.gettext("Send"))
    await awa.expect(_text(t, "Send /mycheckins to see your check-ins."))
    [checkin] = await _checkins(bot, partner_id)
    answers = _answers(checkin)
    assert answers[("area_ha", "")] == 20.25
    assert answers[("funding_usd", "private")] == 2500.75
    assert ("barriers", "") not in answers


async def test_an_arabic_partner_answers_in_arabic_indic_digits(bot: BotHarness) -> None:
    bot.clock = lambda: NOW
    partner_id = await add_partner(
        bot.db,
        ARABIC,
        name="Rami",
        language="ar",
        timezone="Asia/Beirut",
        landscapes=("flrm-lebanon",),
    )
    rami = bot.user(ARABIC, "Rami", language_code="ar")
    t = _t(bot, "ar")
    await rami.send("/checkin")
    await rami.expect("كم هكتارًا أُدخل في أعمال الإصلاح هذا الشهر؟")
    await rami.send("مئة")  # a word, not a number
    await rami.expect(
        _text(
            t,
            "Please send a number between {low} and {high}, for example {example}.",
            low="0 هكتار",
            high="100,000 هكتار",
            example="12.5 هكتار",
        )
    )
    await rami.send("١٢٫٥")  # 12.5 with Arabic-Indic digits and the Arabic decimal sign
    await rami.expect("الأشجار المزروعة")
    await rami.send("١٢٫٥")
    await rami.expect(
        _text(t, "Please send a whole number, for example {example}.", example="1,200")
    )
    await _type(rami, "٣٠٠", "٤٠٠")
    await rami.send("٨٥٪")
    await rami.expect("النساء")
    await _type(rami, "٧", "٩")
    await rami.press(t.gettext("Skip"))
    await rami.expect(_count(t, 6))
    await rami.send("لا يوجد مياه كافية")
    await rami.expect(_count(t, 7))
    await rami.send_document("notes.txt", b"not a photo")
    await rami.expect(_text(t, "Please send a photo: tap 📎 and choose one from your gallery."))
    # A photo sent "as a file" (uncompressed) is a photo too.
    await bot.api.send_document(ARABIC, "plot.png", PHOTO, mime_type="image/png")
    photo_received = (
        "Photo received. If you took it at the plot, share the plot's location too: "
        "tap 📎, then choose Location. Or press Skip."
    )
    await rami.expect(_text(t, photo_received)[:20])
    await rami.press(t.gettext("Skip"))  # no location pin
    summary = await rami.expect("12.5 هكتار")
    assert "«لا يوجد مياه كافية»" in summary.text
    await rami.press(t.gettext("Send"))
    await rami.expect(_text(t, "Send /mycheckins to see your check-ins."))
    [checkin] = await _checkins(bot, partner_id)
    answers = _answers(checkin)
    assert answers[("area_ha", "")] == 12.5
    assert answers[("survival_pct", "")] == 85
    assert (answers[("people", "women")], answers[("people", "men")]) == (7, 9)
    assert str(answers[("plot_photo", "")]).startswith("sandbox-document-")
    assert ("plot_photo", "location") not in answers


async def test_cancel_discards_the_draft_and_stores_nothing(bot: BotHarness) -> None:
    partner_id = await add_partner(bot.db, ENGLISH, name="Emma")
    emma = bot.user(ENGLISH, "Emma", language_code="en")
    t = _t(bot, "en")
    await emma.send("/checkin")
    await emma.expect(QUESTION_1)
    await _type(emma, "5")
    await emma.send("/cancel")
    await emma.expect(t.gettext("Stopped. Nothing was changed."))
    assert await _step(bot, ENGLISH) is None
    await emma.send("7")  # no longer an answer: a question for the FAQ
    await emma.expect("")
    assert await _checkins(bot, partner_id) == []
    # The summary's Discard button does the same.
    await _to_summary(emma, t)
    await emma.press(t.gettext("Discard"))
    await emma.expect(t.gettext("Discarded. Nothing was sent."))
    assert await _step(bot, ENGLISH) is None
    assert await _checkins(bot, partner_id) == []


async def test_a_half_finished_checkin_survives_a_restart(bot: BotHarness) -> None:
    partner_id = await add_partner(bot.db, ENGLISH, name="Emma")
    emma = bot.user(ENGLISH, "Emma", language_code="en")
    t = _t(bot, "en")
    await emma.send("/checkin")
    await emma.expect(QUESTION_1)
    await _type(emma, "5", "100")
    assert await _step(bot, ENGLISH) == ("q1", 1)
    await bot.restart()
    await emma.send("200")  # the second part of question 2, as before the restart
    await emma.expect(_count(t, 3))
    await emma.press("Skip")
    await emma.expect(_count(t, 4))
    await bot.restart()
    await emma.send("/checkin")  # asking again resumes rather than starting over
    await emma.expect(t.gettext("Let's continue your check-in where you left it."))
    await emma.expect("→ Women")
    await _type(emma, "1", "2")
    for n in (6, 7):
        await emma.press("Skip")
        await emma.expect(_count(t, n))
    await emma.press("Skip")
    await emma.expect("→ 5 ha")
    await bot.restart()
    await emma.press("Send")  # the summary's buttons still work after a restart
    await emma.expect("✅ Sent.")
    [checkin] = await _checkins(bot, partner_id)
    assert _answers(checkin)[("trees", "seedlings")] == 200


async def test_a_double_tap_and_a_redelivered_update_store_one_checkin(bot: BotHarness) -> None:
    partner_id = await add_partner(bot.db, ENGLISH, name="Emma")
    emma = bot.user(ENGLISH, "Emma", language_code="en")
    t = _t(bot, "en")
    await _to_summary(emma, t)
    summary = emma.last
    [send] = [b for row in summary.buttons for b in row if "Send" in b.text]
    assert send.callback_data is not None
    # Two taps before the first is answered: both are queued for the bot.
    first = await emma.press_data(summary.message_id, send.callback_data)
    await emma.press_data(summary.message_id, send.callback_data)
    await emma.expect_answer(t.gettext("This button has expired. Please use the latest message."))
    await emma.expect("✅ Sent.")
    assert len(await _checkins(bot, partner_id)) == 1

    bot.api.redeliver(bot.api.update_of_press(first))  # Telegram delivers at least once
    await emma.expect_nothing(0.5)
    [checkin] = await _checkins(bot, partner_id)
    assert _answers(checkin)[("area_ha", "")] == 10

    # A typed answer delivered twice is one answer, not the answer to the next question too.
    await emma.send("/checkin")
    await emma.expect(QUESTION_1)
    update_id = await emma.send("8")
    await emma.expect("→ Trees planted")
    bot.api.redeliver(update_id)
    await emma.expect_nothing(0.5)
    assert await _step(bot, ENGLISH) == ("q1", 0)


async def test_sending_again_in_the_same_period_replaces_the_checkin(bot: BotHarness) -> None:
    bot.clock = lambda: NOW
    partner_id = await add_partner(bot.db, ENGLISH, name="Emma")
    emma = bot.user(ENGLISH, "Emma", language_code="en")
    t = _t(bot, "en")
    await _to_summary(emma, t)
    await emma.press("Send")
    await emma.expect("✅ Sent.")
    await emma.send("/checkin")
    again = "You already sent a check-in for July 2026; sending this one replaces it."
    await emma.expect(again)
    await _type(emma, "33")
    await emma.send("/cancel")
    await emma.expect("Stopped.")
    [checkin] = await _checkins(bot, partner_id)
    assert _answers(checkin)[("area_ha", "")] == 10  # cancelling kept the first one whole

    await _to_summary(emma, t)
    await emma.press("Change an answer")
    await emma.press("✏️ 1")
    await emma.expect(QUESTION_1)
    await emma.send("44")
    summary = await emma.expect("→ 44 ha")
    assert again in summary.text
    await emma.press("Send")
    await emma.expect("It replaces the one you sent before.")
    [checkin] = await _checkins(bot, partner_id)
    assert _answers(checkin)[("area_ha", "")] == 44


async def test_who_reports_for_what(bot: BotHarness) -> None:
    """Funders do not report; partners without a programme with a check-in have none; a
    partner in two landscapes of the programme chooses which one this check-in is about."""
    t = _t(bot, "en")
    await add_partner(bot.db, 7210, name="Kim", kind=StakeholderType.FUNDER)
    funder = bot.user(7210, "Kim", language_code="en")
    await funder.send("/checkin")
    await funder.expect("Check-ins are for partners who report progress on the ground")
    assert await _step(bot, 7210) is None

    await add_partner(bot.db, 7211, name="Lin", landscapes=())
    outsider = bot.user(7211, "Lin", language_code="en")
    await outsider.send("/checkin")
    await outsider.expect(t.gettext("There is no check-in to send for your programmes yet."))

    places = ("flrm-cambodia", "flrm-vanuatu")
    partner_id = await add_partner(bot.db, 7212, name="Sok", landscapes=places)
    sok = bot.user(7212, "Sok", language_code="en")
    await sok.send("/checkin")
    await sok.expect(t.gettext("Which landscape is this check-in about?"))
    await sok.press("FLRM Vanuatu")
    await sok.expect(f"Check-in for {FLRM} · FLRM Vanuatu")
    await _answer_from_question_1(sok, t)
    await sok.press("Send")
    await sok.expect("✅ Sent.")
    [checkin] = await _checkins(bot, partner_id)
    async with bot.db.unit_of_work() as uow:
        vanuatu = await uow.places.landscape_by_slug("flrm-vanuatu")
    assert vanuatu is not None
    assert checkin.landscape_id == vanuatu.id


async def test_the_prompt_button_starts_the_checkin_of_its_programme(bot: BotHarness) -> None:
    codec = CallbackCodec(codec_key(TOKEN))
    async with bot.db.unit_of_work() as uow:
        flrm, lpa = await uow.programmes.by_slug("flrm"), await uow.programmes.by_slug("lpa")
    assert flrm is not None
    assert lpa is not None
    await add_partner(bot.db, ENGLISH, name="Emma")
    emma = bot.user(ENGLISH, "Emma", language_code="en")
    await emma.send("/help")
    menu = await emma.expect("")
    await emma.press_data(menu.message_id, codec.encode("ci.start", lpa.id))
    await emma.expect("You are no longer part of that programme, so there is nothing to send.")
    await emma.send("/help")
    menu = await emma.expect("")
    await emma.press_data(menu.message_id, codec.encode("ci.start", flrm.id))
    await emma.expect(QUESTION_1)
    await _type(emma, "3")
    await emma.send("/help")
    menu = await emma.expect("")
    await emma.press_data(menu.message_id, codec.encode("ci.start", flrm.id))
    await emma.expect("Let's continue your check-in where you left it.")
    await emma.expect("→ Trees planted")

    await add_partner(bot.db, 7213, name="Kim", kind=StakeholderType.FUNDER)
    funder = bot.user(7213, "Kim", language_code="en")
    await funder.send("/help")
    menu = await funder.expect("")
    await funder.press_data(menu.message_id, codec.encode("ci.start", flrm.id))
    await funder.expect("nothing for you to send")


async def test_the_main_menu_starts_a_checkin_and_old_buttons_are_stale(bot: BotHarness) -> None:
    t = _t(bot, "en")
    await add_partner(bot.db, ENGLISH, name="Emma")
    emma = bot.user(ENGLISH, "Emma", language_code="en")
    await emma.send("/start")
    await emma.expect_button(t.gettext("Report your progress"))
    assert emma.buttons()[0] == t.gettext("Report your progress")  # first in the menu
    await emma.press(t.gettext("Report your progress"))
    await emma.expect(QUESTION_1)
    await _type(emma, "1", "2", "3")
    survival = emma.last  # question 3, optional: it has a Skip button
    [skip] = [b for row in survival.buttons for b in row]
    assert skip.callback_data is not None
    await emma.send_photo()  # a photo where a number is expected: a hint, nothing stored
    await emma.expect("Please send a number between 0% and 100%")
    await _type(emma, "50")
    await emma.press_data(survival.message_id, skip.callback_data)  # question 3 is answered
    await emma.expect_answer(t.gettext("This button has expired. Please use the latest message."))
    assert await _step(bot, ENGLISH) == ("q3", 0)
    await emma.send("/cancel")
    await emma.expect("Stopped.")
    await emma.send_photo()  # outside any flow the bot cannot read photos
    await emma.expect(t.gettext("I can only read text messages and buttons here."))
    await emma.send_location(11.5, 104.9)
    await emma.expect(t.gettext("I can only read text messages and buttons here."))


async def test_partners_see_only_their_own_checkins_and_how_they_were_received(
    bot: BotHarness,
) -> None:
    bot.clock = lambda: NOW
    t = _t(bot, "en")
    emma_id = await add_partner(bot.db, ENGLISH, name="Emma")
    emma = bot.user(ENGLISH, "Emma", language_code="en")
    await emma.send("/mycheckins")
    await emma.expect(t.gettext("You have not sent any check-ins yet. Send /checkin to send one."))
    await _to_summary(emma, t)
    await emma.press("Send")
    await emma.expect("✅ Sent.")
    awa_id = await add_partner(
        bot.db, FRENCH, name="Awa", language="fr", landscapes=("flrm-burkina-faso",)
    )
    awa = bot.user(FRENCH, "Awa", language_code="fr")
    fr = _t(bot, "fr")
    await awa.send("/checkin")
    await awa.expect(_count(fr, 1))
    await _type(awa, "2 500,5", "1", "2")
    await awa.press(fr.gettext("Skip"))
    await awa.expect(_count(fr, 4))
    await _type(awa, "3", "4")
    for n in (6, 7):
        await awa.press(fr.gettext("Skip"))
        await awa.expect(_count(fr, n))
    await awa.press(fr.gettext("Skip"))
    await awa.press(fr.gettext("Send"))
    await awa.expect("✅")
    [flagged] = await _checkins(bot, awa_id)
    async with bot.db.unit_of_work() as uow:  # as a coordinator's review leaves it
        stored = await uow.checkins.get(flagged.id)
        assert stored is not None
        stored.status = CheckinStatus.FLAGGED
        stored.review_comment = "Les 2 500 ha : sur quel site ?"

    await awa.send("/mycheckins")
    card = await awa.expect("2\u202f500,5 ha")
    assert "FLRM Burkina Faso — juillet 2026" in card.text
    assert (
        _text(fr, "Status: {status}", status=fr.gettext("Flagged: the coordinator has a question"))
        in card.text
    )
    assert "Les 2 500 ha : sur quel site ?" in card.text
    assert "10 ha" not in card.text  # Emma's answers are hers alone
    await emma.send("/mycheckins")
    card = await emma.expect("FLRM Cambodia — July 2026")
    assert _text(t, "Status: {status}", status=t.gettext("Sent, not reviewed yet")) in card.text
    assert "→ 10 ha" in card.text
    assert "2,500.5" not in card.text
    assert [c.partner_id for c in await _checkins(bot, emma_id)] == [emma_id]


async def test_a_question_with_parts_is_shown_once_then_each_part_alone(bot: BotHarness) -> None:
    """The funding question has four parts: its text comes once, with the first part; each
    later part says only itself and its step, even after a wrong answer."""
    await add_partner(bot.db, FRENCH, name="Élise", language="fr")
    elise = bot.user(FRENCH, "Élise", language_code="fr")
    t = _t(bot, "fr")
    await elise.send("/checkin")
    await elise.expect(_count(t, 1))
    await _type(elise, "10", "100", "200")
    await elise.press(t.gettext("Skip"))
    await elise.expect(_count(t, 4))
    await _type(elise, "3", "4")
    funding = "Quels financements ont été mobilisés"
    first = elise.last  # the reply to the last answer to question 4
    assert funding in first.text
    assert _text(t, "{part}?", part="Fonds publics nationaux") in first.text
    await elise.send("5")
    second = await elise.expect(_text(t, "{part}?", part="Secteur privé"))
    step = _text(t, "{n} of {total}", n=t.number(2), total=t.number(4))
    assert f"→ {_text(t, '{part}?', part='Secteur privé')} ({step})" == second.text
    await elise.send("beaucoup")
    hint = await elise.expect(_text(t, "{part}?", part="Secteur privé"))
    assert funding not in hint.text
    assert _count(t, 5) not in hint.text
    await _type(elise, "6", "7", "8")
    assert _count(t, 6) in elise.last.text
    shown = [m.text for m in bot.api.messages(FRENCH) if funding in m.text]
    assert len(shown) == 1, shown
