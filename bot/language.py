"""Which language a user is answered in: the one they chose (on their profile, or while joining,
in the onboarding conversation), else Telegram's language_code matched to a shipped language,
else the default. The pipeline applies it to every turn; what is sent outside a turn (the
apology for a failed update, the flood notice) loads the user first (`language_of`)."""

from __future__ import annotations

import logging

from bot.i18n import Catalogs
from bot.services import Services
from storage.models import Conversation, Partner

log = logging.getLogger(__name__)


def chosen_language(
    catalogs: Catalogs,
    partner: Partner | None,
    conversation: Conversation | None,
    language_code: str | None,
) -> str:
    stored = partner.language if partner else None
    if stored is None and conversation is not None:
        stored = conversation.data.get("language")
    return catalogs.choose(stored, language_code)


async def language_of(services: Services, telegram_id: int, language_code: str | None) -> str:
    """The user's language, loaded in a unit of work of its own; Telegram's hint alone when the
    database cannot say (it may be what failed)."""
    try:
        async with services.db.unit_of_work() as uow:
            partner = await uow.partners.by_telegram_id(telegram_id)
            conversation = await uow.conversations.get(telegram_id)
    except Exception:  # the database may be what failed
        log.warning("could not load the language of user %s", telegram_id, exc_info=True)
        return services.catalogs.choose(None, language_code)
    return chosen_language(services.catalogs, partner, conversation, language_code)
