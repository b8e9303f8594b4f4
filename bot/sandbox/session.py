"""`landscape-bot sandbox`: the real bot against the local Bot API server, with demo content,
demo partners with months of activity, a demo group of FLRM Cambodia's partners, and a chat in
the terminal (in private, or in the group) — no token, no network."""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.app import build_services
from bot.content import apply_content, read_content
from bot.examples import example_content
from bot.reminders import plan_reminders
from bot.runner import serve
from bot.sandbox.api_server import LocalBotApi
from bot.sandbox.demo import seed_activity
from bot.sandbox.terminal import chat_in_terminal
from bot.services import Services
from bot.settings import (
    AccessSettings,
    HealthSettings,
    ReminderSettings,
    Settings,
    TelegramSettings,
    WebhookSettings,
)
from storage.models import Event, Role, StakeholderType, utcnow
from storage.uow import UnitOfWork

# Only the local server knows this token; it must merely have the shape of a real one.
SANDBOX_TOKEN = "100000001:sandbox-token-for-the-local-bot-api"  # noqa: S105
USERS = {
    "partner": (424242, "Partner"),
    "coordinator": (2000, "Coordinator"),
    "admin": (1000, "Admin"),
}
DEMO_MEETING_SOURCE, DEMO_MEETING = "flrm-progress-2020", "sandbox-progress-meeting"
DemoProfile = tuple[int, str, str, StakeholderType, str, str, str]
# Registered demo partners, so an admin has someone to grant roles to.
DEMO_PARTNERS: list[DemoProfile] = [
    (7001, "Sokha Chan", "Kampong Speu community forest", StakeholderType.COMMUNITY, "km",
     "Asia/Phnom_Penh", "flrm-cambodia"),
    (7002, "Amina Benali", "Atlas Reforestation NGO", StakeholderType.NGO, "ar",
     "Africa/Casablanca", "flrm-morocco"),
    (7003, "María Quispe", "Regional forest office", StakeholderType.GOVERNMENT, "es",
     "America/Lima", "flrm-peru"),
]  # fmt: skip
# The coordinator "Write to your coordinator" reaches: every FLRM landscape is theirs.
DEMO_COORDINATOR: DemoProfile = (
    7004, "Dara Keo", "FLRM secretariat", StakeholderType.NGO, "en", "Asia/Phnom_Penh",
    "flrm-cambodia",
)  # fmt: skip
# A Telegram group of FLRM Cambodia's partners, with villagers who never joined the bot.
DEMO_GROUP, DEMO_GROUP_TITLE = -1001700000001, "FLRM Cambodia community"
DEMO_GROUP_NEWCOMERS = [(7101, "Vanna"), (7102, "Rith")]


@dataclass(frozen=True)
class Sandbox:
    api: LocalBotApi
    services: Services
    user_id: int  # the person at the terminal


@asynccontextmanager
async def running_sandbox(
    settings: Settings,
    *,
    role: str,
    database: str,
    clock: Callable[[], datetime] = utcnow,
) -> AsyncIterator[Sandbox]:
    """The real bot serving the local Bot API, with the demo content, partners and group."""
    user_id, first_name = USERS[role]
    async with LocalBotApi(SANDBOX_TOKEN) as api:
        sandbox_settings = settings.model_copy(
            update={
                "telegram": TelegramSettings(
                    token=SANDBOX_TOKEN, base_url=api.base_url, base_file_url=api.base_file_url
                ),
                "webhook": WebhookSettings(),
                # Several sandboxes may run on one machine; none needs a health port.
                "health": HealthSettings(enabled=False),
                "database": settings.database.model_copy(update={"url": database}),
                "access": AccessSettings(admins=[USERS["admin"][0]]),
            }
        )
        services = build_services(sandbox_settings, clock=clock)
        await services.db.upgrade()
        language_code = _terminal_language()
        async with services.db.unit_of_work() as uow:
            await load_demo(uow, sandbox_settings.reminders)
            if role != "partner":  # already registered, so their tools work at once
                language = services.catalogs.choose(None, language_code)
                await _register(uow, _staff_profile(user_id, language), Role(role))
        api.add_user(user_id, first_name, language_code=language_code)
        for demo_id, name, *_rest, language, _zone, _landscape in (
            *DEMO_PARTNERS,
            DEMO_COORDINATOR,
        ):
            api.add_user(demo_id, name.split()[0], language_code=language)
        stop = asyncio.Event()
        bot = asyncio.create_task(serve(services, stop))
        _add_demo_group(api, user_id)
        try:
            yield Sandbox(api, services, user_id)
        finally:
            stop.set()
            await bot
            await services.db.dispose()


