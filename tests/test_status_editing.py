"""/setstatus: a coordinator keeps where their programme stands up to date — status text per
language, headline figures typed in their own number format — and partners see it with /status
in theirs; nobody updates a programme they do not coordinate."""

from __future__ import annotations

import html
from datetime import UTC, date, datetime

from storage.models import Role
from tests.support.bot import BotHarness
from tests.support.chat import ChatUser
from tests.support.people import add_partner

COORDINATOR = 5001
NEW_STATUS = "Les pépinières de Kampot sont prêtes : 12 000 plants seront mis en terre en 2026."
# 20:00 UTC on 1 March is already 2 March in Phnom Penh (UTC+7), where the coordinator works.
NOW = datetime(2026, 3, 1, 20, 0, tzinfo=UTC)
PHNOM_PENH_TODAY = date(2026, 3, 2)


async def _coordinator(bot: BotHarness, language: str = "en") -> ChatUser:
    await add_partner(bot.db, COORDINATOR, name="Chantha", role=Role.COORDINATOR, language=language)
    return bot.user(COORDINATOR, "Chantha", language_code=language)


async def test_coordinator_updates_status_and_a_figure_partners_see_it(bot: BotHarness) -> None:
    bot.clock = lambda: NOW
    fr = bot.catalogs.translator("fr")
    coordinator = await _coordinator(bot, "fr")
    await coordinator.send("/setstatus")
    await coordinator.expect(fr.gettext("What would you like to update?"))
    await coordinator.press(fr.gettext("Status text"))
    await coordinator.expect(fr.gettext("In which language do you want to write it?"))
    await coordinator.press("Français")
    await coordinator.expect(fr.gettext("Send the new status in {language}.", language="Français"))
    await coordinator.send(NEW_STATUS)
    await coordinator.expect(fr.gettext("Saved."))
    await coordinator.expect(fr.gettext("What would you like to update?"))
    await coordinator.press("Financements supplémentaires")
    prompt = fr.gettext(
        "Send the new value of “{label}” (now {value}).",
        label="Financements supplémentaires mobilisés pendant la phase 1 (plus de)",
        value="40 millions USD",
    )
    await coordinator.expect(html.unescape(prompt))
    await coordinator.send("45,5 millions")  # as the card writes it; "45 500 000" too
    await coordinator.expect(fr.gettext("Saved."))

    amelie = bot.user(5002, "Amélie", language_code="fr")
    await add_partner(bot.db, 5002, name="Amélie", language="fr")
    await amelie.send("/status")
    await amelie.expect(NEW_STATUS)
    await amelie.press(fr.gettext("Key figures"))
    card = await amelie.expect(fr.gettext("Key figures"))
    assert "45,5 millions USD" in card.text
    george = bot.user(5003, "George", language_code="en")
    await add_partner(bot.db, 5003, name="George", language="en")
    await george.send("/status")
    card = await george.expect("Phase 2 is planned around four lines of work")
    assert "Kampot" not in card.text
    await george.press("Key figures")
    card = await george.expect("Key figures")
    assert "45.5 million USD" in card.text
    # Korean counts in 만 and 억, not in millions.
    await add_partner(bot.db, 5004, name="Jiwoo", language="ko")
    jiwoo = bot.user(5004, "Jiwoo", language_code="ko")
    await jiwoo.send("/status")
    await jiwoo.press(bot.catalogs.translator("ko").gettext("Key figures"))
    card = await jiwoo.expect("4,550만 달러 이상")
    assert "백만" not in card.text

    async with bot.db.unit_of_work() as uow:
        programme = await uow.programmes.by_slug("flrm")
        coordinator_row = await uow.partners.by_telegram_id(COORDINATOR)
        [status_audit] = await uow.audit.recent("programme.status")
        [figure_audit] = await uow.audit.recent("programme.figure")
    assert programme is not None
    assert coordinator_row is not None
    assert programme.status["fr"] == NEW_STATUS
    assert programme.status["en"].startswith("Phase 2 is planned")
    assert programme.status_as_of == PHNOM_PENH_TODAY
    assert programme.status_updated_by == coordinator_row.id
    assert programme.status_updated_at == NOW
    figure = programme.figures[0]
    assert (figure.value, figure.as_of) == (45_500_000, PHNOM_PENH_TODAY)
    assert status_audit.actor_id == coordinator_row.id
    assert status_audit.detail == {"programme": programme.id, "language": "fr"}
    assert figure_audit.detail == {"programme": programme.id, "position": 0, "value": 45_500_000}


