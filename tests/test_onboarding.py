"""Joining the partnership, as a newcomer experiences it in the chat."""

from __future__ import annotations

import html

import pytest

from storage.models import Landscape, Role
from tests.support.bot import BotHarness
from tests.support.chat import ChatUser

# For each shipped language: Telegram's language_code and the picker's label.
LANGUAGES = {
    "en": ("en-US", "English"),
    "fr": ("fr-CA", "Français"),
    "es": ("es-PE", "Español"),
    "ar": ("ar-LB", "العربية"),
    "km": ("km", "ខ្មែរ"),
    "ko": ("ko-KR", "한국어"),
}


async def register(
    bot: BotHarness,
    user: ChatUser,
    *,
    language: str = "en",
    name: str = "Alice Kimura",
    organisation: str = "Prey Lang Women's Group",
) -> None:
    """Walk a newcomer through onboarding in `language`, with buttons wherever offered."""
    t = bot.catalogs.translator(language)
    await user.send("/start")
    await user.expect_button(LANGUAGES[language][1])
    await user.press(LANGUAGES[language][1])
    await user.expect(t.gettext("Your privacy"))
    await user.press(t.gettext("I agree"))
    await user.expect(t.gettext("What is your name?"))
    await user.send(name)
    await user.expect(t.gettext("Which organisation or group do you work with?"))
    await user.send(organisation)
    await user.expect(t.gettext("Which kind of partner are you?"))
    await user.press(t.gettext("Community group"))
    await user.expect_button("FLRM Cambodia")
    await user.press("FLRM Cambodia")
    await user.expect_button("✓ FLRM Cambodia")
    await user.press(t.gettext("Done"))
    await user.expect_button("Phnom Penh")
    await user.press("Phnom Penh")
    welcome = t.gettext("Welcome aboard, {name}! You are registered.", name=name)
    await user.expect(html.unescape(welcome))  # the chat shows text, not the HTML source


@pytest.mark.parametrize("language", list(LANGUAGES))
async def test_newcomer_registers_in_each_language(bot: BotHarness, language: str) -> None:
    code, _label = LANGUAGES[language]
    if language != "en":  # the catalog, not the English source, must answer
        assert bot.catalogs.translator(language).gettext("Your privacy") != "Your privacy"
    user = bot.user(2000, "Newcomer", language_code=code)
    await register(bot, user, language=language, name="Nimol Sok")

    async with bot.db.unit_of_work() as uow:
        partner = await uow.partners.by_telegram_id(2000)
    assert partner is not None
    assert partner.registered
    assert partner.language == language
    assert (partner.name, partner.organisation) == ("Nimol Sok", "Prey Lang Women's Group")
    assert partner.stakeholder_type == "community"
    assert partner.timezone == "Asia/Phnom_Penh"
    assert partner.consent_at is not None
    assert [landscape.slug for landscape in partner.landscapes] == ["flrm-cambodia"]


@pytest.mark.parametrize(
    ("language_code", "ticked"),
    [("fr-CA", "✓ Français"), ("ko", "✓ 한국어"), ("pt-BR", "✓ English")],
)
async def test_language_is_preselected_from_telegram(
    bot: BotHarness, language_code: str, ticked: str
) -> None:
    user = bot.user(2001, "Ana", language_code=language_code)
    await user.send("/start")
    await user.expect_button(ticked)


async def test_typed_time_zone_and_several_landscapes(bot: BotHarness) -> None:
    user = bot.user(2002, "Carlos", language_code="es")
    await user.send("/start")
    await user.press("Español")
    await user.expect("privacidad")
    await user.press_index(0)
    await user.expect("?")
    await user.send("Carlos Pérez")
    await user.expect("?")
    await user.send("Municipalidad de Cobán")
    await user.expect("?")
    await user.press_index(0)  # government
    await user.expect_button("FLRM Guatemala")
    await user.press("FLRM Guatemala")
    await user.expect_button("✓ FLRM Guatemala")
    await user.press("▶")  # Peru is on the next page; Guatemala stays chosen
    await user.press("FLRM Peru")
    await user.expect_button("✓ FLRM Peru")
    await user.press_index(-1)
    await user.expect_button("Guatemala")
    await user.send("Marte/Olympus")
    await user.expect("Asia/Phnom_Penh")  # the hint names examples; nothing was saved
    await user.send("utc-6")
    await user.expect("Carlos Pérez")
    async with bot.db.unit_of_work() as uow:
        partner = await uow.partners.by_telegram_id(2002)
    assert partner is not None
    assert partner.timezone == "Etc/GMT+6"
    assert {landscape.slug for landscape in partner.landscapes} == {"flrm-guatemala", "flrm-peru"}


