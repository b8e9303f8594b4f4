"""Chat with the bot from a terminal, as one sandbox user of a :class:`LocalBotApi`.

Bot messages are printed as they arrive (edits and deletions too), inline buttons numbered per
keyboard. Type a line to send it, ``#N`` to press button N of the newest keyboard, ``:group`` and
``:private`` to talk in the demo group or the private chat, ``:help`` for these rules, ``:quit``
or end-of-file to leave. Files the bot sends go to a temporary directory.
"""

from __future__ import annotations

import asyncio
import contextlib
import html.parser
import re
import sys
import tempfile
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import TextIO

from bot.sandbox.api_objects import SentMessage
from bot.sandbox.api_server import LocalBotApi

HELP = (
    "Type a message and press Enter to send it.\n"
    "  #N     press button N of the newest keyboard\n"
    "  :inbox  what the bot sent the demo partners since you last looked (reminders...)\n"
    "  :group  talk in the demo group (what you type is said there; #N presses its buttons)\n"
    "  :private  back to your private chat with the bot\n"
    "  :help  show this help\n"
    "  :quit  leave (end-of-file works too)"
)
# (start, end) ANSI codes per tag
_STYLES = {
    "b": ("\x1b[1m", "\x1b[22m"),
    "strong": ("\x1b[1m", "\x1b[22m"),
    "i": ("\x1b[3m", "\x1b[23m"),
    "em": ("\x1b[3m", "\x1b[23m"),
    "u": ("\x1b[4m", "\x1b[24m"),
    "ins": ("\x1b[4m", "\x1b[24m"),
}


