"""`landscape-bot sandbox` end to end: a real process, a chat typed into its terminal; and the
demo activity it seeds."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from bot.i18n import Catalogs
from bot.sandbox.demo import MONTHS
from bot.sandbox.session import DEMO_COORDINATOR, DEMO_PARTNERS, load_demo
from bot.settings import ReminderSettings
from storage.database import Database

TIMEOUT = 30.0


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
