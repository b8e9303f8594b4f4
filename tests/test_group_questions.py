"""Questions in a linked group, over real HTTP: a reply to the bot is understood as in private,
in the group's language and about the group's programme and landscapes, and answered in the
group quoting it; a question nobody can answer is kept for coordinators only when a registered
partner asked; ordinary chat, and replies to anyone else, are left alone."""

from __future__ import annotations

from datetime import timedelta

from storage.models import Role
from tests.support.bot import BotHarness
from tests.support.chat import ChatUser
from tests.support.groups import add_linked_group, in_group
from tests.support.people import add_event, add_partner

GROUP = -5301
COORD, PARTNER, LURKER = 8801, 8802, 8803
NEXT_MEETING_KM = "យើងនឹងអង្គុយពិភាក្សាគ្នាម្តងទៀតនៅពេលណា"  # "when do we sit down together again"
UNKNOWN_KM = "តម្លៃជីនៅផ្សារកំពតប៉ុន្មាន"  # "how much is fertiliser at Kampot market"
WHAT_I_DO = (
    "Here I answer /next, /events and /status, and questions about this group's meetings "
    "and programme sent as a reply to me. For anything else, write to me in private."
)
PASSED_ON = (
    "I don't have an answer to that yet, so I have passed your question on to the coordinators."
)


async def _linked_group(bot: BotHarness) -> None:
    await add_partner(bot.db, COORD, name="Cora", role=Role.COORDINATOR)
    await add_partner(bot.db, PARTNER, name="Pia", language="fr")
    for user_id, name in [(COORD, "Cora"), (PARTNER, "Pia"), (LURKER, "Luc")]:
        bot.api.add_user(user_id, name, language_code="en")
    await add_linked_group(bot, GROUP, "Cambodia partners",
                           {COORD: "creator", PARTNER: "member", LURKER: "member"},
                           by=COORD, language="km", landscapes=["flrm-cambodia"])  # fmt: skip
    await add_event(bot.db, "Cambodia meeting", starts_in=timedelta(days=2),
                    landscapes=["flrm-cambodia"])  # fmt: skip
    await add_event(bot.db, "Peru meeting", starts_in=timedelta(days=1), landscapes=["flrm-peru"])


async def test_a_reply_to_the_bot_is_answered_in_the_group(bot: BotHarness) -> None:
    await _linked_group(bot)
    km = bot.catalogs.translator("km")
    pia, luc = in_group(bot, PARTNER, "Pia", GROUP), in_group(bot, LURKER, "Luc", GROUP)
    await luc.send("/status")
    said = await luc.expect("FLRM")
    # Ordinary chat, and a reply to a person, are none of the bot's business.
    await pia.send(NEXT_MEETING_KM)
    await pia.expect_nothing(0.5)
    await pia.reply(said.message_id - 1, "good idea, Luc")  # a reply to Luc, not the bot
    await pia.expect_nothing(0.5)
    await pia.reply(said.message_id, NEXT_MEETING_KM)
    answer = await pia.expect("Cambodia meeting", within=10)
    assert "Peru meeting" not in answer.text  # not for this group's landscape
    assert answer.reply_to is not None  # quoting Pia's question
    assert answer.reply_to != said.message_id
    # A stranger's question nobody can answer: told what the bot does here, nothing kept.
    await luc.reply(answer.message_id, UNKNOWN_KM)
    await luc.expect(km.gettext(WHAT_I_DO), within=10)
    async with bot.db.unit_of_work() as uow:
        assert await uow.questions.open() == []
    # A registered partner's is kept for coordinators, in the group's language.
    await pia.reply(answer.message_id, UNKNOWN_KM)
    await pia.expect(km.gettext(PASSED_ON), within=10)
    async with bot.db.unit_of_work() as uow:
        [question] = await uow.questions.open()
        partner = await uow.partners.by_telegram_id(PARTNER)
    assert partner is not None
    assert (question.partner_id, question.language, question.text) == (
        partner.id,
        "km",
        UNKNOWN_KM,
    )


async def _group_of_one_landscape(bot: BotHarness, *, language: str) -> ChatUser:
    await add_partner(bot.db, COORD, name="Cora", role=Role.COORDINATOR)
    bot.api.add_user(COORD, "Cora", language_code="en")
    await add_linked_group(bot, GROUP, "Cambodia partners", {COORD: "creator"}, by=COORD,
                           language=language, landscapes=["flrm-cambodia"])  # fmt: skip
    return in_group(bot, COORD, "Cora", GROUP)


async def test_a_week_with_no_meeting_says_so_in_the_group_and_gives_the_next(
    bot: BotHarness,
) -> None:
    cora = await _group_of_one_landscape(bot, language="fr")
    await add_event(bot.db, "Journée pépinière", starts_in=timedelta(days=30),
                    landscapes=["flrm-cambodia"])  # fmt: skip
    await cora.send("/next")
    said = await cora.expect("Journée pépinière")
    await cora.reply(said.message_id, "y a-t-il une réunion la semaine prochaine ?")
    fr = bot.catalogs.translator("fr")
    none_then = fr.gettext("There are no events from {start} to {end}.").split("{")[0]
    answer = await cora.expect(none_then, within=10)
    assert fr.gettext("The next one:") in answer.text
    assert "Journée pépinière" in answer.text
    assert answer.reply_to is not None
    assert answer.buttons == []  # nothing to press in a group


async def test_a_meeting_in_the_window_is_listed_in_the_group(bot: BotHarness) -> None:
    cora = await _group_of_one_landscape(bot, language="en")
    await add_event(bot.db, "Week meeting", starts_in=timedelta(days=1),
                    landscapes=["flrm-cambodia"])  # fmt: skip
    await add_event(bot.db, "Far meeting", starts_in=timedelta(days=40),
                    landscapes=["flrm-cambodia"])  # fmt: skip
    await cora.send("/status")
    said = await cora.expect("FLRM")
    await cora.reply(said.message_id, "anything in the next 3 days?")
    answer = await cora.expect("Week meeting", within=10)
    assert answer.text.startswith("Events from")
    assert "Far meeting" not in answer.text
    assert answer.reply_to is not None
    assert answer.buttons == []
