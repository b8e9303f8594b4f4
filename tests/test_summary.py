"""/summary through the bot: a coordinator reads last month's figures for their programme in
their own words and number format; a funder sees the same figures with nobody named; a
community partner is refused; nobody reads a programme that is not theirs."""

from __future__ import annotations

import html
import random
from datetime import UTC, date, datetime

from sqlalchemy import select

from storage.models import Partner, Role, StakeholderType
from tests.support.bot import BotHarness
from tests.support.chat import ChatUser
from tests.support.checkins import Answer, add_checkin, use_template
from tests.support.people import add_partner

NOW = datetime(2026, 10, 14, 3, 0, tzinfo=UTC)  # 10:00 in Phnom Penh
SEPTEMBER, AUGUST = date(2026, 9, 1), date(2026, 8, 1)
COORDINATOR = 5101
BARRIER = "Goats ate the seedlings near the river"


async def _programme_and_landscape(bot: BotHarness) -> tuple[int, int]:
    async with bot.db.unit_of_work() as uow:
        programme = await uow.programmes.by_slug("flrm")
        place = await uow.places.landscape_by_slug("flrm-cambodia")
    assert programme is not None
    assert place is not None
    return programme.id, place.id


async def _september(bot: BotHarness) -> None:
    """Three community partners expected (one more is away, one is a funder); two reported."""
    bot.clock = lambda: NOW
    flrm, cambodia = await _programme_and_landscape(bot)
    await use_template(bot.db, flrm)
    sokha = await add_partner(bot.db, 6001, name="Sokha")
    dara = await add_partner(bot.db, 6002, name="Dara")
    await add_partner(bot.db, 6003, name="Vanna")
    away = await add_partner(bot.db, 6004, name="Mey")
    await add_partner(bot.db, 6005, name="Fiona", kind=StakeholderType.FUNDER)
    async with bot.db.unit_of_work() as uow:
        for partner in (await uow.session.scalars(select(Partner))).all():
            partner.joined_at = datetime(2026, 1, 5, tzinfo=UTC)  # long before September
            if partner.id == away:
                partner.away_until = date(2026, 9, 20)
    shared: dict[str, Answer] = {"survival_pct": 80, "threat": "fire"}
    await add_checkin(
        bot.db,
        sokha,
        flrm,
        SEPTEMBER,
        {
            "area_ha": 12.5,
            "people": {"women": 4, "men": 6},
            "monitoring": 1,
            "barriers": BARRIER,
            **shared,
        },
        landscape_id=cambodia,
    )
    await add_checkin(
        bot.db,
        dara,
        flrm,
        SEPTEMBER,
        {"area_ha": 18.5, "people": {"women": 3, "men": 2}, "monitoring": 0, **shared},
        landscape_id=cambodia,
    )
    await add_checkin(bot.db, sokha, flrm, AUGUST, {"area_ha": 20}, landscape_id=cambodia)


async def _coordinator(bot: BotHarness, language: str = "en") -> ChatUser:
    await add_partner(bot.db, COORDINATOR, name="Chantha", role=Role.COORDINATOR, language=language)
    return bot.user(COORDINATOR, "Chantha", language_code=language)


async def test_coordinator_reads_last_month(bot: BotHarness) -> None:
    await _september(bot)
    en = bot.catalogs.translator("en")
    coordinator = await _coordinator(bot)
    await coordinator.send("/summary flrm last month")
    card = await coordinator.expect("September 2026")
    assert len(card.text) <= 700  # one phone screen; names and barriers are a tap away
    text = html.unescape(card.text)
    text += await _more(coordinator, "Not reported yet (1)", "• Vanna")
    text += await _more(coordinator, "Open barriers (1)", BARRIER)
    text += await _details(coordinator, "Figures in detail", "« Back")
    expected = [
        en.ngettext("{n} check-in", "{n} check-ins", 2),
        "Response rate: 67% (2 of 3 partners expected)",
        "Compared with August 2026.",
        "Area restored",
        "31 ha in total · 15.5 ha on average · 2 answers · +55% vs the previous period",
        "People engaged — Women",
        "7 people in total · 3.5 people on average · 2 answers",
        "Seedling survival",
        "80% on average · 2 answers",
        "Yes: 1 (50%) · 2 answers",
        "Main threat",
        "Fire 2",
        "Not reported yet (1)",
        "• Vanna (Test Organisation)",
        "Open barriers (1)",
        BARRIER,
    ]
    for line in expected:
        assert line in text, line
    for absent in ("Mey", "Fiona", "Chantha"):  # away, a funder, the coordinator
        assert absent not in text
    await coordinator.press("« August 2026")
    await coordinator.expect("August 2026")
    assert "20 ha in total" in await _details(coordinator, "Figures in detail", "« Back")


async def _more(user: ChatUser, label: str, shows: str) -> str:
    """Press a "More" button under a summary's headline; returns what it shows, then goes back
    to the headline."""
    await user.press(label)
    screen = await user.expect(shows)
    assert len(screen.text) <= 700
    await user.press("« Back")
    await user.expect_button(label)
    return "\n" + html.unescape(screen.text)


