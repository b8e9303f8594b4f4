"""/faq and /unanswered: coordinators write the answers partners get to their free-text
questions — adding, editing and deleting FAQ entries, and answering what nothing matched."""

from __future__ import annotations

from sqlalchemy import select

from storage.models import FaqEntry, Question, Role
from tests.support.bot import BotHarness
from tests.support.chat import ChatUser
from tests.support.people import add_partner

COORDINATOR = 6001
PARTNER = 6002
EN = "en"
NURSERY_ANSWER = "The Kampot nursery opens every Monday and Thursday from 7:00 to 11:00."
FERTILIZER = "what is the price of fertilizer in Kampot?"
FERTILIZER_ANSWER = "A 50 kg bag costs about 30 USD at the Kampot cooperative this season."


# The first question after an edit waits for the new texts to be embedded: seconds on a busy
# machine.
EMBEDDING = 20.0


async def _people(bot: BotHarness, language: str = EN) -> tuple[ChatUser, ChatUser]:
    """A coordinator of FLRM (Cambodia) and a partner there, in `language`."""
    await add_partner(bot.db, COORDINATOR, role=Role.COORDINATOR, language=language)
    await add_partner(bot.db, PARTNER, language=language)
    return (
        bot.user(COORDINATOR, "Chantha", language_code=language),
        bot.user(PARTNER, "Pich", language_code=language),
    )


async def _entry(bot: BotHarness, slug: str) -> FaqEntry | None:
    async with bot.db.unit_of_work() as uow:
        return await uow.faq.by_slug(slug)


async def test_coordinator_adds_an_entry_and_partners_get_its_answer(bot: BotHarness) -> None:
    t = bot.catalogs.translator(EN)
    coordinator, partner = await _people(bot)
    await coordinator.send("/faq")
    await coordinator.expect(t.gettext("Questions partners ask. Choose one to edit it:"))
    listed = coordinator.buttons()
    assert "Who funds the FLRM?" in listed
    assert "What is Landscape Partnership Asia?" not in listed  # another programme's
    assert not any("UN Decade" in label for label in listed)  # partnership-wide: admins only
    await coordinator.press(t.gettext("Add a question"))
    await coordinator.expect(t.gettext("Send the question in {language}.", language="English"))
    await coordinator.send("When does the Kampot tree nursery open?")
    await coordinator.expect(t.gettext("Send the answer in {language}.", language="English"))
    await coordinator.send(NURSERY_ANSWER)
    await coordinator.expect("Which phrases might partners use to ask this?")
    await coordinator.send("nursery opening hours\nwhen is the nursery open, kampot seedlings")
    await coordinator.expect(t.gettext("Saved. Partners who ask this now get the answer."))

    await partner.send("when is the nursary open")  # sic
    await partner.expect(NURSERY_ANSWER, within=EMBEDDING)

    async with bot.db.unit_of_work() as uow:
        [audit] = await uow.audit.recent("faq.created")
        entry = await uow.faq.get(audit.detail["entry"])
        flrm = await uow.programmes.by_slug("flrm")
    assert entry is not None
    assert flrm is not None
    assert entry.slug == f"faq-{entry.id}"
    assert entry.programme_id == flrm.id
    assert entry.question == {"en": "When does the Kampot tree nursery open?"}
    assert entry.triggers == {
        "en": ["nursery opening hours", "when is the nursery open", "kampot seedlings"]
    }