async def test_coordinators_update_only_their_own_programmes(bot: BotHarness) -> None:
    en = bot.catalogs.translator("en")
    coordinator = await _coordinator(bot)
    await coordinator.send("/setstatus lpa")
    refusal = en.gettext("You cannot update a programme called “{name}”.", name="lpa")
    await coordinator.expect(html.unescape(refusal))
    menu = await coordinator.expect(en.gettext("What would you like to update?"))
    assert "Forest and Landscape Restoration Mechanism" in menu.text
    assert "Landscape Partnership Asia" not in menu.text

    # Someone who coordinated both programmes loses LPA before pressing its button.
    async with bot.db.unit_of_work() as uow:
        lpa = await uow.programmes.by_slug("lpa")
        assert lpa is not None
        lpa_id = lpa.id
        await uow.places.upsert_landscape(
            "lpa-test", programme=lpa, name="LPA Test", country="KH", timezone="Asia/Phnom_Penh"
        )
    await add_partner(bot.db, 5004, role=Role.COORDINATOR, landscapes=("flrm-cambodia", "lpa-test"))
    both = bot.user(5004, "Bo", language_code="en")
    await both.send("/setstatus")
    await both.expect(en.gettext("Which programme do you want to update?"))
    async with bot.db.unit_of_work() as uow:
        partner = await uow.partners.by_telegram_id(5004)
        assert partner is not None
        flrm_only = await uow.places.landscape_by_slug("flrm-cambodia")
        assert flrm_only is not None
        await uow.partners.set_landscapes(partner, [flrm_only])
    await both.press("Landscape Partnership Asia")
    await both.expect_answer(en.gettext("This button has expired. Please use the latest message."))
    async with bot.db.unit_of_work() as uow:
        lpa_after = await uow.programmes.get(lpa_id)
        conversation = await uow.conversations.get(5004)
    assert lpa_after is not None
    assert lpa_after.status_updated_by is None
    assert conversation is not None
    assert conversation.step == "programme"  # nothing moved on

    partner_user = bot.user(5005, "Pat", language_code="en")
    await add_partner(bot.db, 5005)
    await partner_user.send("/setstatus")
    await partner_user.expect(en.gettext("Sorry, only coordinators and admins can do that."))


async def test_admins_choose_among_every_programme(bot: BotHarness) -> None:
    await add_partner(bot.db, 9000, role=Role.ADMIN)
    admin = bot.user(9000, "Ada", language_code="en")
    await admin.send("/setstatus")
    await admin.expect_button("Landscape Partnership Asia")
    await admin.press("Landscape Partnership Asia")
    await admin.expect("The partnership is being set up.")


async def test_bad_input_is_refused_with_a_hint_and_nothing_is_saved(bot: BotHarness) -> None:
    en = bot.catalogs.translator("en")
    coordinator = await _coordinator(bot)
    await coordinator.send("/setstatus")
    await coordinator.press("Beneficiary countries")
    await coordinator.expect("Send the new value of “Beneficiary countries")
    hint = en.gettext("Please send just the number, for example {example}.", example="1,234.5")
    for typed in ("abc", "1e999", "1,2,3"):
        await coordinator.send(typed)
        await coordinator.expect(hint)
    await coordinator.send("-3")
    await coordinator.expect(en.gettext("The value cannot be negative. Please send it again."))

    await coordinator.send("/setstatus")
    await coordinator.press(en.gettext("Status text"))
    await coordinator.press("English")
    await coordinator.send("x" * 2001)
    await coordinator.expect("at most 2,000 characters")

    async with bot.db.unit_of_work() as uow:
        programme = await uow.programmes.by_slug("flrm")
        assert programme is not None
        assert not await uow.audit.recent("programme.figure")
        assert not await uow.audit.recent("programme.status")
    assert programme.figures[1].value == 20
    assert programme.status["en"].startswith("Phase 2 is planned")
    assert programme.status_as_of == date(2021, 3, 19)

    await coordinator.send("Nurseries are ready.")  # the step stayed open after the hint
    await coordinator.expect(en.gettext("Saved."))