async def _details(user: ChatUser, label: str, back: str) -> str:
    """Press "Figures in detail" and read every page of it (each one screen), then go back."""
    await user.press(label)
    screen = await user.expect("")
    texts = [screen.text]
    while "▶" in user.buttons():
        await user.press("▶")
        screen = await user.expect("")
        texts.append(screen.text)
    assert all(len(text) <= 700 for text in texts)
    await user.press(back)
    await user.expect("")
    return "\n" + html.unescape("\n".join(texts))


async def test_figures_read_in_french(bot: BotHarness) -> None:
    await _september(bot)
    fr = bot.catalogs.translator("fr")
    coordinator = await _coordinator(bot, "fr")
    await coordinator.send("/summary flrm le mois dernier")
    card = await coordinator.expect("septembre 2026")
    text = html.unescape(card.text)
    assert "Surface restaurée" in text
    text += await _details(coordinator, fr.gettext("Figures in detail"), fr.gettext("« Back"))
    figures = fr.gettext(
        "{total} in total · {average} on average · {answers}",
        total="31 ha",
        average="15,5 ha",
        answers=fr.ngettext("{n} answer", "{n} answers", 2),
    )
    assert html.unescape(figures) in text
    assert "Personnes mobilisées — Femmes" in text


async def test_funder_sees_figures_but_nobody_named(bot: BotHarness) -> None:
    await _september(bot)
    async with bot.db.unit_of_work() as uow:
        vanna = await uow.partners.by_telegram_id(6003)
        flrm = await uow.programmes.by_slug("flrm")
    assert vanna is not None
    assert flrm is not None
    await add_checkin(bot.db, vanna.id, flrm.id, SEPTEMBER, {"area_ha": 10, "threat": "fire"})
    funder = bot.user(6005, "Fiona", language_code="en")
    await funder.send("/summary last month")
    card = await funder.expect("September 2026")
    text = html.unescape(card.text)
    text += await _details(funder, "Figures in detail", "« Back")
    assert "41 ha in total" in text  # three answers
    assert "Fire 3" in text
    # Two answers each: who said what could be worked out, so these are left out.
    assert "Seedling survival" not in text
    assert "Monitoring in place" not in text
    assert "Figures from too few answers to keep partners anonymous are hidden." in text
    assert "Response rate: 100% (3 of 3 partners expected)" in text
    assert "1 open barrier." in text
    assert "Anonymised: no names and no individual answers." in text
    for named in ("Vanna", "Sokha", "Dara", BARRIER, "Not reported yet"):
        assert named not in text
    assert not any("(" in label for label in funder.buttons())  # no "More" with names
    assert bot.services is not None
    for screen in ("m", "b"):  # the screens that name people, as if forged
        forged = bot.services.codec.encode("sum", "p", flrm.id, 0, 0, screen, 0)
        await funder.press_data(card.message_id, forged)
        await funder.expect_answer("This button has expired")


async def test_community_partner_is_refused_and_it_is_audited(bot: BotHarness) -> None:
    await _september(bot)
    await add_partner(bot.db, 6010, name="Kim", language="ko")
    partner = bot.user(6010, "Kim", language_code="ko")
    ko = bot.catalogs.translator("ko")
    await partner.send("/summary flrm last month")
    await partner.expect(
        ko.gettext("Sorry, only coordinators, admins and funders can see summaries.")
    )
    async with bot.db.unit_of_work() as uow:
        [refused] = await uow.audit.recent("access.refused")
    assert refused.detail["route"] == "/summary"
    assert (refused.detail["needed"], refused.detail["had"]) == ("funder", "partner")


async def test_only_their_own_programmes(bot: BotHarness) -> None:
    await _september(bot)
    en = bot.catalogs.translator("en")
    coordinator = await _coordinator(bot)
    await coordinator.send("/summary lpa")
    await coordinator.expect(
        html.unescape(en.gettext("You cannot see the summary of “{name}”.", name="lpa"))
    )
    # A correctly signed button for a programme they do not coordinate, as if copied.
    async with bot.db.unit_of_work() as uow:
        lpa = await uow.programmes.by_slug("lpa")
    assert lpa is not None
    assert bot.services is not None
    forged = bot.services.codec.encode("sum", "p", lpa.id, 0, 0, "h", 0)
    await coordinator.press_data(coordinator.last.message_id, forged)
    await coordinator.expect_answer(
        en.gettext("This button has expired. Please use the latest message.")
    )


async def test_unknown_period_gets_examples(bot: BotHarness) -> None:
    await _september(bot)
    coordinator = await _coordinator(bot)
    await coordinator.send("/summary flrm someday")
    hint = await coordinator.expect("someday")
    assert "last quarter" in hint.text
    assert "2026-09-01..2026-09-30" in hint.text