async def test_editing_answers_and_phrases_and_deleting(bot: BotHarness) -> None:
    fr = bot.catalogs.translator("fr")
    coordinator, partner = await _people(bot, "fr")
    before = await _entry(bot, "flrm-funder")
    assert before is not None
    await coordinator.send("/faq")
    await coordinator.press("Qui finance le FLRM ?")
    await coordinator.expect("Le Service coréen des forêts (KFS)")
    await coordinator.press(fr.gettext("Answer"))
    await coordinator.press("Français")
    await coordinator.expect(fr.gettext("Send the answer in {language}.", language="Français"))
    await coordinator.send("x" * 3001)
    await coordinator.expect("3\u202f000")  # the limit, in the coordinator's number format
    after = await _entry(bot, "flrm-funder")
    assert after is not None
    assert after.answer == before.answer  # nothing saved
    await coordinator.send("Le Service coréen des forêts, depuis 2015.")
    await coordinator.expect(fr.gettext("Saved."))
    await partner.send("qui finance le flrm")
    await partner.expect("Le Service coréen des forêts, depuis 2015.", within=EMBEDDING)

    await coordinator.press(fr.gettext("Trigger phrases"))
    await coordinator.press("English")
    await coordinator.send("korea forest service, kfs money")
    await coordinator.expect(fr.gettext("Saved."))
    after = await _entry(bot, "flrm-funder")
    assert after is not None
    assert after.answer == {**before.answer, "fr": "Le Service coréen des forêts, depuis 2015."}
    assert after.triggers == {**before.triggers, "en": ["korea forest service", "kfs money"]}

    await coordinator.press(fr.gettext("Delete"))
    await coordinator.expect(fr.gettext("Delete this question and its answer in every language?"))
    await coordinator.press(fr.gettext("Yes, delete it"))
    await coordinator.expect(fr.gettext("Questions partners ask. Choose one to edit it:"))
    assert await _entry(bot, "flrm-funder") is None
    async with bot.db.unit_of_work() as uow:
        assert [a.detail["field"] for a in await uow.audit.recent("faq.edited")] == [
            "triggers",
            "answer",
        ]
        [deleted] = await uow.audit.recent("faq.deleted")
    assert deleted.detail["slug"] == "flrm-funder"


async def test_entries_of_other_programmes_cannot_be_opened(bot: BotHarness) -> None:
    coordinator, _ = await _people(bot)
    await coordinator.send("/faq")
    listing = await coordinator.expect_button("Who funds the FLRM?")
    lpa = await _entry(bot, "lpa-what")
    assert lpa is not None
    assert bot.services is not None
    forged = bot.services.codec.encode("fq.delyes", lpa.id)
    await coordinator.press_data(listing.message_id, forged)
    await coordinator.expect_answer("expired")
    assert await _entry(bot, "lpa-what") is not None
    await add_partner(bot.db, 6003)
    partner = bot.user(6003, "Pat", language_code=EN)
    await partner.send("/faq")
    await partner.expect("Sorry, only coordinators and admins can do that.")


async def test_unanswered_questions_become_answers(bot: BotHarness) -> None:
    t = bot.catalogs.translator(EN)
    coordinator, partner = await _people(bot)
    for _ in range(2):  # asked twice: one answer settles both
        await partner.send(FERTILIZER)
        await partner.expect("I don't have an answer to that yet")
    await coordinator.send("/unanswered")
    listing = await coordinator.expect(FERTILIZER)
    assert "English" in listing.text
    await coordinator.press("1. " + t.gettext("Answer as FAQ"))
    await coordinator.expect(t.gettext("Send the answer in {language}.", language="English"))
    await coordinator.send(FERTILIZER_ANSWER)
    await coordinator.expect("Which phrases might partners use to ask this?")
    await coordinator.press(t.gettext("Skip"))
    await coordinator.expect(t.gettext("Saved. Partners who ask this now get the answer."))
    await coordinator.send("/unanswered")
    await coordinator.expect(t.gettext("No unanswered questions. 🎉"))

    await partner.send(FERTILIZER)
    await partner.expect(FERTILIZER_ANSWER, within=EMBEDDING)
    async with bot.db.unit_of_work() as uow:
        [audit] = await uow.audit.recent("faq.created")
        entry = await uow.faq.get(audit.detail["entry"])
        questions = list(await uow.session.scalars(select(Question)))
    assert entry is not None
    assert entry.question == {"en": FERTILIZER}
    assert entry.triggers == {"en": [FERTILIZER]}
    assert {q.answered_by for q in questions} == {entry.id}
    assert len(questions) == 2


