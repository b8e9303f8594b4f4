"""Check-in templates: written in the content file and checked before anything is stored (every
problem named by entry and field), replaced as a whole on import while answers keep their
history, shown to coordinators with /template, and every question kind answered in the chat."""

from __future__ import annotations

from datetime import date

import pytest

from bot.content import ContentError, apply_content, read_content, read_content_file
from bot.content.schema import WEEKDAYS
from storage.checkins import AnswerValue
from storage.database import Database
from storage.models import Cadence, CheckinStatus, QuestionKind, Role, utcnow
from tests.support.bot import EXAMPLE_CONTENT, BotHarness
from tests.support.people import add_partner

QUESTION = """
[[checkin_templates.questions]]
key = "{key}"
kind = "{kind}"
text = {{ en = "{text}", fr = "{text} ?" }}
{extra}
"""
# A landscape for LPA, so its partners have a programme with the template below.
LPA_LANDSCAPE = """
[[landscapes]]
slug = "lpa-mongolia"
programme = "lpa"
name = "LPA Gobi"
country = "MN"
timezone = "Asia/Ulaanbaatar"
"""
CHOICES = """choices = [
  { key = "fire", label = { en = "Fire", fr = "Feu" } },
  { key = "drought", label = { en = "Drought", fr = "Sécheresse" } },
]
barrier = true"""


def _template(*questions: str, head: str = 'weekday = "friday"\n') -> bytes:
    body = '[[checkin_templates]]\nprogramme = "lpa"\ncadence = "weekly"\n'
    return (body + head + "".join(questions)).encode()


def _q(key: str, kind: str = "number", extra: str = "", text: str = "How much") -> str:
    return QUESTION.format(key=key, kind=kind, text=text, extra=extra)


THREE = (_q("a"), _q("b"), _q("c"))
LPA_TEMPLATE = LPA_LANDSCAPE.encode() + _template(
    _q("cause", "choice", CHOICES, "What slowed the work"),
    _q("policy", "yes_no", text="Was a restoration policy adopted"),
    _q("site", "location", "required = false", "Where is the site"),
    _q("note", "text", "max_length = 200\nrequired = false", "Anything else"),
)


async def _load(database: Database, data: bytes = b"") -> None:
    async with database.unit_of_work() as uow:
        await apply_content(uow, read_content_file(EXAMPLE_CONTENT))
        if data:
            await apply_content(uow, read_content(data, "file"))


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (_template(*THREE[:2]), "checkin_templates[0] (lpa).questions: a check-in has 3 to 7"),
        (_template(*(_q(f"q{n}") for n in range(8))), "3 to 7 questions, not 8"),
        (_template(*THREE, _q("a")), "question keys must be unique: a repeated"),
        (_template(_q("Bad Key"), *THREE[1:]), "questions[0] (Bad Key).key:"),
        (_template(_q("a", "slider"), *THREE[1:]), "questions[0] (a).kind:"),
        (_template(_q("a", extra="min = 5\nmax = 5"), *THREE[1:]), "max: must be more than min"),
        (_template(_q("a", "choice"), *THREE[1:]), "needs at least 2 choices"),
        (
            _template(_q("a", extra=CHOICES.replace("barrier = true", "")), *THREE[1:]),
            "choices: only choice questions have choices",
        ),
        (
            _template(_q("a", extra='parts = [{ key = "w", label = "W" }]'), *THREE[1:]),
            "parts: give at least 2 parts",
        ),
        (_template(_q("a", "percentage", "max = 150"), *THREE[1:]), "between 0 and 100"),
        (_template(_q("a", "text", 'unit = "ha"'), *THREE[1:]), "only number questions"),
        (_template(_q("a", extra="max_length = 10"), *THREE[1:]), "max_length: only text"),
        (_template(_q("a", extra="barrier = true"), *THREE[1:]), "barrier: only text and choice"),
        (_template(*THREE, head="window_days = 10\n"), "a weekly check-in is due within 7 days"),
        (_template(*THREE, head='weekday = "funday"\n'), "weekday:"),
    ],
)
def test_a_bad_template_names_the_entry_and_field(data: bytes, problem: str) -> None:
    with pytest.raises(ContentError) as raised:
        read_content(data, "file")
    assert any(problem in p for p in raised.value.problems), raised.value.problems


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (
            _template(*THREE).replace(b'programme = "lpa"', b'programme = "nope"'),
            "checkin_templates[0] (nope).programme: no programme with slug 'nope'",
        ),
        (
            _template(_q("a").replace('en = "How much", ', ""), *THREE[1:]),
            "checkin_templates[0] (lpa).questions[0] (a).text: needs a text in 'en'",
        ),
        (
            _template(_q("a", "choice", CHOICES.replace('en = "Fire", ', "")), *THREE[1:]),
            "questions[0] (a).choices[0] (fire).label: needs a text in 'en'",
        ),
        (_template(*THREE) + _template(*THREE), "programme 'lpa' has 2 templates"),
    ],
)
async def test_problems_found_against_the_database_store_no_template(
    database: Database, data: bytes, problem: str
) -> None:
    await _load(database)
    with pytest.raises(ContentError) as raised:
        async with database.unit_of_work() as uow:
            await apply_content(uow, read_content(data, "file"))
    assert any(problem in p for p in raised.value.problems), raised.value.problems
    async with database.unit_of_work() as uow:
        lpa = await uow.programmes.by_slug("lpa")
        assert lpa is not None
        assert await uow.checkins.template_for(lpa.id) is None