async def test_admin_sees_every_programme_this_month_by_default(bot: BotHarness) -> None:
    await _september(bot)
    await add_partner(bot.db, 9000, name="Admin", role=Role.ADMIN)
    admin = bot.user(9000, "Admin", language_code="en")
    await admin.send("/summary 2026-Q3")
    card = await admin.expect("Q3 2026")
    text = html.unescape(card.text)
    assert "All programmes" in text
    await admin.press("Forest and Landscape")
    await admin.expect("Area restored")
    text += await _details(admin, "Figures in detail", "« Back")
    assert "51 ha in total" in text  # August's 20 and September's 31
    await admin.send("/summary")
    await admin.expect("October 2026")


async def test_random_checkins_add_up_through_the_bot(bot: BotHarness) -> None:
    """Seeded random answers, the figures worked out here in plain Python, read in the chat."""
    bot.clock = lambda: NOW
    rng = random.Random(2026)
    flrm, cambodia = await _programme_and_landscape(bot)
    await use_template(bot.db, flrm)
    areas, women, reported = [], [], 0
    for n in range(12):
        partner = await add_partner(bot.db, 6100 + n, name=f"Partner {n:02d}")
        if rng.random() < 0.3:
            continue  # has not reported
        reported += 1
        women.append(rng.randrange(0, 40))
        answers: dict[str, Answer] = {"people": {"women": women[-1]}}
        if rng.random() < 0.8:
            areas.append(round(rng.uniform(0, 30), 1))
            answers["area_ha"] = areas[-1]
        await add_checkin(bot.db, partner, flrm, SEPTEMBER, answers, landscape_id=cambodia)
    async with bot.db.unit_of_work() as uow:
        for partner_row in (await uow.session.scalars(select(Partner))).all():
            partner_row.joined_at = datetime(2026, 1, 5, tzinfo=UTC)
    coordinator = await _coordinator(bot)
    await coordinator.send("/summary flrm 2026-09")
    text = html.unescape((await coordinator.expect("September 2026")).text)
    text += await _more(coordinator, "Not reported yet", "•")
    text += await _details(coordinator, "Figures in detail", "« Back")
    en = bot.catalogs.translator("en")
    area = f"{en.number(round(sum(areas), 2))} ha in total · "
    area += f"{en.number(round(round(sum(areas) / len(areas), 1), 2))} ha on average · "
    area += f"{len(areas)} answers"
    assert area in text
    assert f"{en.number(sum(women))} people in total" in text
    rate = f"Response rate: {round(100 * reported / 12)}% ({reported} of 12 partners expected)"
    assert rate in text
    assert f"Not reported yet ({12 - reported})" in text


async def test_every_screen_fits_a_phone_in_every_language(bot: BotHarness) -> None:
    """A coordinator's and an admin's summary, each screen of it, in each shipped language:
    at most 700 characters and 8 buttons."""
    await _september(bot)
    await add_partner(bot.db, 9000, name="Admin", role=Role.ADMIN)  # an admin by settings
    for n, language in enumerate(bot.catalogs.languages):
        t = bot.catalogs.translator(language)
        await add_partner(bot.db, 5300 + n, name="Reader", role=Role.COORDINATOR, language=language)
        async with bot.db.unit_of_work() as uow:
            admin = await uow.partners.by_telegram_id(9000)
            assert admin is not None
            admin.language = language
        for telegram_id, command in (
            (5300 + n, "/summary flrm 2026-09"),
            (9000, "/summary 2026-09"),
        ):
            reader = bot.user(telegram_id, "Reader", language_code=language)
            await reader.send(command)
            card = await reader.expect("2026")
            seen = [(card.text, reader.buttons())]
            more = [label for label in reader.buttons() if "2026" not in label]
            assert more, (language, command)
            detail, back = t.gettext("Figures in detail"), t.gettext("« Back")
            for label in more:
                if label == detail:
                    await _details(reader, detail, back)  # each page at most 700
                    continue
                await reader.press(label)
                seen.append(((await reader.expect("")).text, reader.buttons()))
                if detail in reader.buttons():  # a programme's screen
                    await _details(reader, detail, back)
                await reader.press(back)
                await reader.expect_button(label)
            for text, buttons in seen:
                assert len(text) <= 700, (language, command, len(text))
                assert len(buttons) <= 8, (language, command, buttons)


async def test_a_long_list_of_barriers_is_paged(bot: BotHarness) -> None:
    """Nine open barriers, long ones: every page of the list fits a phone, and paging reaches
    each of them."""
    await _september(bot)
    flrm, cambodia = await _programme_and_landscape(bot)
    for n in range(8):
        partner = await add_partner(bot.db, 6300 + n, name=f"Partner {n}")
        answers: dict[str, Answer] = {"barriers": f"Barrier {n}: " + "no fencing money " * 12}
        await add_checkin(bot.db, partner, flrm, SEPTEMBER, answers, landscape_id=cambodia)
    coordinator = await _coordinator(bot)
    await coordinator.send("/summary flrm 2026-09")
    await coordinator.expect("September 2026")
    text = await _details(coordinator, "Open barriers (9)", "« Back")
    for n in range(8):
        assert f"Barrier {n}:" in text
    assert BARRIER in text
