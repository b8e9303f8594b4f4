"""What the inbox says on its own, outside any handler, in the user's language: sorry when an
update is given up on, and "please be patient" to someone flooding the chat."""

from __future__ import annotations

import logging
from collections.abc import Callable

from telegram import Bot, Update
from telegram.constants import ChatType
from telegram.error import TelegramError

from bot.i18n import Translator
from bot.language import language_of
from bot.services import Services

log = logging.getLogger(__name__)


async def apologise(services: Services, bot: Bot, update: Update) -> None:
    """Say that the user's message could not be handled (and stop a pressed button's spinner)."""
    await _tell(
        services,
        bot,
        update,
        lambda t: t.gettext(
            "Sorry, something went wrong on our side. Please try again in a moment."
        ),
        private_only=False,
        answer_button=True,
    )


async def ask_for_patience(services: Services, bot: Bot, update: Update) -> None:
    """Tell a flooding user that their messages will all be answered, in order."""
    # A group is many people, mostly talking to each other: it is paced without a word.
    await _tell(
        services,
        bot,
        update,
        lambda t: t.gettext(
            "You're sending messages quickly; I'll answer them in order in a moment."
        ),
        private_only=True,
        answer_button=False,  # the update is still to be handled, and its button answered then
    )


async def _tell(
    services: Services,
    bot: Bot,
    update: Update,
    text: Callable[[Translator], str],
    *,
    private_only: bool,
    answer_button: bool,
) -> None:
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None or (private_only and chat.type != ChatType.PRIVATE):
        return
    language = await language_of(services, user.id, user.language_code)
    try:
        if answer_button and update.callback_query is not None:
            await bot.answer_callback_query(update.callback_query.id)
        await bot.send_message(chat.id, text(services.catalogs.translator(language)))
    except TelegramError as error:
        log.warning("could not tell user %s: %s", user.id, error)
