"""`landscape-bot sandbox` end to end: a real process, a chat typed into its terminal, in
private and in the demo group; the demo activity it seeds; and the demo group's meeting
reminder, played through the sandbox's own wiring."""

from __future__ import annotations

import asyncio
import os
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from bot.i18n import Catalogs
from bot.sandbox.demo import MONTHS
from bot.sandbox.session import (
    DEMO_COORDINATOR,
    DEMO_GROUP,
    DEMO_PARTNERS,
    load_demo,
    running_sandbox,
)
from bot.settings import ReminderSettings, Settings
from storage.database import Database
from storage.models import utcnow
from tests.support.chat import ChatUser

TIMEOUT = 30.0
TITLE = "Nursery planning with the community"


class Terminal:
    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.seen = ""

    async def type(self, line: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(line.encode() + b"\n")
        await self.process.stdin.drain()

    async def until(self, text: str) -> None:
        assert self.process.stdout is not None
        async with asyncio.timeout(TIMEOUT):
            while text not in self.seen:
                chunk = await self.process.stdout.read(4096)
                if not chunk:
                    raise AssertionError(f"sandbox ended before {text!r}:\n{self.seen}")
                self.seen += chunk.decode(errors="replace")


async def _sandbox(tmp_path: Path, *args: str, lang: str) -> Terminal:
    env = {**os.environ, "LANG": lang, "PYTHONUNBUFFERED": "1"}
    env = {k: v for k, v in env.items() if not k.startswith("LANDSCAPE_BOT_")}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "sandbox", "--fresh", *args,
        "--database", f"sqlite+aiosqlite:///{tmp_path / 'sandbox.db'}",
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT, cwd=Path(__file__).parents[1], env=env,
    )  # fmt: skip
    return Terminal(process)


async def _quit(terminal: Terminal) -> None:
    await terminal.type(":quit")
    async with asyncio.timeout(TIMEOUT):
        assert await terminal.process.wait() == 0


async def test_a_french_partner_starts_joining_in_the_sandbox(tmp_path: Path) -> None:
    fr = Catalogs.load().translator("fr")
    terminal = await _sandbox(tmp_path, lang="fr_FR.UTF-8")
    try:
        await terminal.until("/start")
        await terminal.type("/start")
        await terminal.until(fr.gettext("Which language do you prefer?"))
        assert "✓ Français" in terminal.seen  # from the terminal's LANG
        await terminal.type("#4")  # en, ar, es, fr...
        await terminal.until(fr.gettext("Your privacy"))
        await _quit(terminal)
    finally:
        if terminal.process.returncode is None:
            terminal.process.kill()


async def test_an_admin_grants_a_coordinator_in_the_sandbox(tmp_path: Path) -> None:
    terminal = await _sandbox(tmp_path, "--as", "admin", lang="C")
    try:
        await terminal.until("/start")
        await terminal.type("/grant")
        await terminal.until("Who should become a coordinator?")
        await terminal.until("María Quispe")  # a demo partner
        await terminal.type("#1")
        await terminal.until("a coordinator? They will be able to")
        await terminal.type("#1")
        await terminal.until("is now a coordinator.")
        await _quit(terminal)
    finally:
        if terminal.process.returncode is None:
            terminal.process.kill()


async def test_the_sandbox_coordinator_finds_months_of_demo_activity(tmp_path: Path) -> None:
    """A newcomer trying the coordinator's tools sees data at once: check-ins waiting for
    review, a summary with figures, a question nobody has answered, RSVPs to the meeting."""
    terminal = await _sandbox(tmp_path, "--as", "coordinator", lang="C")
    try:
        await terminal.until("/start")
        await terminal.type("/review")
        await terminal.until("Check-ins to review")
        await terminal.until("Amina Benali")  # her latest month waits for review
        await terminal.type("/summary flrm last month")
        await terminal.until("3 check-ins")  # the three demo partners reported last month
        await terminal.type("/unanswered")
        await terminal.until("¿Cuándo llegan las plántulas")
        await _quit(terminal)
    finally:
        if terminal.process.returncode is None:
            terminal.process.kill()


async def test_the_terminal_talks_in_the_demo_group_and_back(tmp_path: Path) -> None:
    """:group moves the terminal's chat to the demo group, where the bot said hello and /link
    is asked there; :private brings it back to the private chat."""
    terminal = await _sandbox(tmp_path, "--as", "coordinator", lang="C")
    try:
        await terminal.until(":group")
        await terminal.type(":group")
        await terminal.until("now in the group “FLRM Cambodia community”")
        await terminal.until("sends /link")  # the bot's hello, posted when it was added
        await terminal.type("/link")
        await terminal.until("Which programme is this group for?")
        await terminal.type(":private")
        await terminal.until("now in your private chat")
        await terminal.type("/groups")
        await terminal.until("No group is linked yet.")
        await _quit(terminal)
    finally:
        if terminal.process.returncode is None:
            terminal.process.kill()