class _TerminalHtml(html.parser.HTMLParser):
    def __init__(self, ansi: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.ansi = ansi
        self.out: list[str] = []
        self._links: list[str | None] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self._links.append(dict(attrs).get("href"))
        elif self.ansi and tag in _STYLES:
            self.out.append(_STYLES[tag][0])

    def handle_endtag(self, tag: str) -> None:
        if tag == "a":
            href = self._links.pop() if self._links else None
            if href:
                self.out.append(f" ({href})")
        elif self.ansi and tag in _STYLES:
            self.out.append(_STYLES[tag][1])

    def handle_data(self, data: str) -> None:
        self.out.append(data)


def render_html(source: str, *, ansi: bool) -> str:
    """Telegram HTML as terminal text: bold/italic/underline via ANSI, links as 'text (url)'."""
    parser = _TerminalHtml(ansi)
    parser.feed(source)
    parser.close()
    return "".join(parser.out).strip()


def _save(directory: Path, name: str, data: bytes) -> Path:
    path = directory / Path(name).name
    path.write_bytes(data)
    return path


class _Printer:
    def __init__(self, api: LocalBotApi, chat_id: int, out: TextIO) -> None:
        self.api, self.chat_id, self.out = api, chat_id, out
        self.ansi = out.isatty()
        self.seen = 0  # start with the chat so far
        self.keyboard: SentMessage | None = None
        self._files: Path | None = None

    def flush(self) -> None:
        fresh = [m for m in self.api.messages(self.chat_id) if m.revision > self.seen]
        for message in sorted(fresh, key=lambda m: m.revision):
            self.out.write(self._render(message) + "\n")
        self.seen = self.api.activity(self.chat_id)
        keyboards = [m for m in self.api.messages(self.chat_id) if m.buttons and not m.deleted]
        self.keyboard = keyboards[-1] if keyboards else None
        self.out.flush()

    async def run(self) -> None:
        while True:
            await self.api.wait_for_activity(self.chat_id, self.seen, timeout=60.0)
            self.flush()

    def _render(self, message: SentMessage) -> str:
        if message.deleted:
            return f"(bot deleted message {message.message_id})"
        is_html = (message.parse_mode or "").lower() == "html" and message.html is not None
        body = render_html(message.html or "", ansi=self.ansi) if is_html else message.text
        attachment = message.document or message.photo
        if not body and attachment is not None:
            body = "[document]" if message.document else "[photo]"
        lines = [("(edited) " if message.edited else "") + "bot: " + body]
        if attachment is not None:
            if self._files is None:
                self._files = Path(tempfile.mkdtemp(prefix="landscape-sandbox-"))
            name = attachment.filename or f"{attachment.file_id}.bin"
            lines.append(f"  [file] {_save(self._files, name, attachment.data)}")
        number = 0
        for row in message.buttons:
            cells = []
            for button in row:
                number += 1
                cells.append(f"[{number}] {button.text}")
            lines.append("  " + "  ".join(cells))
        return "\n".join(lines)


def _start_reader(stdin: TextIO, queue: asyncio.Queue[str | None]) -> None:
    """Read lines in a daemon thread so the event loop never blocks on the keyboard."""
    loop = asyncio.get_running_loop()

    def feed(line: str | None) -> None:
        with contextlib.suppress(RuntimeError):  # the loop is gone: nobody is listening
            loop.call_soon_threadsafe(queue.put_nowait, line)

    def read() -> None:
        for line in iter(stdin.readline, ""):
            feed(line)
        feed(None)

    threading.Thread(target=read, name="sandbox-stdin", daemon=True).start()


async def chat_in_terminal(
    api: LocalBotApi,
    user_id: int,
    *,
    others: Mapping[int, str] | None = None,
    group: tuple[int, str] | None = None,
    stdin: TextIO = sys.stdin,
    stdout: TextIO = sys.stdout,
) -> None:
    """Let a person chat with the bot as ``user_id`` until ``:quit`` or end-of-file;
    ``others`` (chat id → name) are the chats ``:inbox`` shows; ``group`` (id, title) the group
    ``:group`` moves the conversation to, and ``:private`` back."""
    chats = {user_id: _Printer(api, user_id, stdout)}
    if group is not None:
        chats[group[0]] = _Printer(api, group[0], stdout)
    printer = chats[user_id]
    inboxes = {chat: _Printer(api, chat, stdout) for chat in (others or {})}
    printing = asyncio.create_task(printer.run())
    lines: asyncio.Queue[str | None] = asyncio.Queue()
    _start_reader(stdin, lines)
    try:
        while (line := await lines.get()) is not None:
            line = line.strip()
            in_group = None if printer.chat_id == user_id else printer.chat_id
            if line == ":quit":
                break
            if line == ":help":
                stdout.write(HELP + "\n")
            elif line == ":inbox":
                _show_inboxes(inboxes, others or {}, stdout)
            elif line == ":group" and group is None:
                stdout.write("(there is no demo group)\n")
            elif line in (":group", ":private"):
                # Print one chat at a time; the other's news shows on coming back.
                printing.cancel()
                await asyncio.gather(printing, return_exceptions=True)
                printer = chats[group[0] if group and line == ":group" else user_id]
                here = group is not None and printer.chat_id == group[0]
                where = f"the group “{group[1]}”" if group and here else "your private chat"
                stdout.write(f"── now in {where} ──\n")
                printer.flush()
                printing = asyncio.create_task(printer.run())
            elif match := re.fullmatch(r"#(\d+)", line):
                await _press(api, user_id, printer, int(match[1]), stdout, in_group)
            elif line:
                await api.send_text(user_id, line, chat_id=in_group)
        # Show replies still on their way (useful with piped input): wait for a quiet moment.
        chat_id = printer.chat_id
        while await api.wait_for_activity(chat_id, printer.seen, timeout=0.5) > printer.seen:
            printer.flush()
    finally:
        printing.cancel()
        await asyncio.gather(printing, return_exceptions=True)
        printer.flush()


def _show_inboxes(inboxes: Mapping[int, _Printer], names: Mapping[int, str], out: TextIO) -> None:
    quiet = True
    for chat, printer in inboxes.items():
        if printer.api.activity(chat) > printer.seen:
            out.write(f"── to {names[chat]} ──\n")
            printer.flush()
            quiet = False
    if quiet:
        out.write("(nothing new for the demo partners)\n")


async def _press(
    api: LocalBotApi, user_id: int, printer: _Printer, n: int, out: TextIO, group: int | None
) -> None:
    printer.flush()
    keyboard = printer.keyboard
    buttons = [b for row in keyboard.buttons for b in row] if keyboard else []
    if not 1 <= n <= len(buttons) or keyboard is None:
        out.write(f"(no button {n} on the newest keyboard)\n")
        return
    button = buttons[n - 1]
    if button.callback_data is None:
        out.write(f"(button {n} opens {button.url})\n")
        return
    await api.press(user_id, keyboard.message_id, button.callback_data, chat_id=group)