async def test_landscape_picker_fits_a_phone_with_many_landscapes(bot: BotHarness) -> None:
    """Twelve landscapes: every page of the picker has at most 8 buttons, and what was chosen
    on one page is still chosen after paging away and back."""
    async with bot.db.unit_of_work() as uow:
        programme = await uow.programmes.by_slug("lpa")
        assert programme is not None
        for n in (1, 2):
            uow.session.add(
                Landscape(
                    programme_id=programme.id,
                    slug=f"lpa-extra-{n}",
                    name=f"LPA Extra {n}",
                    country="NP",
                    timezone="Asia/Kathmandu",
                )
            )
        assert len(await uow.places.landscapes()) == 12
    user = bot.user(2003, "Mina", language_code="en")
    await user.send("/start")
    await user.press("English")
    await user.press("I agree")
    await user.send("Mina Rai")
    await user.send("Himalayan Trust")
    await user.press("NGO or implementing partner")
    await user.press("FLRM Cambodia")
    await user.expect_button("✓ FLRM Cambodia")
    pages = [user.buttons()]
    for first in ("FLRM Peru", "LPA Extra 1"):  # the next two pages
        await user.press("▶")
        await user.expect_button(first)
        pages.append(user.buttons())
    assert "▶" not in pages[-1]
    await user.press("LPA Extra 2")
    await user.expect_button("✓ LPA Extra 2")
    pages.append(user.buttons())
    await user.press("◀")
    await user.expect_button("FLRM Peru")
    await user.press("◀")
    await user.expect_button("✓ FLRM Cambodia")
    assert len(pages) == 4  # three pages, the last one twice
    for page in pages:
        assert len(page) <= 8, page
    await user.press("Done")
    await user.press("Asia/Kathmandu")
    await user.expect("Mina Rai")
    async with bot.db.unit_of_work() as uow:
        partner = await uow.partners.by_telegram_id(2003)
    assert partner is not None
    assert {p.slug for p in partner.landscapes} == {"flrm-cambodia", "lpa-extra-2"}


async def test_restart_in_the_middle_continues_where_the_newcomer_was(bot: BotHarness) -> None:
    user = bot.user(2003, "Dara", language_code="km")
    await user.send("/start")
    await user.press("ខ្មែរ")
    await user.expect("ឯកជនភាព")
    await user.press_index(0)
    await user.expect("?")
    await user.send("Dara Chea")
    await user.expect("?")  # now asked for the organisation

    await bot.restart()

    await user.send("Community Forest Network")
    await user.expect("?")
    await user.press_index(1)
    await user.expect_button("FLRM Cambodia")
    async with bot.db.unit_of_work() as uow:
        conversation = await uow.conversations.get(2003)
    assert conversation is not None
    assert conversation.step == "landscapes"
    assert conversation.data["name"] == "Dara Chea"
    assert conversation.data["organisation"] == "Community Forest Network"


async def test_start_again_resumes_instead_of_starting_over(bot: BotHarness) -> None:
    user = bot.user(2004, "Eva", language_code="en")
    await user.send("/start")
    await user.press("English")
    await user.expect("Your privacy")
    await user.press("I agree")
    await user.expect("What is your name?")
    await user.send("/start")
    await user.expect("continue where you left off")
    await user.expect("What is your name?")


async def test_returning_partner_is_welcomed_back_with_the_menu(bot: BotHarness) -> None:
    user = bot.user(2005, "Fatima", language_code="ar")
    await register(bot, user, language="ar", name="Fatima Haddad")
    await user.send("/start")
    await user.expect("Fatima Haddad")
    assert len(user.buttons()) >= 2  # the main menu


async def test_declining_consent_stores_nothing(bot: BotHarness) -> None:
    user = bot.user(2006, "Gus", language_code="en")
    await user.send("/start")
    await user.press("English")
    await user.expect("Your privacy")
    await user.press("No, thanks")
    await user.expect("nothing was saved")
    async with bot.db.unit_of_work() as uow:
        assert await uow.partners.by_telegram_id(2006) is None
        assert await uow.conversations.get(2006) is None


async def test_invite_link_prefills_landscape_kind_and_role(bot: BotHarness) -> None:
    admin = bot.user(9000, "Admin", language_code="en")
    await register(bot, admin, name="Ada Admin")
    await admin.send("/invite")
    await admin.expect("Which landscape")
    await admin.press("FLRM Vanuatu")
    await admin.expect("Which kind of partner")
    await admin.press("NGO or implementing partner")
    await admin.expect("Which role")
    await admin.press("Coordinator")
    link = await admin.expect("t.me/landscape_bot?start=")
    code = link.text.split("start=", 1)[1].split()[0]

    newcomer = bot.user(2007, "Hana", language_code="ko")
    await newcomer.send(f"/start {code}")
    await newcomer.press("한국어")
    await newcomer.expect("개인정보")
    await newcomer.press_index(0)
    await newcomer.expect("?")
    await newcomer.send("Hana Kim")
    await newcomer.expect("?")
    await newcomer.send("Korea Forest Service")
    # Kind and landscape came with the invite: straight to the time zone.
    await newcomer.expect_button("Efate")
    await newcomer.press("Efate")
    await newcomer.expect("Hana Kim")
    async with bot.db.unit_of_work() as uow:
        partner = await uow.partners.by_telegram_id(2007)
        invite = await uow.invites.usable(code, bot.clock())
    assert partner is not None
    assert partner.role == Role.COORDINATOR
    assert partner.stakeholder_type == "ngo"
    assert [landscape.slug for landscape in partner.landscapes] == ["flrm-vanuatu"]
    assert invite is not None
    assert invite.uses_left == 99


async def test_unknown_invite_code_is_explained_and_joining_goes_on(bot: BotHarness) -> None:
    user = bot.user(2008, "Ivan", language_code="fr")
    await user.send("/start not-a-real-code")
    await user.expect("n’est plus valable")
    await user.expect_button("Français")
