"""Telegram's command menu: one per language for everyone, one per language for groups (their
admins' with /link and /unlink too), and one per chat for registered partners, coordinators and
admins, in the language they chose and for the role they hold."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING

from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeAllChatAdministrators,
    BotCommandScopeAllGroupChats,
    BotCommandScopeChat,
    BotCommandScopeDefault,
)
from telegram.error import TelegramError

from bot.access import Level, level_of
from bot.i18n import Catalogs, Translator
from bot.routing import Command, GroupCommand
from storage.models import Partner

if TYPE_CHECKING:
    from bot.services import Services
    from bot.turn import Turn

log = logging.getLogger(__name__)


def visible_commands(commands: Sequence[Command], level: Level) -> list[Command]:
    return [command for command in commands if command.in_menu and command.level <= level]


def bot_commands(t: Translator, commands: Sequence[Command | GroupCommand]) -> list[BotCommand]:
    return [BotCommand(command.name, t.gettext(command.summary)[:256]) for command in commands]


async def publish_defaults(bot: Bot, services: Services) -> None:
    """The menus newcomers and groups see, in each shipped language (Telegram picks by the app
    language): in private chats; in groups, where only a group's admins, who alone may link
    it, are shown /link and /unlink."""
    catalogs, group_commands = services.catalogs, services.group_commands
    everyone = [command for command in group_commands if not command.admins]
    for t in catalogs.translators():
        code = None if t.language == catalogs.default else t.language
        menus = (
            (BotCommandScopeDefault(), visible_commands(services.commands, Level.PARTNER)),
            (BotCommandScopeAllGroupChats(), everyone),
            (BotCommandScopeAllChatAdministrators(), group_commands),
        )
        for scope, commands in menus:
            await bot.set_my_commands(bot_commands(t, commands), scope=scope, language_code=code)


async def publish_for(
    bot: Bot, catalogs: Catalogs, commands: Sequence[Command], chat_id: int, partner: Partner | None
) -> None:
    """This chat's own menu (none once the partner is gone); best effort, as it is a convenience."""
    scope = BotCommandScopeChat(chat_id)
    try:
        if partner is None or not partner.registered:
            await bot.delete_my_commands(scope=scope)
            return
        t = catalogs.translator(partner.language or catalogs.default)
        menu = bot_commands(t, visible_commands(commands, level_of(partner)))
        await bot.set_my_commands(menu, scope=scope)
    except TelegramError as error:
        log.warning("could not set the command menu for chat %s: %s", chat_id, error)


def refresh_after_commit(turn: Turn) -> None:
    """Once the turn commits, republish the user's menu for their new language or role."""
    services, bot, chat_id = turn.services, turn.bot, turn.user.id
    turn.after_commit(
        lambda: publish_for(bot, services.catalogs, services.commands, chat_id, turn.partner)
    )