async def test_the_example_template_and_a_reimport_that_keeps_answer_history(
    database: Database,
) -> None:
    await _load(database)
    partner_id = await add_partner(database, 6100, name="Store")
    async with database.unit_of_work() as uow:
        flrm = await uow.programmes.by_slug("flrm")
        assert flrm is not None
        template = await uow.checkins.template_for(flrm.id)
        assert template is not None
        assert (template.cadence, WEEKDAYS[template.weekday], template.hour) == (
            Cadence.MONTHLY,
            "monday",
            9,
        )
        assert [q.key for q in template.questions] == [
            "area_ha",
            "trees",
            "survival_pct",
            "people",
            "funding_usd",
            "barriers",
            "plot_photo",
        ]
        for question in template.questions:
            assert set(question.text) == {"en", "fr", "es", "ar", "km", "ko"}, question.key
            for item in question.parts:
                assert set(item["label"]) == {"en", "fr", "es", "ar", "km", "ko"}, item
        [barriers] = [q for q in template.questions if q.barrier]
        assert (barriers.kind, barriers.max_length) == (QuestionKind.TEXT, 1000)
        checkin, replaced = await uow.checkins.submit(
            partner_id=partner_id,
            programme_id=flrm.id,
            landscape_id=None,
            period_start=date(2026, 7, 1),
            answers=[AnswerValue("area_ha", "", number=3), AnswerValue("barriers", "", text="x")],
            at=utcnow(),
        )
        assert not replaced
    # The file now drops the barrier question and asks about grazing instead.
    changed = (
        EXAMPLE_CONTENT.read_text()
        .replace('key = "barriers"', 'key = "grazing"')
        .replace("barrier = true\n", "")
    )
    async with database.unit_of_work() as uow:
        await apply_content(uow, read_content(changed.encode(), "file"))
    async with database.unit_of_work() as uow:
        template = await uow.checkins.template_for(flrm.id)
        assert template is not None
        assert "grazing" in [q.key for q in template.questions]
        assert "barriers" not in [q.key for q in template.questions]
        stored = await uow.checkins.get(checkin.id)
        assert stored is not None
        assert {a.question_key for a in stored.answers} == {"area_ha", "barriers"}