async def run_sandbox(settings: Settings, *, role: str, database: str, fresh: bool) -> None:
    if fresh:
        _remove_sqlite_files(database)
    logging.getLogger().setLevel(logging.WARNING)  # keep the terminal for the chat
    async with running_sandbox(settings, role=role, database=database) as sandbox:
        who = {"admin": "an admin", "coordinator": "a coordinator"}.get(role, "a partner")
        print(
            f"Sandbox: you are chatting with the real bot as {who} (data in {database}).\n"
            "Send /start to begin; :help shows the terminal's keys. The example's FLRM\n"
            "progress meeting is copied to three days from now: ask when the next meeting is.\n"
            f"You also created the group “{DEMO_GROUP_TITLE}” and added the bot: :group\n"
            "takes you there (try /link as a coordinator), :private brings you back.\n"
        )
        others = {
            profile[0]: f"{profile[1]} ({profile[4]})"
            for profile in (*DEMO_PARTNERS, DEMO_COORDINATOR)
        }
        await chat_in_terminal(
            sandbox.api,
            sandbox.user_id,
            others=others,
            group=(DEMO_GROUP, DEMO_GROUP_TITLE),
        )


def _add_demo_group(api: LocalBotApi, creator: int) -> None:
    """The group the terminal's user created for FLRM Cambodia's partners — a demo partner and
    coordinator, and neighbours who never joined the bot — and the bot just added to it."""
    for user_id, name in DEMO_GROUP_NEWCOMERS:
        api.add_user(user_id, name, language_code="km")
    members = {
        creator: "creator",
        DEMO_COORDINATOR[0]: "administrator",
        DEMO_PARTNERS[0][0]: "member",
    }
    members.update({user_id: "member" for user_id, _name in DEMO_GROUP_NEWCOMERS})
    api.add_group(DEMO_GROUP, DEMO_GROUP_TITLE, members=members)
    api.add_bot(DEMO_GROUP, creator)


async def load_demo(uow: UnitOfWork, reminders: ReminderSettings) -> None:
    content = read_content(example_content().read_bytes(), "the example content")
    await apply_content(uow, content, reminders=reminders)
    await _upcoming_meeting(uow, reminders)
    for profile in DEMO_PARTNERS:
        await _register(uow, profile)
    await _register(uow, DEMO_COORDINATOR, Role.COORDINATOR)
    partners = [profile[0] for profile in DEMO_PARTNERS]
    await seed_activity(uow, partners, DEMO_COORDINATOR[0], DEMO_MEETING, utcnow())


async def _upcoming_meeting(uow: UnitOfWork, reminders: ReminderSettings) -> None:
    """The example's events are history; a copy of its progress meeting three days from now
    gives "when is the next meeting?" something to answer."""
    source = await uow.events.by_slug(DEMO_MEETING_SOURCE)
    if source is None or await uow.events.by_slug(DEMO_MEETING) is not None:
        return
    zone = ZoneInfo(source.timezone)
    day = (utcnow().astimezone(zone) + timedelta(days=3)).date()
    starts = datetime.combine(day, source.starts_at.astimezone(zone).time(), zone)
    copy = Event(
        slug=DEMO_MEETING,
        programme_id=source.programme_id,
        title=dict(source.title),
        description=dict(source.description),
        place=dict(source.place),
        online_url=source.online_url,
        starts_at=starts,
        ends_at=starts + (source.ends_at - source.starts_at),
        timezone=source.timezone,
    )
    await uow.events.add(copy, source.landscapes)
    await plan_reminders(uow, copy, reminders, utcnow())


def _staff_profile(user_id: int, language: str) -> DemoProfile:
    return (
        user_id,
        "Sandbox Coordinator" if user_id == USERS["coordinator"][0] else "Sandbox Admin",
        "Partnership secretariat",
        StakeholderType.NGO,
        language,
        "UTC",
        "flrm-cambodia",
    )


async def _register(uow: UnitOfWork, profile: DemoProfile, role: Role = Role.PARTNER) -> None:
    telegram_id, name, organisation, kind, language, zone, landscape_slug = profile
    if await uow.partners.by_telegram_id(telegram_id) is not None:
        return
    partner = await uow.partners.create(telegram_id, username=None, language=language)
    partner.name, partner.organisation, partner.stakeholder_type = name, organisation, kind
    partner.timezone, partner.role = zone, role
    partner.consent_at = partner.joined_at = utcnow()
    landscape = await uow.places.landscape_by_slug(landscape_slug)
    await uow.partners.set_landscapes(partner, [landscape] if landscape else [])


def _remove_sqlite_files(url: str) -> None:
    if url.startswith("sqlite+aiosqlite:///"):
        for suffix in ("", "-wal", "-shm"):
            Path(url.removeprefix("sqlite+aiosqlite:///") + suffix).unlink(missing_ok=True)


def _terminal_language() -> str | None:
    """The terminal's language (LANG=fr_FR.UTF-8 → fr-FR), as a phone would send it."""
    value = os.environ.get("LC_ALL") or os.environ.get("LANG") or ""
    code = value.split(".", 1)[0].replace("_", "-")
    return None if code in {"", "C", "POSIX"} else code
