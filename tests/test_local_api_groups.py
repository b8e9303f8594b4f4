"""The sandbox Bot API's groups, driven through python-telegram-bot's real HTTP stack: members
and getChatMember, the bot added and removed (my_chat_member), commands addressed to the bot,
a group upgraded to a supergroup, a user blocking the bot in private, and forum topics."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from telegram import Bot, ChatMember, Update
from telegram.error import BadRequest, ChatMigrated, Forbidden

from bot.sandbox.api_server import LocalBotApi

TOKEN = "123456:sandbox-test-token"
OWNER, ADMIN, MEMBER, OUTSIDER = 1001, 1002, 1003, 1004
GROUP = -100

pytestmark = pytest.mark.asyncio


@pytest.fixture
async def api() -> AsyncIterator[LocalBotApi]:
    async with LocalBotApi(TOKEN) as server:
        for user_id, name in [(OWNER, "Owner"), (ADMIN, "Ada"), (MEMBER, "Mo"), (OUTSIDER, "Out")]:
            server.add_user(user_id, name)
        server.add_group(
            GROUP, "Cambodia partners", members={OWNER: "creator", ADMIN: "administrator"}
        )
        server.set_member(GROUP, MEMBER)
        yield server


@pytest.fixture
async def bot(api: LocalBotApi) -> AsyncIterator[Bot]:
    async with Bot(TOKEN, base_url=api.base_url, base_file_url=api.base_file_url) as client:
        yield client


async def updates(bot: Bot) -> list[Update]:
    return list(await bot.get_updates(timeout=0, allowed_updates=Update.ALL_TYPES))


async def test_members_and_their_statuses(bot: Bot) -> None:
    expected = {
        OWNER: ChatMember.OWNER,
        ADMIN: ChatMember.ADMINISTRATOR,
        MEMBER: ChatMember.MEMBER,
        OUTSIDER: ChatMember.LEFT,
    }
    for user_id, status in expected.items():
        assert (await bot.get_chat_member(GROUP, user_id)).status == status
    with pytest.raises(BadRequest, match=r"(?i)user not found"):
        await bot.get_chat_member(GROUP, 999)


async def test_the_bot_added_then_removed(api: LocalBotApi, bot: Bot) -> None:
    with pytest.raises(Forbidden, match="not a member"):
        await bot.send_message(GROUP, "before joining")
    api.add_bot(GROUP, OWNER)
    (added,) = await updates(bot)
    assert added.my_chat_member is not None
    assert added.my_chat_member.from_user.id == OWNER
    assert added.my_chat_member.old_chat_member.status == ChatMember.LEFT
    assert added.my_chat_member.new_chat_member.status == ChatMember.MEMBER
    assert added.my_chat_member.chat.type == "group"
    await bot.send_message(GROUP, "hello group")
    assert [m.text for m in api.messages(GROUP)] == ["hello group"]
    api.remove_bot(GROUP, ADMIN)
    removed = (await updates(bot))[-1].my_chat_member
    assert removed is not None
    assert removed.new_chat_member.status == ChatMember.BANNED
    with pytest.raises(Forbidden, match="kicked from the group chat"):
        await bot.send_message(GROUP, "after removal")


async def test_commands_in_a_group_name_the_bot(api: LocalBotApi, bot: Bot) -> None:
    api.add_bot(GROUP, OWNER)
    await api.send_text(MEMBER, "/next@landscape_bot please", chat_id=GROUP)
    message = (await updates(bot))[-1].message
    assert message is not None
    assert message.chat.id == GROUP
    assert message.from_user is not None
    assert message.from_user.id == MEMBER
    entity = message.entities[0]
    assert (entity.type, entity.offset, entity.length) == ("bot_command", 0, 19)


async def test_a_group_becomes_a_supergroup(api: LocalBotApi, bot: Bot) -> None:
    api.add_bot(GROUP, OWNER)
    api.migrate_group(GROUP, -1001234)
    seen = await updates(bot)
    old = [u.message for u in seen if u.message and u.message.migrate_to_chat_id]
    new = [u.message for u in seen if u.message and u.message.migrate_from_chat_id]
    assert old[0].migrate_to_chat_id == -1001234
    assert old[0].chat.id == GROUP
    assert new[0].migrate_from_chat_id == GROUP
    assert new[0].chat.type == "supergroup"
    with pytest.raises(ChatMigrated) as caught:
        await bot.send_message(GROUP, "old id")
    assert caught.value.new_chat_id == -1001234
    await bot.send_message(-1001234, "new id")
    assert (await bot.get_chat_member(-1001234, ADMIN)).status == ChatMember.ADMINISTRATOR


async def test_a_user_blocks_then_unblocks_the_bot(api: LocalBotApi, bot: Bot) -> None:
    api.block_bot(MEMBER)
    blocked = (await updates(bot))[-1].my_chat_member
    assert blocked is not None
    assert (blocked.chat.type, blocked.new_chat_member.status) == ("private", "kicked")
    with pytest.raises(Forbidden, match="blocked by the user"):
        await bot.send_message(MEMBER, "hello?")
    api.block_bot(MEMBER, blocked=False)
    unblocked = (await updates(bot))[-1].my_chat_member
    assert unblocked is not None
    assert unblocked.new_chat_member.status == "member"
    await bot.send_message(MEMBER, "welcome back")


async def test_a_forum_has_topics_and_replies(api: LocalBotApi, bot: Bot) -> None:
    """A forum supergroup says so; messages in a topic carry its thread id, sends to a topic
    it does not have are refused as Telegram does, and a user's reply names what it answers."""
    forum = -1009
    api.add_group(forum, "Forum", kind="supergroup", topics={5}, members={OWNER: "creator"})
    api.add_bot(forum, OWNER)
    await api.send_text(OWNER, "in topic five", chat_id=forum, thread_id=5)
    asked = (await updates(bot))[-1].message
    assert asked is not None
    assert asked.chat.is_forum
    assert (asked.is_topic_message, asked.message_thread_id) == (True, 5)
    sent = await bot.send_message(forum, "answer", message_thread_id=5)
    assert api.messages(forum)[-1].thread_id == 5
    with pytest.raises(BadRequest, match=r"(?i)message thread not found"):
        await bot.send_message(forum, "lost", message_thread_id=6)
    api.add_bot(GROUP, OWNER)
    with pytest.raises(BadRequest, match=r"(?i)message thread not found"):
        await bot.send_message(GROUP, "not a forum", message_thread_id=5)
    await api.send_text(OWNER, "thanks", chat_id=forum, reply_to=sent.message_id)
    reply = (await updates(bot))[-1].message
    assert reply is not None
    assert reply.reply_to_message is not None
    assert reply.reply_to_message.from_user is not None
    assert reply.reply_to_message.from_user.id == bot.id
    with pytest.raises(ValueError, match="only a supergroup"):
        api.add_group(-1010, "Not a forum", topics={1})
