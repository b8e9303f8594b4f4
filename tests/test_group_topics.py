"""A linked forum group, over real HTTP: /link sent in a topic asks whether the bot posts there
or in General; only a group admin who coordinates the programme may choose; replies to commands
stay in the topic they were asked in, and reminders go to the chosen topic (or to General once
that topic is deleted)."""

from __future__ import annotations

from bot.callbacks import CallbackCodec, codec_key
from storage.models import Role
from tests.support.bot import TOKEN, BotHarness
from tests.support.groups import add_group, add_reminded_event, in_group, link_group, link_of
from tests.support.people import add_partner

FORUM, TOPIC = -1007001, 42
COORD, PARTNER = 8701, 8702
REFUSAL = "Only an admin of this group who coordinates the programme can link or unlink it."
TITLE = "Kampong Speu nursery visit"


async def _forum(bot: BotHarness) -> None:
    await add_partner(bot.db, COORD, name="Cora", role=Role.COORDINATOR)
    await add_partner(bot.db, PARTNER, name="Pia")
    for user_id, name in [(COORD, "Cora"), (PARTNER, "Pia")]:
        bot.api.add_user(user_id, name, language_code="en")
    add_group(bot, FORUM, "FLRM forum", {COORD: "creator", PARTNER: "member"},
              kind="supergroup", topics={TOPIC})  # fmt: skip


async def _link_up_to_the_language(bot: BotHarness, topic: int | None) -> None:
    en = bot.catalogs.translator("en")
    cora = in_group(bot, COORD, "Cora", FORUM, topic=topic)
    await cora.send("/link")
    asked = await cora.expect(en.gettext("Which programme is this group for?"))
    assert asked.thread_id == topic  # asked where /link was sent
    await cora.press("FLRM")
    await cora.press(en.gettext("Continue »"))
    await cora.press(en.language_name("km"))


async def test_a_forum_is_linked_to_the_topic_link_was_sent_in(bot: BotHarness) -> None:
    await _forum(bot)
    en = bot.catalogs.translator("en")
    await _link_up_to_the_language(bot, TOPIC)
    cora = in_group(bot, COORD, "Cora", FORUM, topic=TOPIC)
    pia = in_group(bot, PARTNER, "Pia", FORUM, topic=TOPIC)
    asked = await cora.expect(en.gettext("Which topic of this forum should I post reminders in?"))
    assert asked.thread_id == TOPIC
    # Pia is no group admin: her choice is refused and changes nothing.
    await pia.press(en.gettext("This topic"))
    await pia.expect_answer(en.gettext(REFUSAL))
    assert await link_of(bot.db, FORUM) is None
    await cora.press(en.gettext("This topic"))
    await cora.expect("/next")
    link = await link_of(bot.db, FORUM)
    assert link is not None
    assert (link.active, link.thread_id, link.language) == (True, TOPIC, "km")

    # A command asked in the topic is answered there; one asked in General, in General.
    km = bot.catalogs.translator("km")
    await pia.send("/next")
    answer = await pia.expect(km.gettext("There are no upcoming events for this group."))
    assert answer.thread_id == TOPIC
    in_general = in_group(bot, PARTNER, "Pia", FORUM)
    await in_general.send("/status")
    assert (await in_general.expect("FLRM")).thread_id is None

    # The reminder goes to the chosen topic.
    await add_reminded_event(bot, TITLE, landscapes=(), hours=1)
    reminder = await pia.expect(TITLE, within=10)
    assert reminder.thread_id == TOPIC

    # The topic is deleted: the next reminder goes to General rather than nowhere.
    bot.api.delete_topic(FORUM, TOPIC)
    await add_reminded_event(bot, "Second visit", landscapes=(), hours=1)
    assert (await in_general.expect("Second visit", within=10)).thread_id is None


async def test_a_forum_may_choose_general_and_a_forged_topic_changes_nothing(
    bot: BotHarness,
) -> None:
    await _forum(bot)
    en = bot.catalogs.translator("en")
    await _link_up_to_the_language(bot, TOPIC)
    cora = in_group(bot, COORD, "Cora", FORUM, topic=TOPIC)
    asked = await cora.expect(en.gettext("Which topic of this forum should I post reminders in?"))
    # A button that does not say 0 or 1, correctly signed: refused, nothing linked.
    async with bot.db.unit_of_work() as uow:
        flrm = await uow.programmes.by_slug("flrm")
    assert flrm is not None
    forged = CallbackCodec(codec_key(TOKEN)).encode("gl.f", flrm.id, 0, "km", 7)
    await cora.press_data(asked.message_id, forged)
    await cora.expect_answer(en.gettext("This button has expired. Please use the latest message."))
    assert await link_of(bot.db, FORUM) is None
    await cora.press(en.gettext("General"))
    await cora.expect("/next")
    link = await link_of(bot.db, FORUM)
    assert link is not None
    assert (link.active, link.thread_id) == (True, None)


async def test_link_sent_in_general_asks_no_topic(bot: BotHarness) -> None:
    await _forum(bot)
    await _link_up_to_the_language(bot, None)
    cora = in_group(bot, COORD, "Cora", FORUM)
    assert (await cora.expect("/next")).thread_id is None
    link = await link_of(bot.db, FORUM)
    assert link is not None
    assert (link.active, link.thread_id) == (True, None)


async def test_groups_says_which_forum_posts_in_one_of_its_topics(bot: BotHarness) -> None:
    await _forum(bot)
    await link_group(bot.db, FORUM, by=COORD, title="FLRM forum", thread_id=TOPIC)
    await link_group(bot.db, FORUM - 1, by=COORD, title="Nursery forum")  # its General
    cora = bot.user(COORD, "Cora")
    await cora.send("/groups")
    listed = await cora.expect("Nursery forum")
    en = bot.catalogs.translator("en")
    in_topic = "{title} (in one of its topics)"
    assert en.gettext(in_topic, title="FLRM forum") in listed.text
    assert en.gettext(in_topic, title="Nursery forum") not in listed.text
