"""The sandbox Bot API, driven through python-telegram-bot's real HTTP stack."""

from __future__ import annotations

import asyncio
import datetime as dtm
import io
import shutil
import struct
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web
from telegram import Bot, BotCommand, BotCommandScopeChat, InlineKeyboardButton, Message, Update
from telegram import InlineKeyboardMarkup as Markup
from telegram.error import BadRequest, Conflict, Forbidden, InvalidToken, RetryAfter, TimedOut
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes

from bot.sandbox.api_server import LocalBotApi
from bot.sandbox.terminal import chat_in_terminal, render_html
from tests.support.chat import ChatUser

TOKEN = "123456:sandbox-test-token"
ALICE = 1001

pytestmark = pytest.mark.asyncio


def keyboard(*labels_and_data: tuple[str, str]) -> Markup:
    return Markup(
        [[InlineKeyboardButton(text, callback_data=data)] for text, data in labels_and_data]
    )


@pytest.fixture
async def api() -> AsyncIterator[LocalBotApi]:
    async with LocalBotApi(TOKEN) as server:
        server.add_user(ALICE, "Alice", username="alice", language_code="fr-CA")
        yield server


@pytest.fixture
async def bot(api: LocalBotApi) -> AsyncIterator[Bot]:
    async with Bot(TOKEN, base_url=api.base_url, base_file_url=api.base_file_url) as client:
        yield client


async def test_get_me_and_raw_http_errors(api: LocalBotApi, bot: Bot) -> None:
    me = await bot.get_me()
    assert (me.id, me.username, me.is_bot) == (123456, "landscape_bot", True)
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{api.base_url}{TOKEN}/GETME") as response:  # case-insensitive
            assert (await response.json())["result"]["username"] == "landscape_bot"
        async with http.post(f"{api.base_url}{TOKEN}/noSuchMethod") as response:
            assert response.status == 404
            assert (await response.json())["description"] == "Not Found: method not found"
        async with http.post(f"{api.base_url}999:wrong/getMe") as response:
            body = await response.json()
            assert (response.status, body["ok"], body["description"]) == (
                401,
                False,
                "Unauthorized",
            )
        # A JSON body with typed values, as other clients send it.
        body = {"chat_id": ALICE, "text": "/x", "reply_markup": {"inline_keyboard": [[]]}}
        async with http.post(f"{api.base_url}{TOKEN}/sendMessage", json=body) as response:
            result = (await response.json())["result"]
            assert (result["text"], result["from"]["is_bot"]) == ("/x", True)
            assert "reply_markup" not in result  # an empty inline keyboard is no keyboard
    with pytest.raises(InvalidToken):
        async with Bot("999:wrong", base_url=api.base_url) as stranger:
            await stranger.get_me()


async def test_send_message_is_stored_as_the_user_sees_it(api: LocalBotApi, bot: Bot) -> None:
    markup = Markup(
        [
            [InlineKeyboardButton("English", callback_data="lang:en")],
            [InlineKeyboardButton("Site", url="https://example.org")],
        ]
    )
    sent = await bot.send_message(
        ALICE, "  <b>Héllo</b> 👋 <i>there</i> ", "HTML", reply_markup=markup
    )
    assert sent.text == "Héllo 👋 there"
    assert sent.from_user is not None
    assert sent.from_user.id == 123456
    # Offsets are UTF-16 code units: the emoji counts twice.
    assert [(e.type, e.offset, e.length) for e in sent.entities] == [
        ("bold", 0, 5),
        ("italic", 9, 5),
    ]
    (stored,) = api.messages(ALICE)
    assert (stored.message_id, stored.text, stored.parse_mode) == (
        sent.message_id,
        sent.text,
        "HTML",
    )
    assert stored.html == "  <b>Héllo</b> 👋 <i>there</i> "
    assert [[b.text for b in row] for row in stored.buttons] == [["English"], ["Site"]]
    assert stored.buttons[0][0].callback_data == "lang:en"
    assert stored.buttons[1][0].url == "https://example.org"
    assert api.calls["sendMessage"] == 1
    assert [(r.method, r.chat_id) for r in api.send_log] == [("sendMessage", ALICE)]
    second = await bot.send_message(ALICE, "next")
    assert second.message_id == sent.message_id + 1


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("<div>x</div>", 'unsupported start tag "div" at byte offset 0'),
        ("a <b>bold", "can't find end tag corresponding to start tag"),
        ("<b><i>x</b></i>", 'expected "</i>", found "</b>"'),
        ("</b>", "unexpected end tag"),
        ('<span class="x">y</span>', 'must have class "tg-spoiler"'),
        ("<b> </b>", "message text is empty"),
        ("x" * 4097, "message is too long"),
    ],
)
async def test_html_and_length_validation(
    api: LocalBotApi, bot: Bot, text: str, error: str
) -> None:
    with pytest.raises(BadRequest) as caught:
        await bot.send_message(ALICE, text, parse_mode="HTML")
    assert error in str(caught.value).lower()
    assert api.messages(ALICE) == []


