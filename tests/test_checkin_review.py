"""/review through the bot: a coordinator reads a check-in of their programme in full, flags it
with a comment the partner receives in their own language through the delivery path, marks
another reviewed — and cannot touch a check-in of a programme they do not coordinate."""

from __future__ import annotations

import asyncio
import html
from datetime import UTC, date, datetime

from sqlalchemy import select

from bot.delivery.kinds import Message, RenderContext, Skip
from handlers.checkins.review import COMMENT_MAX, KINDS
from storage.models import Checkin, CheckinStatus, Delivery, Role
from tests.support.bot import BotHarness
from tests.support.checkins import Answer, add_checkin, use_template
from tests.support.people import add_partner

NOW = datetime(2026, 10, 2, 3, 0, tzinfo=UTC)
SEPTEMBER = date(2026, 9, 1)
COORDINATOR, SOKHA, DARA = 5201, 6101, 6102
BARRIER = "Goats got into the nursery"
COMMENT = "Is 12.5 ha the whole landscape or one site? Please send it again by site."


async def _checkins(bot: BotHarness) -> dict[str, int]:
    bot.clock = lambda: NOW
    async with bot.db.unit_of_work() as uow:
        flrm = await uow.programmes.by_slug("flrm")
        lpa = await uow.programmes.by_slug("lpa")
        cambodia = await uow.places.landscape_by_slug("flrm-cambodia")
    assert flrm is not None
    assert lpa is not None
    assert cambodia is not None
    await use_template(bot.db, flrm.id)
    sokha = await add_partner(bot.db, SOKHA, name="Sokha", language="fr")
    dara = await add_partner(bot.db, DARA, name="Dara")
    await add_partner(bot.db, COORDINATOR, name="Chantha", role=Role.COORDINATOR)
    answers: dict[str, Answer] = {
        "area_ha": 12.5,
        "people": {"women": 4, "men": 6},
        "barriers": BARRIER,
    }
    sent = datetime(2026, 9, 30, 23, 30, tzinfo=UTC)  # 1 October, 06:30 in Phnom Penh
    return {
        "sokha": await add_checkin(
            bot.db, sokha, flrm.id, SEPTEMBER, answers, landscape_id=cambodia.id, submitted_at=sent
        ),
        "dara": await add_checkin(bot.db, dara, flrm.id, SEPTEMBER, {"area_ha": 3}),
        "lpa": await add_checkin(bot.db, dara, lpa.id, SEPTEMBER, {"area_ha": 7}),
    }


async def _status(bot: BotHarness, checkin_id: int) -> Checkin:
    async with bot.db.unit_of_work() as uow:
        checkin = await uow.session.get(Checkin, checkin_id)
    assert checkin is not None
    return checkin


async def test_flag_reaches_the_partner_in_their_language(bot: BotHarness) -> None:
    ids = await _checkins(bot)
    en, fr = bot.catalogs.translator("en"), bot.catalogs.translator("fr")
    coordinator = bot.user(COORDINATOR, "Chantha", language_code="en")
    partner = bot.user(SOKHA, "Sokha", language_code="fr")
    await coordinator.send("/review")
    await coordinator.expect(en.gettext("Check-ins to review"))
    assert any("Sokha, FLRM Cambodia" in label for label in coordinator.buttons())
    assert not any("7" in label and "lpa" in label.lower() for label in coordinator.buttons())
    assert len(coordinator.buttons()) == 2  # Sokha's and Dara's, not the LPA one

    await coordinator.press("Sokha")
    card = html.unescape((await coordinator.expect("Sokha (Test Organisation)")).text)
    for line in ("FLRM Cambodia", "Period: September 2026", "12.5 ha", BARRIER, "Women: 4"):
        assert line in card, line
    assert "Thursday, 1 October 2026, 06:30 (UTC+7)" in card  # in the reviewer's zone

    await coordinator.press(en.gettext("🚩 Flag with a comment"))
    await coordinator.expect("at most 500 characters")
    await coordinator.send("x" * (COMMENT_MAX + 1))
    await coordinator.expect("at most 500 characters, please. Nothing was saved")
    assert (await _status(bot, ids["sokha"])).status == CheckinStatus.SUBMITTED
    await coordinator.send(COMMENT)
    await coordinator.expect(en.gettext("Flagged. The partner will get your comment."))

    heading = fr.gettext(
        "{name} has a question about your check-in for {period} ({programme}):",
        name="Chantha",
        period="septembre 2026",
        programme="Mécanisme pour la restauration des forêts et des paysages (FLRM)",
    )
    message = await partner.expect(COMMENT, within=10)
    assert html.unescape(heading) in html.unescape(message.text)
    checkin = await _status(bot, ids["sokha"])
    assert (checkin.status, checkin.review_comment) == (CheckinStatus.FLAGGED, COMMENT)
    async with bot.db.unit_of_work() as uow:
        coordinator_row = await uow.partners.by_telegram_id(COORDINATOR)
        [flagged] = await uow.audit.recent("checkin.flagged")
    assert coordinator_row is not None
    assert checkin.reviewed_by == coordinator_row.id
    assert flagged.detail == {"checkin": ids["sokha"], "length": len(COMMENT)}
    # The sender records a send just after Telegram confirms it, so the row may lag the message.
    for _ in range(100):
        async with bot.db.unit_of_work() as uow:
            [delivery] = (await uow.session.scalars(select(Delivery))).all()
        if delivery.status != "sending":
            break
        await asyncio.sleep(0.05)
    assert (delivery.kind, delivery.partner_id, delivery.status) == (
        "review",
        checkin.partner_id,
        "sent",
    )


