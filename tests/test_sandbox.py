"""`landscape-bot sandbox` end to end: a real process, a chat typed into its terminal."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from bot.i18n import Catalogs

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