async def test_submitting_again_replaces_answers_and_clears_the_review(
    database: Database,
) -> None:
    await _load(database)
    partner_id = await add_partner(database, 6101, name="Again")
    async with database.unit_of_work() as uow:
        flrm = await uow.programmes.by_slug("flrm")
        assert flrm is not None
        first, replaced = await uow.checkins.submit(
            partner_id=partner_id,
            programme_id=flrm.id,
            landscape_id=None,
            period_start=date(2026, 7, 1),
            answers=[AnswerValue("area_ha", "", number=3), AnswerValue("people", "women", 4)],
            at=utcnow(),
        )
        assert not replaced
        first.status = CheckinStatus.FLAGGED
        first.review_comment = "Which site?"
    async with database.unit_of_work() as uow:
        assert await uow.checkins.has_checkin(partner_id, flrm.id, date(2026, 7, 1))
        assert not await uow.checkins.has_checkin(partner_id, flrm.id, date(2026, 8, 1))
        second, replaced = await uow.checkins.submit(
            partner_id=partner_id,
            programme_id=flrm.id,
            landscape_id=None,
            period_start=date(2026, 7, 1),
            answers=[AnswerValue("area_ha", "", number=5)],
            at=utcnow(),
        )
    assert replaced
    assert second.id == first.id
    assert (second.status, second.review_comment) == ("submitted", None)
    assert [(a.question_key, a.number) for a in second.answers] == [("area_ha", 5)]
    async with database.unit_of_work() as uow:
        assert len(await uow.checkins.recent_for(partner_id)) == 1


async def test_coordinators_see_the_template_in_their_language(bot: BotHarness) -> None:
    await add_partner(bot.db, 6200, name="Cora", role=Role.COORDINATOR, language="fr")
    cora = bot.user(6200, "Cora", language_code="fr")
    fr = bot.catalogs.translator("fr")
    await cora.send("/template")
    card = await cora.expect("Combien d'hectares ont été mis en restauration ce mois-ci ?")
    assert "lundi" in card.text  # the weekday, in French
    assert "0 ha – 100\u202f000 ha" in card.text
    assert "Femmes, Hommes" in card.text
    assert fr.gettext("photo, then an optional location pin") in card.text
    await add_partner(bot.db, 6201, name="Pat")
    partner = bot.user(6201, "Pat", language_code="en")
    await partner.send("/template")
    await partner.expect("Sorry, only coordinators and admins can do that.")


async def test_every_kind_of_question_in_the_chat(bot: BotHarness) -> None:
    """Choice and yes/no as buttons (or typed), an optional location, text, in French."""
    async with bot.db.unit_of_work() as uow:
        await apply_content(uow, read_content(LPA_TEMPLATE, "file"))
    partner_id = await add_partner(
        bot.db, 6300, name="Bat", language="fr", landscapes=("lpa-mongolia",)
    )
    bat = bot.user(6300, "Bat", language_code="fr")
    fr = bot.catalogs.translator("fr")
    await bat.send("/checkin")
    await bat.expect("What slowed the work ?")
    await bat.send("inondation")
    await bat.expect(fr.gettext("Please choose one of the buttons."))
    await bat.press("Sécheresse")
    await bat.expect("Was a restoration policy adopted ?")
    await bat.send(fr.gettext("Yes"))  # typed rather than pressed
    await bat.expect("Where is the site ?")
    await bat.send("au nord")
    await bat.expect(fr.gettext("Please share a location: tap 📎, then choose Location."))
    await bat.send_location(43.5, 104.25)
    await bat.expect("Anything else ?")
    await bat.send("Rien")
    summary = await bat.expect("→ Sécheresse")
    assert f"→ {fr.gettext('Yes')}" in summary.text
    await bat.press(fr.gettext("Send"))
    await bat.expect("✅")
    async with bot.db.unit_of_work() as uow:
        [checkin] = await uow.checkins.recent_for(partner_id)
    answers = {(a.question_key, a.part): (a.number, a.text) for a in checkin.answers}
    assert answers == {
        ("cause", ""): (None, "drought"),
        ("policy", ""): (1.0, None),
        ("site", ""): (None, "43.500000,104.250000"),
        ("note", ""): (None, "Rien"),
    }