async def test_text_limit_counts_after_entity_parsing(api: LocalBotApi, bot: Bot) -> None:
    html = "<b>" + "x" * 4096 + "</b>"
    sent = await bot.send_message(ALICE, html, parse_mode="HTML")
    assert sent.text == "x" * 4096
    assert (await bot.send_message(ALICE, "<b></b>plain", parse_mode="HTML")).entities == ()
    good = (
        '<a href="https://e.org">e</a> <tg-spoiler>s</tg-spoiler> '
        '<pre><code class="language-py">p</code></pre>'
    )
    entities = (await bot.send_message(ALICE, good, parse_mode="HTML")).entities
    assert [(e.type, e.url, e.language) for e in entities] == [
        ("text_link", "https://e.org", None),
        ("spoiler", None, None),
        ("pre", None, "py"),
    ]


async def test_unknown_chat_long_caption_and_callback_data_bytes(
    api: LocalBotApi, bot: Bot
) -> None:
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.send_message(424242, "hello")
    with pytest.raises(BadRequest, match=r"(?i)button_data_invalid"):
        await bot.send_message(ALICE, "pick", reply_markup=keyboard(("A", "a" * 65)))
    with pytest.raises(BadRequest, match=r"(?i)button_data_invalid"):  # 33 characters, 66 bytes
        await bot.send_message(ALICE, "pick", reply_markup=keyboard(("A", "é" * 33)))
    await bot.send_message(ALICE, "pick", reply_markup=keyboard(("A", "é" * 32)))
    with pytest.raises(BadRequest, match=r"(?i)caption is too long"):
        await bot.send_document(ALICE, b"x", filename="a.txt", caption="c" * 1025)
    assert len(api.messages(ALICE)) == 1


async def test_edit_delete_and_not_modified(api: LocalBotApi, bot: Bot) -> None:
    sent = await bot.send_message(ALICE, "Choose", reply_markup=keyboard(("A", "a")))
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_text(
            "Choose", ALICE, sent.message_id, reply_markup=keyboard(("A", "a"))
        )
    before = api.activity(ALICE)
    await bot.edit_message_text("Chosen: <b>A</b>", ALICE, sent.message_id, parse_mode="HTML")
    (stored,) = api.messages(ALICE)
    assert (stored.text, stored.edited, stored.buttons) == ("Chosen: A", True, [])
    assert api.activity(ALICE) == before + 1 == stored.revision
    assert await bot.delete_message(ALICE, sent.message_id)
    assert api.messages(ALICE)[0].deleted
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await bot.edit_message_text("again", ALICE, sent.message_id)


async def test_long_poll_and_offset_confirmation(api: LocalBotApi, bot: Bot) -> None:
    loop = asyncio.get_running_loop()
    started = loop.time()
    polling = asyncio.create_task(bot.get_updates(timeout=3))
    await asyncio.sleep(0.05)
    update_id = await api.send_text(ALICE, "/start@landscape_bot now")
    (update,) = await polling
    assert loop.time() - started < 1.0  # answered on arrival, not at the timeout
    assert update.update_id == update_id
    assert update.message is not None
    assert update.message.text == "/start@landscape_bot now"
    assert update.message.from_user is not None
    assert update.message.from_user.language_code == "fr-CA"
    command = update.message.entities[0]
    assert (command.type, command.offset, command.length) == ("bot_command", 0, 20)
    # Not confirmed yet: delivered again.
    assert [u.update_id for u in await bot.get_updates()] == [update_id]
    assert api.confirmed_offset == 0
    assert await bot.get_updates(offset=update_id + 1) == ()
    assert api.confirmed_offset == update_id
    second = await api.send_text(ALICE, "hi")
    assert second > update_id
    assert [u.update_id for u in await bot.get_updates(offset=update_id + 1)] == [second]
    started = loop.time()
    assert await bot.get_updates(timeout=dtm.timedelta(seconds=0.2), offset=second + 1) == ()
    assert 0.15 < loop.time() - started < 1.0  # the long poll ran to its timeout