async def test_mark_reviewed_and_scope_checked_on_every_press(bot: BotHarness) -> None:
    ids = await _checkins(bot)
    en = bot.catalogs.translator("en")
    coordinator = bot.user(COORDINATOR, "Chantha", language_code="en")
    await coordinator.send("/review")
    await coordinator.press("Dara")
    await coordinator.press(en.gettext("✓ Mark reviewed"))
    await coordinator.expect_answer(en.gettext("Marked as reviewed."))
    await coordinator.expect(en.gettext("Check-ins to review"))
    assert coordinator.buttons() == ["1 Oct 2026 · Sokha, FLRM Cambodia"]
    dara = await _status(bot, ids["dara"])
    assert dara.status == CheckinStatus.REVIEWED
    async with bot.db.unit_of_work() as uow:
        [reviewed] = await uow.audit.recent("checkin.reviewed")
    assert reviewed.detail == {"checkin": ids["dara"]}

    # Correctly signed buttons for the LPA check-in, which this coordinator does not manage.
    assert bot.services is not None
    expired = en.gettext("This button has expired. Please use the latest message.")
    for action in ("rv.open", "rv.ok", "rv.flag"):
        forged = bot.services.codec.encode(action, ids["lpa"])
        await coordinator.press_data(coordinator.last.message_id, forged)
        await coordinator.expect_answer(expired)
    assert (await _status(bot, ids["lpa"])).status == CheckinStatus.SUBMITTED


async def test_a_flag_is_not_sent_once_the_checkin_was_dealt_with(bot: BotHarness) -> None:
    ids = await _checkins(bot)
    assert bot.services is not None
    [kind] = KINDS
    checkin = await _status(bot, ids["sokha"])
    delivery = Delivery(
        kind="review", source="checkin:1:1", partner_id=checkin.partner_id,
        payload={"checkin": ids["sokha"], "comment": COMMENT},
    )  # fmt: skip
    t = bot.catalogs.translator("fr")

    async def render() -> Message | Skip:
        async with bot.db.unit_of_work() as uow:
            partner = await uow.partners.get(checkin.partner_id)
            assert partner is not None
            context = RenderContext(bot.services, uow, delivery, partner, t, NOW)  # type: ignore[arg-type]
            rendered = await kind.render(context)
        assert isinstance(rendered, Message | Skip)
        return rendered

    assert await render() == Skip("no longer flagged")  # never flagged
    async with bot.db.unit_of_work() as uow:
        row = await uow.session.get(Checkin, ids["sokha"])
        assert row is not None
        row.status, row.review_comment = CheckinStatus.FLAGGED, COMMENT
    assert isinstance(await render(), Message)
    async with bot.db.unit_of_work() as uow:
        row = await uow.session.get(Checkin, ids["sokha"])
        assert row is not None
        row.review_comment = "A second thought"  # flagged again: that flag has its own delivery
    assert await render() == Skip("a later comment replaced it")


async def test_a_long_list_is_paged_to_fit_a_phone(bot: BotHarness) -> None:
    """Nine check-ins waiting: no page of the list has more than 8 buttons, and paging reaches
    every one of them."""
    bot.clock = lambda: NOW
    async with bot.db.unit_of_work() as uow:
        flrm = await uow.programmes.by_slug("flrm")
    assert flrm is not None
    await use_template(bot.db, flrm.id)
    await add_partner(bot.db, COORDINATOR, name="Chantha", role=Role.COORDINATOR)
    for n in range(9):
        partner = await add_partner(bot.db, 6200 + n, name=f"Partner {n}")
        await add_checkin(bot.db, partner, flrm.id, SEPTEMBER, {"area_ha": n})
    coordinator = bot.user(COORDINATOR, "Chantha", language_code="en")
    await coordinator.send("/review")
    await coordinator.expect("Check-ins to review")
    first = coordinator.buttons()
    await coordinator.press("Older »")
    await coordinator.expect_button("« Newer")
    second = coordinator.buttons()
    assert len(first) <= 8
    assert len(second) <= 8
    listed = {label.rsplit("Partner ", 1)[1] for label in first + second if "Partner" in label}
    assert listed == {str(n) for n in range(9)}
