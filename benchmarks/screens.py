"""Does every reply fit one phone screen? Walks the normal flows of a partner, a coordinator
and an admin in each shipped language through the real bot (the local Bot API server, polling,
SQLite, the example content) and measures every message the bot sends or edits on the way: its
length as Telegram counts it (UTF-16 code units, after entity parsing) and the buttons on its
keyboard. A reply is over budget above SCREEN_CHARACTERS characters or SCREEN_BUTTONS buttons.
Run:

    .venv/bin/python -m benchmarks.screens [--languages en,fr] [--details]
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from bot.sandbox.api_objects import SentMessage
from bot.sandbox.api_server import LocalBotApi
from storage.models import QuestionKind, Role
from tests.support.bot import TOKEN, BotHarness
from tests.support.chat import ChatUser
from tests.support.people import add_partner

SCREEN_CHARACTERS = 700
SCREEN_BUTTONS = 8
LANGUAGES = ("en", "fr", "es", "ar", "km", "ko")
PICKER = {"en": "English", "fr": "Français", "es": "Español", "ar": "العربية", "km": "ខ្មែរ",
          "ko": "한국어"}  # fmt: skip
ROLES = ("partner", "coordinator", "admin")
QUIET = 0.25  # seconds without bot activity that end a reply
FIRST_REPLY = 15.0  # seconds to wait for the first message (a chart is drawn meanwhile)
PARTNER_COMMANDS = ("/help", "/mycheckins", "/next", "/events", "/status", "/programmes",
                    "/settings")  # fmt: skip


@dataclass(frozen=True)
class Reply:
    """One message as the user saw it after one step of a flow."""

    flow: str
    characters: int
    buttons: int
    text: str

    @property
    def over(self) -> bool:
        return self.characters > SCREEN_CHARACTERS or self.buttons > SCREEN_BUTTONS


def telegram_length(text: str) -> int:
    """Telegram measures text in UTF-16 code units (an emoji counts two)."""
    return len(text.encode("utf-16-le")) // 2


class Walker:
    """One user's walk: every step records the messages the bot sent or edited for it."""

    def __init__(self, bot: BotHarness, user: ChatUser) -> None:
        self.bot, self.user, self.replies = bot, user, list[Reply]()

    async def step(self, flow: str, action: Callable[[], Awaitable[object]]) -> list[SentMessage]:
        api, chat = self.bot.api, self.user.chat_id
        before = api.activity(chat)
        await action()
        now = await api.wait_for_activity(chat, before, FIRST_REPLY)
        while (later := await api.wait_for_activity(chat, now, QUIET)) > now:
            now = later
        fresh = [m for m in api.messages(chat) if m.revision > before and not m.deleted]
        for message in fresh:
            buttons = sum(len(row) for row in message.buttons)
            length = telegram_length(message.text)
            self.replies.append(Reply(flow, length, buttons, message.text))
        return fresh

    async def send(self, text: str, flow: str | None = None) -> list[SentMessage]:
        return await self.step(flow or text, lambda: self.user.send(text))

    async def press(self, flow: str, label: str) -> list[SentMessage]:
        return await self.step(flow, lambda: self.user.press(label))

    async def press_first(self, flow: str, times: int = 1) -> None:
        """Press the first button of the newest keyboard, `times` times while there is one."""
        for _ in range(times):
            if not self.user.buttons():
                return
            await self.step(flow, lambda: self.user.press_index(0))


async def onboard(walk: Walker, language: str) -> None:
    await walk.send("/start", "/start onboarding")
    await walk.press("/start onboarding", PICKER[language])
    await walk.step("/start onboarding", lambda: walk.user.press_index(0))  # I agree
    await walk.send("Nimol Sok", "/start onboarding")
    await walk.send("Prey Lang Women's Group", "/start onboarding")
    await walk.step("/start onboarding", lambda: walk.user.press_index(0))  # a kind of partner
    await walk.press("/start onboarding", "FLRM Cambodia")
    await walk.step("/start onboarding", lambda: walk.user.press_index(-1))  # Done
    await walk.press("/start onboarding", "Phnom Penh")


async def check_in(walk: Walker) -> None:
    """/checkin through every question of the partner's template, then Send."""
    async with walk.bot.db.unit_of_work() as uow:
        programme = await uow.programmes.by_slug("flrm")
        assert programme is not None
        template = await uow.checkins.template_for(programme.id)
        assert template is not None
        questions = [(q.kind, max(1, len(q.parts))) for q in template.questions]
    await walk.send("/checkin")
    for kind, parts in questions:
        if kind in (QuestionKind.CHOICE, QuestionKind.YES_NO):
            await walk.step("/checkin", lambda: walk.user.press_index(0))
        elif kind == QuestionKind.PHOTO:
            await walk.step("/checkin", walk.user.send_photo)
            await walk.step("/checkin", lambda: walk.user.press_index(-1))  # Skip the pin
        elif kind == QuestionKind.TEXT:
            await walk.send("Fire and a land dispute; we need fencing.", "/checkin")
        else:
            for _ in range(parts):
                await walk.send("12", "/checkin")
    await walk.press("/checkin", "✅")