async def test_every_demo_landscape_has_a_coordinator_to_write_to(tmp_path: Path) -> None:
    """ "Write to your coordinator" leads somewhere from whichever FLRM landscape the sandbox
    partner picks; loading the demo twice adds nothing."""
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'sandbox.db'}")
    await db.upgrade()
    try:
        for _ in range(2):
            async with db.unit_of_work() as uow:
                await load_demo(uow, ReminderSettings())
        async with db.unit_of_work() as uow:
            flrm = await uow.programmes.by_slug("flrm")
            assert flrm is not None
            places = [p for p in await uow.places.landscapes() if p.programme_id == flrm.id]
            for place in places:
                [coordinator] = await uow.partners.coordinators_of({place.id})
                assert coordinator.telegram_id == DEMO_COORDINATOR[0], place.slug
            for telegram_id, *_profile in DEMO_PARTNERS:
                partner = await uow.partners.by_telegram_id(telegram_id)
                assert partner is not None
                assert len(await uow.checkins.recent_for(partner.id, limit=10)) == MONTHS
    finally:
        await db.dispose()


async def test_the_demo_group_gets_its_meeting_reminder_in_khmer(
    database_url: str, understanding_warm: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The issue's done-when, as a newcomer plays it in the sandbox: the coordinator links the
    demo group to FLRM Cambodia in Khmer, creates a meeting for tomorrow with /newevent; when
    its reminder falls due the group gets it in Khmer with live RSVP counts, and the partners
    get theirs in private."""
    monkeypatch.setenv("LANG", "C")  # the terminal's language: the coordinator writes English
    monkeypatch.delenv("LC_ALL", raising=False)
    now = utcnow()
    async with running_sandbox(
        Settings(), role="coordinator", database=database_url, clock=lambda: now
    ) as sandbox:
        en, km = Catalogs.load().translator("en"), Catalogs.load().translator("km")
        api, me = sandbox.api, sandbox.user_id
        in_group = ChatUser(api, user_id=me, first_name="Coordinator", chat_id=DEMO_GROUP)
        await in_group.expect("/link", within=TIMEOUT)  # the bot says hello when added
        await in_group.send("/link")
        await in_group.press("FLRM")
        await in_group.press("FLRM Cambodia")
        await in_group.expect_button("✅ FLRM Cambodia")
        await in_group.press(en.gettext("Continue »"))
        await in_group.press(en.language_name("km"))
        await in_group.expect("FLRM Cambodia")

        private = ChatUser(api, user_id=me, first_name="Coordinator")
        await private.send("/newevent")
        await private.press("FLRM Cambodia")
        await private.press(en.gettext("Done"))
        await private.expect(en.gettext("What is the title of the event?"))
        await private.send(TITLE)
        await private.send("tomorrow 10:00")
        await private.press(en.ngettext("{n} hour", "{n} hours", 2).format(n=2))
        await private.send("Kampong Speu nursery")
        await private.press(en.gettext("Skip"))
        await private.press(en.gettext("Save"))
        await private.expect("Saved.")
        async with sandbox.services.db.unit_of_work() as uow:
            [event] = [e for e in await uow.events.all() if e.title.get("en") == TITLE]

        sokha_id = DEMO_PARTNERS[0][0]  # the demo partner of FLRM Cambodia, in Khmer
        sokha = ChatUser(api, user_id=sokha_id, first_name="Sokha", chat_id=DEMO_GROUP)
        sokha_private = ChatUser(api, user_id=sokha_id, first_name="Sokha")
        coordinator = ChatUser(api, user_id=DEMO_COORDINATOR[0], first_name="Coordinator")
        # The clock moves to an hour before the meeting: its last reminder falls due.
        now = event.starts_at - timedelta(minutes=59)
        sandbox.services.doorbell.ring()
        counts = "Attending: {yes} · Maybe: {maybe} · Can't attend: {no}"
        reminder = await sokha.expect(km.gettext(counts, yes="0", maybe="0", no="0"), TIMEOUT)
        assert TITLE in reminder.text
        assert km.gettext("⏰ <b>Reminder</b>").removeprefix("⏰ <b>").removesuffix("</b>") in (
            reminder.text
        )
        await sokha.press(km.gettext("✅ Attend"))
        updated = await sokha.expect(km.gettext(counts, yes="1", maybe="0", no="0"))
        assert updated.message_id == reminder.message_id
        # Sokha gets hers in private too (a second apart from anything else sent to her then:
        # the clock's jump also brings her check-in prompt).
        in_private = await sokha_private.expect(TITLE, TIMEOUT)
        assert km.gettext("✅ Attend") in [b.text for row in in_private.buttons for b in row]
        # The FLRM coordinator's reminder came in English, in private too.
        await coordinator.expect(TITLE, TIMEOUT)
