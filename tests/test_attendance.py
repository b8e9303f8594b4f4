"""/attendance: coordinators see how many answered Attend, Maybe or Can't attend, how many of
those invited have not answered, and who said what — for events of their programmes only."""

from __future__ import annotations

from datetime import timedelta

from storage.models import Partner, PartnerStatus, Role, RsvpAnswer, StakeholderType, utcnow
from tests.support.bot import BotHarness
from tests.support.people import add_event, add_partner

COORDINATOR, PARTNER = 8401, 8402


async def _answers(bot: BotHarness, event_id: int, answers: dict[int, RsvpAnswer]) -> None:
    async with bot.db.unit_of_work() as uow:
        for partner_id, answer in answers.items():
            await uow.rsvps.answer(event_id, partner_id, answer, utcnow())


async def test_a_coordinator_sees_counts_and_names_per_answer(bot: BotHarness) -> None:
    await add_partner(bot.db, COORDINATOR, name="Cora", role=Role.COORDINATOR)
    sok = await add_partner(bot.db, 8410, name="Sok Chea")
    dara = await add_partner(bot.db, 8411, name="Dara Kim")
    vanna = await add_partner(bot.db, 8412, name="Vanna <Lim>")
    await add_partner(bot.db, 8413, name="Bopha")  # invited, no answer
    await add_partner(bot.db, 8414, name="Rami", landscapes=("flrm-lebanon",))  # not invited
    event_id = await add_event(
        bot.db, "Nursery visit", starts_in=timedelta(days=3), landscapes=("flrm-cambodia",)
    )
    await _answers(bot, event_id, {sok: RsvpAnswer.YES, dara: RsvpAnswer.MAYBE})
    await _answers(bot, event_id, {vanna: RsvpAnswer.NO})
    coordinator = bot.user(COORDINATOR, "Cora", language_code="en")
    await coordinator.send(f"/attendance {event_id}")
    report = await coordinator.expect("Attendance: Nursery visit")
    assert "✅ Attend: 1 · 🤔 Maybe: 1 · ❌ Can't attend: 1" in report.text
    # Invited: the four partners and Cora herself, all in FLRM Cambodia.
    assert "No answer yet: 2 of 5 partners invited" in report.text
    attend, maybe, cannot = (
        report.text.index(label) for label in ("✅ Attend\n", "🤔 Maybe\n", "❌ Can't attend\n")
    )
    assert attend < report.text.index("• Sok Chea, Test Organisation") < maybe
    assert maybe < report.text.index("• Dara Kim, Test Organisation") < cannot
    assert cannot < report.text.index("• Vanna <Lim>, Test Organisation")
    assert "Bopha" not in report.text
    assert "Rami" not in report.text


async def test_without_a_number_upcoming_events_are_offered(bot: BotHarness) -> None:
    await add_partner(bot.db, COORDINATOR, name="Cora", role=Role.COORDINATOR)
    event_id = await add_event(bot.db, "Nursery visit", starts_in=timedelta(days=3))
    await add_event(bot.db, "Last year's meeting", starts_in=timedelta(days=-300))
    coordinator = bot.user(COORDINATOR, "Cora", language_code="en")
    await coordinator.send("/attendance")
    await coordinator.expect("Which event do you want the attendance of?")
    assert not any("Last year's meeting" in label for label in coordinator.buttons())
    await coordinator.press(f"#{event_id} Nursery visit")
    await coordinator.expect("Attendance: Nursery visit")


async def test_only_events_of_managed_programmes_and_only_for_staff(bot: BotHarness) -> None:
    await add_partner(bot.db, COORDINATOR, name="Cora", role=Role.COORDINATOR)
    await add_partner(bot.db, PARTNER, name="Sok")
    lpa = await add_event(bot.db, "LPA dialogue", starts_in=timedelta(days=3), programme="lpa")
    coordinator = bot.user(COORDINATOR, "Cora", language_code="en")
    await coordinator.send(f"/attendance {lpa}")
    await coordinator.expect(f"I can't find event {lpa}.")
    await coordinator.send("/attendance abc")
    await coordinator.expect("Send /attendance followed by the event's number")
    partner = bot.user(PARTNER, "Sok", language_code="en")
    await partner.send(f"/attendance {lpa}")
    await partner.expect("Sorry, only coordinators and admins can do that.")
    admin = bot.user(9000, "Ada", language_code="en")
    await add_partner(bot.db, 9000, name="Ada", role=Role.ADMIN, landscapes=())
    await admin.send(f"/attendance {lpa}")
    await admin.expect("Attendance: LPA dialogue")


async def test_a_long_list_of_names_is_split_into_several_messages(bot: BotHarness) -> None:
    await add_partner(bot.db, COORDINATOR, name="Cora", role=Role.COORDINATOR)
    event_id = await add_event(bot.db, "Restoration forum", starts_in=timedelta(days=3))
    async with bot.db.unit_of_work() as uow:
        people = [
            Partner(
                telegram_id=20_000 + n,
                name=f"Participant {n:03d}",
                organisation="Provincial Department of Agriculture, Forestry and Fisheries",
                stakeholder_type=StakeholderType.GOVERNMENT,
                status=PartnerStatus.ACTIVE,
                joined_at=utcnow(),
                landscapes=[],
            )
            for n in range(150)
        ]
        uow.session.add_all(people)
        await uow.session.flush()
        for partner in people:
            await uow.rsvps.answer(event_id, partner.id, RsvpAnswer.YES, utcnow())
    coordinator = bot.user(COORDINATOR, "Cora", language_code="en")
    await coordinator.send(f"/attendance {event_id}")
    await coordinator.expect("✅ Attend: 150")
    await coordinator.expect("Participant 149")
    texts = [m.text for m in bot.api.messages(COORDINATOR) if "Participant" in m.text]
    assert len(texts) > 1
    assert all(len(text) <= 4096 for text in texts)
    assert sum(text.count("• Participant") for text in texts) == 150
