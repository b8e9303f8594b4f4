"""/forget does what its confirmation says: afterwards no table holds the person's name,
organisation, username, Telegram id, questions, written answers or the comments on their
check-ins — read back from every table on both engines — while their figures stay."""

from __future__ import annotations

import json
from datetime import date, timedelta

from sqlalchemy import select

from storage.deliveries import NewDelivery
from storage.models import Base, CheckinAnswer, PartnerStatus, utcnow
from tests.support.bot import BotHarness
from tests.support.checkins import add_checkin, use_template
from tests.test_onboarding import register

PERSON = 7_356_214_901  # a Telegram id no other number in the database could contain
TRACES = [
    "Zanele", "Okafor", "zanele_ok", "Kampot Seed Savers", "345 678", "nursery near",
    "Call her about", str(PERSON),
]  # fmt: skip


async def test_forget_leaves_nothing_of_the_person_in_any_table(bot: BotHarness) -> None:
    user = bot.user(PERSON, "Zanele", language_code="en", username="zanele_ok")
    await register(bot, user, name="Zanele Okafor", organisation="Kampot Seed Savers")
    await user.send("could someone call me on +855 12 345 678 about the seedlings")
    await user.expect("")
    async with bot.db.unit_of_work() as uow:
        partner = await uow.partners.by_telegram_id(PERSON)
        flrm = await uow.programmes.by_slug("flrm")
        assert partner is not None
        assert flrm is not None
        partner_id, programme_id = partner.id, flrm.id
    await use_template(bot.db, programme_id)  # with a choice question and a written one
    answers = {"area_ha": 40.0, "threat": "drought", "barriers": "nursery near Kampot"}
    checkin_id = await add_checkin(bot.db, partner_id, programme_id, date(2026, 11, 1), answers)
    async with bot.db.unit_of_work() as uow:
        checkin = await uow.checkins.get(checkin_id)
        assert checkin is not None
        checkin.review_comment = "Call her about Kampot Seed Savers"
        comment = {"checkin": checkin_id, "comment": checkin.review_comment}
        later = utcnow() + timedelta(days=1)  # still waiting when the partner leaves
        await uow.deliveries.enqueue(
            "checkin_review",
            f"checkin:{checkin_id}",
            [NewDelivery(partner_id, later, payload=comment)],
        )

    await user.send("/forget")
    await user.press("Yes, delete my data")
    await user.expect("Your personal data has been deleted.")
    await user.expect_nothing(within=0.5)  # the goodbye is recorded as sent by now

    found = []
    async with bot.db.engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            for row in (await connection.execute(select(table))).all():
                text = json.dumps(list(row), default=str, ensure_ascii=False)
                found += [(table.name, trace) for trace in TRACES if trace in text]
    assert found == []

    async with bot.db.unit_of_work() as uow:
        forgotten = await uow.partners.get(partner_id)
        kept = await uow.session.scalars(
            select(CheckinAnswer).where(CheckinAnswer.checkin_id == checkin_id)
        )
        figures = {a.question_key: (a.number, a.text) for a in kept}
    assert forgotten is not None
    assert forgotten.status == PartnerStatus.FORGOTTEN
    assert forgotten.stakeholder_type == "community"
    assert figures["area_ha"] == (40.0, None)  # the figures stay
    assert figures["threat"] == (None, "drought")  # a choice
    assert figures["barriers"] == (None, None)  # their words