async def test_faults_rate_limit_block_and_timeout(
    api: LocalBotApi, bot: Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    api.inject_fault(
        "sendMessage",
        chat_id=ALICE,
        error_code=429,
        description="Too Many Requests: retry after 3",
        retry_after=3,
    )
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(ALICE, "one")
    assert caught.value.retry_after == dtm.timedelta(seconds=3)
    await bot.send_message(ALICE, "two")  # times=1: the next call goes through
    api.blocked_users.add(ALICE)
    with pytest.raises(Forbidden, match="blocked by the user"):
        await bot.send_message(ALICE, "three")
    api.blocked_users.clear()
    api.inject_fault("sendMessage", error_code=0, description="timeout", delay=0.3)
    with pytest.raises(TimedOut):
        await bot.send_message(ALICE, "slow", read_timeout=0.05)
    await asyncio.sleep(0.4)
    # Like Telegram, the message was delivered even though the client gave up waiting.
    assert [m.text for m in api.messages(ALICE)] == ["two", "slow"]
    assert api.calls["sendMessage"] == 4


async def test_documents_and_photos_round_trip(api: LocalBotApi, bot: Bot) -> None:
    sent = await bot.send_document(
        ALICE, b"weekly numbers", filename="report.csv", caption="<i>Weekly</i>", parse_mode="HTML"
    )
    assert sent.document is not None
    assert sent.document.file_name == "report.csv"
    assert sent.caption == "Weekly"
    stored = api.messages(ALICE)[0]
    assert stored.document is not None
    assert stored.document.data == b"weekly numbers"
    assert stored.text == "Weekly"
    file = await bot.get_file(sent.document.file_id)
    assert bytes(await file.download_as_bytearray()) == b"weekly numbers"
    png = b"\x89PNG\r\n\x1a\n" + struct.pack(">I4sII", 13, b"IHDR", 640, 480) + b"\x00" * 9
    photo = await bot.send_photo(ALICE, png, caption="map")
    assert (photo.photo[-1].width, photo.photo[-1].height) == (640, 480)
    with pytest.raises(BadRequest, match=r"(?i)image_process_failed"):
        await bot.send_photo(ALICE, b"not an image")
    # The user uploads a file; the bot downloads it.
    await api.send_document(ALICE, "plot.txt", b"field notes", caption="my notes")
    (update,) = await bot.get_updates()
    assert update.message is not None
    assert update.message.document is not None
    assert update.message.caption == "my notes"
    upload = await bot.get_file(update.message.document.file_id)
    assert bytes(await upload.download_as_bytearray()) == b"field notes"


async def test_commands_are_stored_per_scope_and_language(api: LocalBotApi, bot: Bot) -> None:
    await bot.set_my_commands([BotCommand("start", "Start")])
    await bot.set_my_commands(
        [BotCommand("start", "Démarrer"), BotCommand("aide", "Aide")], language_code="fr"
    )
    await bot.set_my_commands([BotCommand("admin", "Admin")], scope=BotCommandScopeChat(ALICE))
    assert [c.command for c in await bot.get_my_commands()] == ["start"]
    assert [c.description for c in await bot.get_my_commands(language_code="fr")] == [
        "Démarrer",
        "Aide",
    ]
    assert await bot.get_my_commands(language_code="de") == ()
    chat_scope = BotCommandScopeChat(ALICE)
    assert [c.command for c in await bot.get_my_commands(scope=chat_scope)] == ["admin"]
    assert api.commands({"type": "chat", "chat_id": ALICE})[0]["command"] == "admin"
    await bot.delete_my_commands(language_code="fr")
    assert await bot.get_my_commands(language_code="fr") == ()
    with pytest.raises(BadRequest, match=r"(?i)bot_command_invalid"):
        await bot.set_my_commands([BotCommand("Start", "capital letter")])


async def test_http_user_side_endpoints(api: LocalBotApi, bot: Bot) -> None:
    async with aiohttp.ClientSession(base_url=api.sandbox_url + "/") as http:
        async with http.post("send", json={"user_id": ALICE, "text": "hello"}) as response:
            update_id = (await response.json())["update_id"]
        (update,) = await bot.get_updates()
        assert (update.update_id, update.message.text if update.message else None) == (
            update_id,
            "hello",
        )
        since = api.activity(ALICE)
        waiting = asyncio.create_task(
            http.get("messages", params={"chat_id": ALICE, "since": since, "timeout": 3})
        )
        await asyncio.sleep(0.05)
        sent = await bot.send_message(
            ALICE, "Pick one", reply_markup=keyboard(("Yes", "y"), ("No", "n"))
        )
        async with await waiting as response:
            body = await response.json()
        assert body["activity"] == since + 1
        assert [m["text"] for m in body["messages"]] == ["Pick one"]
        assert body["messages"][0]["buttons"][1][0] == {
            "text": "No",
            "callback_data": "n",
            "url": None,
        }
        press = {"user_id": ALICE, "message_id": sent.message_id, "callback_data": "n"}
        async with http.post("press", json=press) as response:
            query_id = (await response.json())["callback_query_id"]
        async with http.post("send", json={"user_id": 5, "text": "who?"}) as response:
            assert response.status == 400
    (update,) = await bot.get_updates(offset=update_id + 1)
    assert update.callback_query is not None
    assert (update.callback_query.id, update.callback_query.data) == (query_id, "n")
    assert isinstance(update.callback_query.message, Message)
    assert update.callback_query.message.text == "Pick one"
    await bot.answer_callback_query(query_id, text="Noted", show_alert=True)
    assert api.callback_answers == [(query_id, "Noted", True, None)]  # no url
    with pytest.raises(BadRequest, match=r"(?i)query id is invalid"):
        await bot.answer_callback_query(query_id)


async def test_webhook_delivery_with_secret_and_retry(api: LocalBotApi, bot: Bot) -> None:
    received: list[tuple[str | None, dict[str, object]]] = []
    arrived = asyncio.Event()

    async def receive(request: web.Request) -> web.Response:
        received.append(
            (request.headers.get("X-Telegram-Bot-Api-Secret-Token"), await request.json())
        )
        if len(received) == 1:
            return web.Response(status=500)  # the first attempt fails and must be retried
        arrived.set()
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_post("/hook", receive)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    port = runner.addresses[0][1]
    try:
        with pytest.raises(BadRequest, match="loopback"):
            await bot.set_webhook("https://example.org/hook")
        assert await bot.set_webhook(f"http://127.0.0.1:{port}/hook", secret_token="s3cret-token")
        update_id = await api.send_text(ALICE, "via webhook")
        await asyncio.wait_for(arrived.wait(), 3)
        assert [secret for secret, _ in received] == ["s3cret-token", "s3cret-token"]
        assert received[1][1]["update_id"] == update_id
        assert received[1][1]["message"]["text"] == "via webhook"  # type: ignore[index]
        info = await bot.get_webhook_info()
        assert (info.url, info.pending_update_count) == (f"http://127.0.0.1:{port}/hook", 0)
        assert info.last_error_message is not None
        assert "500" in info.last_error_message
        with pytest.raises(Conflict):
            await bot.get_updates()
        assert await bot.delete_webhook()
        await api.send_text(ALICE, "polling again")
        assert [u.message.text for u in await bot.get_updates() if u.message] == ["polling again"]
    finally:
        await runner.cleanup()


async def _echo_bot(bot: Bot) -> None:
    """A tiny bot: /start offers languages, a press is answered and edits, text is echoed."""
    offset = 0
    while True:
        for update in await bot.get_updates(offset=offset, timeout=1):
            offset = update.update_id + 1
            if update.message and update.message.text == "/start":
                languages = keyboard(("English", "lang:en"), ("Français", "lang:fr"))
                await bot.send_message(
                    update.message.chat_id, "Choose your language", reply_markup=languages
                )
            elif update.message:
                await bot.send_message(update.message.chat_id, f"echo: {update.message.text}")
            elif (query := update.callback_query) and query.message:
                await bot.answer_callback_query(query.id, text=f"got {query.data}")
                await bot.edit_message_text(
                    f"Language: {query.data}", query.message.chat.id, query.message.message_id
                )


async def test_chat_user_dsl(api: LocalBotApi, bot: Bot) -> None:
    echo = asyncio.create_task(_echo_bot(bot))
    try:
        bob = ChatUser(api, user_id=2002, first_name="Bob", language_code="fr-CA", timeout=2)
        await bob.send("/start")
        menu = await bob.expect("LANGUAGE")
        assert bob.buttons() == ["English", "Français"]
        assert bob.last == menu
        with pytest.raises(AssertionError, match="ambiguous"):
            await bob.press("n")  # in both labels
        await bob.press("Fran")
        assert (await bob.expect_answer("lang:fr")).text == "got lang:fr"
        edited = await bob.expect("Language: lang:fr")
        assert edited.message_id == menu.message_id
        assert edited.edited
        assert edited.buttons == []
        with pytest.raises(AssertionError, match="no keyboard"):
            await bob.press("English")
        await bob.press_data(menu.message_id, "forged")
        await bob.expect_answer("forged")
        await bob.send("hello")
        await bob.expect("echo: hello")
        await bob.expect_nothing(within=0.1)
        with pytest.raises(AssertionError, match="> /start"):
            await bob.expect("never said", within=0.1)
        assert bob.transcript().splitlines() == [
            "> /start",
            "< Language: forged (edited)",
            "> [pressed Français]",
            "> [pressed 'forged']",
            "> hello",
            "< echo: hello",
        ]
    finally:
        echo.cancel()
        await asyncio.gather(echo, return_exceptions=True)


async def test_terminal_chat(api: LocalBotApi, bot: Bot) -> None:
    assert (
        render_html('<b>Hi</b> <a href="https://e.org">site</a>', ansi=False)
        == "Hi site (https://e.org)"
    )
    assert render_html("<b>Hi</b>", ansi=True) == "\x1b[1mHi\x1b[22m"
    one_row = Markup(
        [
            [
                InlineKeyboardButton("English", callback_data="en"),
                InlineKeyboardButton("Français", callback_data="fr"),
            ]
        ]
    )
    await bot.send_message(ALICE, "<b>Choose</b>", parse_mode="HTML", reply_markup=one_row)
    await bot.send_document(ALICE, b"data", filename="notes.txt")
    out = io.StringIO()
    await chat_in_terminal(api, ALICE, stdin=io.StringIO(":help\nhi there\n#2\n#9\n"), stdout=out)
    text = out.getvalue()
    assert "#N     press button N" in text
    assert "bot: Choose\n  [1] English  [2] Français\nbot: [document]\n" in text  # no tty: no ANSI
    saved = Path(text.split("[file] ")[1].splitlines()[0])
    assert (saved.name, await asyncio.to_thread(saved.read_bytes)) == ("notes.txt", b"data")
    await asyncio.to_thread(shutil.rmtree, saved.parent)
    assert "(no button 9 on the newest keyboard)" in text
    updates = await bot.get_updates()
    assert [u.message.text for u in updates if u.message] == ["hi there"]
    assert [u.callback_query.data for u in updates if u.callback_query] == ["fr"]


async def test_ptb_application_runs_unmodified(api: LocalBotApi) -> None:
    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        choices = keyboard(("English", "en"), ("Français", "fr"))
        await update.effective_message.reply_html("<b>Choose</b> a language", reply_markup=choices)

    async def choose(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.callback_query is not None
        await update.callback_query.answer(f"saved {update.callback_query.data}")
        await update.callback_query.edit_message_text(f"Language: {update.callback_query.data}")

    app = (
        Application.builder()
        .token(TOKEN)
        .base_url(api.base_url)
        .base_file_url(api.base_file_url)
        .build()
    )
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CallbackQueryHandler(choose))
    carol = ChatUser(api, user_id=3003, first_name="Carol", timeout=2)
    async with app:
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0, timeout=1)
        await app.start()
        try:
            await carol.send("/start@landscape_bot")
            assert (await carol.expect("choose a language")).html == "<b>Choose</b> a language"
            await carol.press("Français")
            await carol.expect_answer("saved fr")
            await carol.expect("Language: fr")
        finally:
            await app.updater.stop()
            await app.stop()
    assert api.pending_updates == []  # the updater confirmed what it handled
    assert api.calls["deleteWebhook"] == 1
