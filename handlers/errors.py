"""The last resort: tell the user kindly when their update could not be handled, and log what
failed in a scheduled job with enough context to fix it."""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram import Bot, Update
from telegram.error import TelegramError

from bot.language import language_of
from bot.ptb import Context
from bot.services import Services

log = logging.getLogger(__name__)

ErrorHandler = Callable[[object, Context], Coroutine[Any, Any, None]]


def error_handler(_services: Services) -> ErrorHandler:
    """For PTB: errors it catches come from jobs (updates are handled by the inbox)."""

    async def on_error(update: object, context: Context) -> None:
        log.error("a scheduled job failed", exc_info=context.error)

    return on_error


async def apologise(services: Services, bot: Bot, update: Update) -> None:
    """Say, in the user's language, that their message could not be handled."""
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None:
        return
    language = await language_of(services, user.id, user.language_code)
    t = services.catalogs.translator(language)
    try:
        if update.callback_query is not None:
            await bot.answer_callback_query(update.callback_query.id)
        await bot.send_message(
            chat.id,
            t.gettext("Sorry, something went wrong on our side. Please try again in a moment."),
        )
    except TelegramError as error:
        log.warning("could not tell user %s about the failure: %s", user.id, error)
