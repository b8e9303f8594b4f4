"""The update pipeline: idempotent under redelivery, all-or-nothing with a kind apology on
failure, secrets out of the logs, and the webhook door locked without the secret."""

from __future__ import annotations

import logging

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import select
from telegram import Bot

from bot.app import build_inbox, build_services
from bot.logs import RedactingFilter, configure_logging
from bot.services import Services
from bot.settings import DatabaseSettings, WebhookSettings
from bot.webhook import SECRET_HEADER, webhook_app
from storage.models import InboundUpdate
from storage.partners import Partners
from tests.support.bot import TOKEN, BotHarness


async def _name_step(bot: BotHarness, user_id: int) -> None:
    user = bot.user(user_id, "Rin", language_code="en")
    await user.send("/start")
    await user.press("English")
    await user.press("I agree")
    await user.expect("What is your name?")


async def test_a_redelivered_update_is_handled_once(bot: BotHarness) -> None:
    await _name_step(bot, 6001)
    user = bot.user(6001, "Rin", language_code="en")
    update_id = await user.send("Rin Tanaka")
    await user.expect("Which organisation")
    # The process dies before Telegram learns the update was handled: it comes again.
    await bot.stop()
    bot.api.redeliver(update_id)
    await bot.start()
    await user.expect_nothing(within=1.0)
    async with bot.db.unit_of_work() as uow:
        conversation = await uow.conversations.get(6001)
    assert conversation is not None
    assert conversation.step == "organisation"  # not taken as the organisation's name
    assert "organisation" not in conversation.data


