"""What every handler may need, built once per application by the factory (never at import)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from bot.answers import AnswerIndex
from bot.callbacks import CallbackCodec
from bot.i18n import Catalogs
from bot.routing import Command
from bot.settings import Settings
from storage.database import Database
from storage.models import utcnow


@dataclass(frozen=True)
class Services:
    settings: Settings
    db: Database
    catalogs: Catalogs
    codec: CallbackCodec
    answers: AnswerIndex
    commands: tuple[Command, ...] = ()  # for /help and the command menus
    clock: Callable[[], datetime] = field(default=utcnow)