async def summary_screens(walk: Walker) -> None:
    """Each "More" screen under the summary's headline (and the one under it, such as a
    programme's figures in detail) and back, then the period before."""
    more = [b for b in walk.user.buttons() if not b.startswith("«") and not b.endswith("»")]
    for label in more:
        await walk.press("/summary", label)
        for deeper in [b for b in walk.user.buttons() if b[0] not in "«◀▶" and b[-1] != "»"]:
            await walk.press("/summary", deeper)
            await walk.press("/summary", next(b for b in walk.user.buttons() if b[0] == "«"))
        await walk.press("/summary", next(b for b in walk.user.buttons() if b[0] == "«"))
    await walk.press("/summary", next(b for b in walk.user.buttons() if b[0] == "«"))


async def walk_partner(bot: BotHarness, user: ChatUser, language: str) -> list[Reply]:
    walk = Walker(bot, user)
    await onboard(walk, language)
    await walk.send("/start", "main menu")
    await check_in(walk)
    for command in PARTNER_COMMANDS:
        await walk.send(command)
    return walk.replies


async def walk_coordinator(bot: BotHarness, user: ChatUser) -> list[Reply]:
    walk = Walker(bot, user)
    await walk.send("/start", "main menu")
    await check_in(walk)
    for command in PARTNER_COMMANDS:
        await walk.send(command)
    await walk.send("/summary")
    await summary_screens(walk)
    await walk.send("/review")
    await walk.press_first("/review")
    await walk.send("/chart")
    await walk.press_first("/chart")
    await walk.send("/attendance")
    await walk.press_first("/attendance")
    await walk.send("/broadcast")
    await walk.send("/cancel", "/broadcast")
    return walk.replies


async def measure(
    bot: BotHarness, languages: Sequence[str], roles: Sequence[str] = ROLES
) -> dict[tuple[str, str], list[Reply]]:
    """Replies by (language, role); partners go first so summaries have check-ins to show."""
    found: dict[tuple[str, str], list[Reply]] = {}
    for role in roles:
        for n, language in enumerate(languages):
            telegram_id = 9100 + 10 * ROLES.index(role) + n
            user = bot.user(telegram_id, f"Screen {language}", language_code=language)
            if role == "partner":
                found[language, role] = await walk_partner(bot, user, language)
                continue
            await add_partner(
                bot.db,
                telegram_id,
                language=language,
                role=Role.COORDINATOR if role == "coordinator" else Role.ADMIN,
            )
            found[language, role] = await walk_coordinator(bot, user)
    return found


def table(found: dict[tuple[str, str], list[Reply]], details: bool) -> str:
    header = ("language", "role", "replies", "longest", "most buttons", "over budget")
    rows = [header]
    for (language, role), replies in found.items():
        rows.append(
            (
                language,
                role,
                str(len(replies)),
                str(max(r.characters for r in replies)),
                str(max(r.buttons for r in replies)),
                str(sum(r.over for r in replies)),
            )
        )
    every = [r for replies in found.values() for r in replies]
    rows.append(
        (
            "all",
            "",
            str(len(every)),
            str(max(r.characters for r in every)),
            str(max(r.buttons for r in every)),
            str(sum(r.over for r in every)),
        )
    )
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = ["| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |"
             for row in rows]  # fmt: skip
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    if details:
        lines.append("")
        for (language, role), replies in found.items():
            for reply in replies:
                if reply.over:
                    first = reply.text.splitlines()[0][:60] if reply.text else ""
                    lines.append(
                        f"{language} {role} {reply.flow}: {reply.characters} characters, "
                        f"{reply.buttons} buttons — {first}"
                    )
    return "\n".join(lines)


async def run(languages: Sequence[str], details: bool) -> None:
    with tempfile.TemporaryDirectory() as directory:
        async with LocalBotApi(TOKEN) as api:
            admins = [9100 + 10 * ROLES.index("admin") + n for n in range(len(languages))]
            bot = BotHarness(api, f"sqlite+aiosqlite:///{directory}/screens.db", admins=admins)
            await bot.load_example_content()
            await bot.start()
            try:
                found = await measure(bot, languages)
            finally:
                await bot.stop()
    print(table(found, details))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--languages", default=",".join(LANGUAGES))
    parser.add_argument("--details", action="store_true", help="list each reply over budget")
    options = parser.parse_args()
    asyncio.run(run(options.languages.split(","), options.details))


if __name__ == "__main__":
    main()