async def test_a_question_can_be_dismissed(bot: BotHarness) -> None:
    t = bot.catalogs.translator(EN)
    coordinator, partner = await _people(bot)
    await partner.send("is there a bus to the workshop from Kep?")
    await partner.expect("I don't have an answer to that yet")
    await coordinator.send("/unanswered")
    await coordinator.press(t.gettext("Dismiss"))
    await coordinator.expect(t.gettext("No unanswered questions. 🎉"))
    async with bot.db.unit_of_work() as uow:
        assert not await uow.questions.open()
        [question] = await uow.session.scalars(select(Question))
        [audit] = await uow.audit.recent("question.dismissed")
    assert question.dismissed_at is not None
    assert question.answered_by is None
    assert audit.detail == {"question": question.id}


async def test_coordinators_see_only_questions_from_their_programmes(bot: BotHarness) -> None:
    async with bot.db.unit_of_work() as uow:
        other = await uow.programmes.upsert("other", name={"en": "Other"}, default_language="en")
        await uow.places.upsert_landscape(
            "other-place", programme=other, name="Other Place", country="KE",
            timezone="Africa/Nairobi",
        )  # fmt: skip
    await add_partner(bot.db, 5301, landscapes=("other-place",))
    await add_partner(bot.db, 5302, role=Role.COORDINATOR, landscapes=("flrm-cambodia",))
    await add_partner(bot.db, 9000, role=Role.ADMIN, landscapes=())
    asker = bot.user(5301, "Asker", language_code="en")
    await asker.send("how much does fertiliser cost in Nairobi?")
    await asker.expect("I don't have an answer to that yet")
    coordinator = bot.user(5302, "Coordinator", language_code="en")
    await coordinator.send("/unanswered")
    await coordinator.expect("No unanswered questions.")
    async with bot.db.unit_of_work() as uow:
        [question] = await uow.questions.open()
    assert bot.services is not None
    forged = bot.services.codec.encode("un.faq", question.id)
    await coordinator.press_data(coordinator.last.message_id, forged)
    await coordinator.expect_answer("Someone has already dealt with this question.")
    admin = bot.user(9000, "Admin", language_code="en")
    await admin.send("/unanswered")
    await admin.expect("how much does fertiliser cost in Nairobi?")


async def test_a_group_of_similar_questions_is_answered_once(bot: BotHarness) -> None:
    t = bot.catalogs.translator(EN)
    coordinator, partner = await _people(bot)
    asked = [
        (partner, "where can we buy fencing wire in Kampot?"),
        (await _partner(bot, 6003, "Dara"), "fencing wire in kampot, where to buy it?"),
        (await _partner(bot, 6004, "Sokha"), "which shop in Kampot sells fence wire?"),
        (partner, FERTILIZER),  # same frame, another question: a group of its own
    ]
    for who, question in asked:
        await who.send(question)
        await who.expect("I don't have an answer to that yet")
    await coordinator.send("/unanswered")
    listing = await coordinator.expect(t.gettext("Unanswered questions"))
    assert t.ngettext("Asked by {n} partner, also as:", "Asked by {n} partners, also as:", 3) in (
        listing.text
    )
    assert listing.text.count(t.gettext("Answer as FAQ")) == 0  # on the buttons only
    assert len([b for b in coordinator.buttons() if t.gettext("Answer as FAQ") in b]) == 2
    # Newest first: the fertilizer question, then the wire group led by its newest wording.
    _, wire = listing.text.split(FERTILIZER)
    assert "2. " in wire
    assert "fencing wire in kampot, where to buy it?" in wire
    assert "where can we buy fencing wire in Kampot?" in wire
    await coordinator.press(f"2. {t.gettext('Answer as FAQ')}")
    await coordinator.expect(t.gettext("Send the answer in {language}.", language="English"))
    await coordinator.send("The Kampot cooperative shop sells fencing wire by the metre.")
    await coordinator.expect("Which phrases might partners use to ask this?")
    await coordinator.press(t.gettext("Skip"))
    await coordinator.expect(t.gettext("Saved. Partners who ask this now get the answer."))

    async with bot.db.unit_of_work() as uow:
        still_open = [q.text for q in await uow.questions.open()]
    assert still_open == [FERTILIZER]
    await coordinator.send("/unanswered")
    await coordinator.expect(FERTILIZER)


async def _partner(bot: BotHarness, telegram_id: int, name: str) -> ChatUser:
    await add_partner(bot.db, telegram_id, name=name)
    return bot.user(telegram_id, name, language_code=EN)