async def test_a_failing_handler_rolls_back_and_apologises_in_the_users_language(
    bot: BotHarness, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    user = bot.user(6002, "Lou", language_code="fr")
    fr = bot.catalogs.translator("fr")
    await user.send("/start")
    await user.press("Français")
    await user.press(fr.gettext("I agree"))
    await user.expect(fr.gettext("What is your name?"))
    await user.send("Lou Martin")
    await user.expect(fr.gettext("Which organisation or group do you work with?"))
    await user.send("Coop")
    await user.press(fr.gettext("Government"))
    await user.press("FLRM Lebanon")
    await user.expect_button("✓ FLRM Lebanon")

    async def broken(self: Partners, *args: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(Partners, "set_landscapes", broken)
    await user.press(fr.gettext("Done"))
    await user.expect_button("Beirut")
    await user.press("Beirut")
    await user.expect(
        fr.gettext("Sorry, something went wrong on our side. Please try again in a moment.")
    )
    async with bot.db.unit_of_work() as uow:
        assert await uow.partners.by_telegram_id(6002) is None  # nothing half-saved
        conversation = await uow.conversations.get(6002)
    assert conversation is not None
    assert conversation.step == "timezone"  # the partner can simply try again
    assert "disk full" in caplog.text
    assert TOKEN not in caplog.text

    monkeypatch.undo()
    await user.press("Beirut")
    await user.expect("Lou Martin")


async def test_the_token_never_reaches_the_logs(
    bot: BotHarness, capfd: pytest.CaptureFixture[str]
) -> None:
    configure_logging("DEBUG", [TOKEN])
    logging.getLogger("httpx").setLevel(logging.INFO)  # logs every URL, token included
    try:
        await _name_step(bot, 6003)
        try:
            raise ValueError(f"bad response from /bot{TOKEN}/sendMessage")
        except ValueError:
            logging.getLogger("test").exception("request for %s failed", TOKEN)
    finally:
        logging.getLogger().handlers.clear()
    err = capfd.readouterr().err
    assert "HTTP Request: POST" in err  # URLs were logged...
    assert "/bot***/" in err  # ...with the token redacted
    assert TOKEN not in err
    assert TOKEN.split(":")[1] not in err


def test_redaction_covers_arguments_and_tracebacks() -> None:
    secret = "123:very-secret"
    record = logging.LogRecord("x", logging.ERROR, __file__, 1, "token %s", (secret,), None)
    try:
        raise RuntimeError(secret)
    except RuntimeError as error:
        record.exc_info = (RuntimeError, error, error.__traceback__)
    RedactingFilter([secret]).filter(record)
    rendered = logging.Formatter().format(record)
    assert secret not in rendered
    assert "token ***" in rendered


@pytest.fixture
def webhook_settings(bot: BotHarness) -> BotHarness:
    bot.settings = bot.settings.model_copy(
        update={"webhook": WebhookSettings(url="https://bot.example.org/telegram", secret="a" * 32)}
    )
    return bot


def _update(update_id: object = 77) -> dict[str, object]:
    return {
        "update_id": update_id,
        "message": {
            "message_id": 1,
            "date": 0,
            "chat": {"id": 5, "type": "private"},
            "from": {"id": 5, "is_bot": False, "first_name": "W"},
            "text": "/help",
        },
    }


async def _stored(services: Services) -> list[int]:
    async with services.db.unit_of_work() as uow:
        return list(await uow.session.scalars(select(InboundUpdate.update_id)))


async def test_webhook_stores_an_update_before_saying_it_arrived(
    webhook_settings: BotHarness,
) -> None:
    services = build_services(webhook_settings.settings)
    right = {SECRET_HEADER: "a" * 32}
    async with Bot(TOKEN, base_url=webhook_settings.api.base_url) as bot:
        inbox = build_inbox(services, bot, "test")
        async with TestClient(TestServer(webhook_app(inbox, services))) as client:
            assert (await client.post("/telegram", json=_update())).status == 403
            wrong = {SECRET_HEADER: "b" * 32}
            assert (await client.post("/telegram", json=_update(), headers=wrong)).status == 403
            assert await _stored(services) == []
            assert (await client.post("/telegram", json=_update(), headers=right)).status == 200
            assert await _stored(services) == [77]  # stored by the time Telegram hears 200
            health = await client.get("/healthz")
            assert health.status == 200
            assert (await health.json())["status"] == "ok"
        await inbox.close()
    await services.db.dispose()


@pytest.mark.parametrize(
    "body",
    [
        "[1, 2]",
        '"update"',
        "{not json",
        "[" * 100_000,
        '{"update_id": "77"}',
        '{"update_id": true}',
        '{"update_id": -1}',
        '{"update_id": 99999999999999999999}',
        '{"update_id": 78, "message": "hello"}',
    ],
)
async def test_webhook_refuses_what_is_not_an_update(
    webhook_settings: BotHarness, body: str
) -> None:
    services = build_services(webhook_settings.settings)
    right = {SECRET_HEADER: "a" * 32, "Content-Type": "application/json"}
    async with Bot(TOKEN, base_url=webhook_settings.api.base_url) as bot:
        inbox = build_inbox(services, bot, "test")
        async with TestClient(TestServer(webhook_app(inbox, services))) as client:
            assert (await client.post("/telegram", data=body, headers=right)).status == 400
    assert await _stored(services) == []
    await services.db.dispose()


async def test_webhook_answers_503_while_the_database_is_down(
    webhook_settings: BotHarness,
) -> None:
    """Telegram keeps an update it got no 2xx for and sends it again later."""
    broken = DatabaseSettings(url="sqlite+aiosqlite:////nonexistent/dir/bot.db")
    settings = webhook_settings.settings.model_copy(update={"database": broken})
    services = build_services(settings)
    right = {SECRET_HEADER: "a" * 32}
    async with Bot(TOKEN, base_url=webhook_settings.api.base_url) as bot:
        inbox = build_inbox(services, bot, "test")
        async with TestClient(TestServer(webhook_app(inbox, services))) as client:
            assert (await client.post("/telegram", json=_update(), headers=right)).status == 503
            health = await client.get("/healthz")
            assert health.status == 503
    await services.db.dispose()
