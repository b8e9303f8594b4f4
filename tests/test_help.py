"""/help and the main menu fit a phone and follow the role: topics with a button into each,
every command in exactly one topic, and each role's own tools first in its menu."""

from __future__ import annotations

import pytest

import handlers
from bot.access import Level
from bot.routing import Command
from handlers.help import GROUPS
from handlers.menu import MENUS
from storage.models import Role, StakeholderType
from tests.support.bot import BotHarness
from tests.support.people import add_partner

COMMANDS = {r.name: r for r in handlers.routes() if isinstance(r, Command)}
SCREEN = 700  # characters that fit one phone screen


def test_every_menu_command_is_in_exactly_one_help_topic() -> None:
    listed = [name for _title, names in GROUPS for name in names.split()]
    assert len(listed) == len(set(listed)), "a command is in two topics"
    assert set(listed) <= set(COMMANDS), set(listed) - set(COMMANDS)
    in_menu = {name for name, command in COMMANDS.items() if command.in_menu}
    assert in_menu <= set(listed), in_menu - set(listed)


@pytest.mark.parametrize("level", list(Level))
def test_each_main_menu_fits_a_phone_and_holds_only_what_the_role_may_do(level: Level) -> None:
    names = MENUS[level].split()
    assert len(names) <= 8
    assert all(COMMANDS[name].level <= level for name in names)


@pytest.mark.parametrize(
    ("role", "kind", "first", "absent"),
    [
        (Role.PARTNER, StakeholderType.COMMUNITY, "Report your progress", "Review the check-ins"),
        (Role.PARTNER, StakeholderType.FUNDER, "Check-in figures", "Review the check-ins"),
        (Role.COORDINATOR, StakeholderType.NGO, "Review the check-ins", "Write to your"),
        (Role.ADMIN, StakeholderType.NGO, "Make a partner a coordinator", "Write to your"),
    ],
)
async def test_each_role_gets_its_own_menu_and_a_short_help(
    bot: BotHarness, role: Role, kind: StakeholderType, first: str, absent: str
) -> None:
    telegram_id = 9000 if role == Role.ADMIN else 7301  # admins are named in the configuration
    await add_partner(bot.db, telegram_id, name="Kim", role=role, kind=kind)
    user = bot.user(telegram_id, "Kim", language_code="en")
    await user.send("/help")
    help_text = await user.expect("Here is what I can do for you:")
    assert len(help_text.text) <= SCREEN, len(help_text.text)
    assert len(user.buttons()) <= 8
    await user.press(user.buttons()[0])  # the first topic, in full
    topic = await user.expect(" — ")
    assert len(topic.text) <= SCREEN
    assert user.buttons()[0].startswith(first), user.buttons()
    assert not any(label.startswith(absent) for label in user.buttons())


async def test_a_partner_sees_no_coordinating_topic_and_cannot_open_one(bot: BotHarness) -> None:
    await add_partner(bot.db, 7310, name="Pat", language="fr")
    user = bot.user(7310, "Pat", language_code="fr")
    fr = bot.catalogs.translator("fr")
    await user.send("/help")
    await user.expect(fr.gettext("Here is what I can do for you:"))
    assert fr.gettext("🧭 Coordinating") not in user.buttons()
    assert "/review" not in user.last.text
    coordinating = next(i for i, (title, _n) in enumerate(GROUPS) if "Coordinating" in title)
    assert bot.services is not None
    forged = bot.services.codec.encode("help.group", coordinating)
    await user.press_data(user.last.message_id, forged)
    await user.expect_answer(fr.gettext("This button has expired. Please use the latest message."))
    assert "/review" not in user.transcript()
