"""What every handler may need, built once per application by the factory (never at import)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from bot.callbacks import CallbackCodec
from bot.delivery.doorbell import Doorbell
from bot.delivery.kinds import Kind
from bot.i18n import Catalogs
from bot.ops.metrics import Metrics
from bot.routing import Command, GroupCommand
from bot.settings import Settings
from bot.understanding import Understanding
from storage.database import Database
from storage.models import utcnow


@dataclass(frozen=True)
class Services:
    settings: Settings
    db: Database
    catalogs: Catalogs
    codec: CallbackCodec
    understanding: Understanding
    commands: tuple[Command, ...] = ()  # for /help and the command menus
    group_commands: tuple[GroupCommand, ...] = ()  # for the groups' command menus
    kinds: Mapping[str, Kind] = field(default_factory=dict)  # scheduled message kinds
    doorbell: Doorbell = field(default_factory=Doorbell)  # rung after planning a send
    clock: Callable[[], datetime] = field(default=utcnow)
    metrics: Metrics = field(default_factory=Metrics)  # a registry of its own per app
