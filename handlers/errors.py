"""The last resort: log what failed with enough context to fix it, and tell the user kindly."""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import CallbackContext

from bot.services import Services

log = logging.getLogger(__name__)

ErrorHandler = Callable[[object, CallbackContext], Coroutine[Any, Any, None]]  # type: ignore[type-arg]


def error_handler(services: Services) -> ErrorHandler:
    async def on_error(update: object, context: CallbackContext) -> None:  # type: ignore[type-arg]
        if not isinstance(update, Update):
            log.error("error outside an update", exc_info=context.error)
            return
        user = update.effective_user
        log.error(
            "update %s from user %s failed",
            update.update_id,
            user.id if user else None,
            exc_info=context.error,
        )
        if user is None or update.effective_chat is None:
            return
        language = await _language_of(services, user.id, user.language_code)
        t = services.catalogs.translator(language)
        try:
            if update.callback_query is not None:
                await update.callback_query.answer()
            await context.bot.send_message(
                update.effective_chat.id,
                t.gettext("Sorry, something went wrong on our side. Please try again in a moment."),
            )
        except TelegramError as error:
            log.warning("could not tell user %s about the failure: %s", user.id, error)

    return on_error


async def _language_of(services: Services, telegram_id: int, language_code: str | None) -> str:
    try:
        async with services.db.unit_of_work() as uow:
            partner = await uow.partners.by_telegram_id(telegram_id)
            conversation = await uow.conversations.get(telegram_id)
    except Exception:  # the database may be what failed
        log.warning("could not load the language of user %s", telegram_id, exc_info=True)
        return services.catalogs.choose(None, language_code)
    stored = partner.language if partner else None
    if stored is None and conversation is not None:
        stored = conversation.data.get("language")
    return services.catalogs.choose(stored, language_code)
