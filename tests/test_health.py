"""Health, readiness and metrics over real HTTP on loopback: a real `landscape-bot run` process
in each receiving mode, the bot harness for metrics, and a bot whose database is gone."""

from __future__ import annotations

import asyncio
import logging
import re
import time
from pathlib import Path

import aiohttp
import pytest
from telegram import Bot

from bot.app import build_services
from bot.ops.metrics import Metrics
from bot.ops.server import OpsServer
from bot.ops.stalls import StallWatch
from bot.sandbox.api_server import LocalBotApi
from bot.settings import ConfigError, Settings
from storage.models import StakeholderType
from tests.support.bot import TOKEN, BotHarness
from tests.support.checkins import add_checkin, use_template
from tests.support.crash import free_port, webhook_settings
from tests.support.people import add_partner
from tests.support.replicas import Replica, replica_settings, wait_for


async def _get(port: int, path: str) -> tuple[int, str]:
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"http://127.0.0.1:{port}{path}") as response,
    ):
        return response.status, await response.text()


def _listeners(port: int) -> set[str]:
    """The local addresses listening on TCP `port` (IPv4), from the kernel's own table."""
    found = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        local, state = line.split()[1], line.split()[3]
        address, hex_port = local.split(":")
        if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
            found.add(".".join(str(int(address[i : i + 2], 16)) for i in (6, 4, 2, 0)))
    return found


@pytest.mark.parametrize("mode", ["polling", "webhook"])
async def test_a_running_bot_answers_health_and_readiness_on_loopback(
    api: LocalBotApi, database_url: str, tmp_path: Path, mode: str
) -> None:
    port = free_port()
    settings = replica_settings(api, database_url, receive_updates=True, per_second=30)
    settings["health"] = {"port": port}  # listen left at its default
    hook_port = free_port()
    if mode == "webhook":
        settings["webhook"] = webhook_settings(hook_port)
    bot = Replica(tmp_path, "bot", settings)
    await bot.start()
    try:
        started = "receiving updates by " + ("webhook" if mode == "webhook" else "long polling")
        await wait_for(lambda: started in bot.output(), 60, "the bot")
        assert (await _get(port, "/healthz"))[0] == 200
        status, body = await _get(port, "/readyz")
        assert status == 200, body
        assert '"database": "ok"' in body
        assert '"migrations": "ok"' in body
        assert '"dispatcher": "ok"' in body
        assert '"telegram": "ok"' in body
        assert _listeners(port) == {"127.0.0.1"}
        if mode == "webhook":  # load balancers keep asking the webhook port
            assert (await _get(hook_port, "/healthz"))[0] == 200
    finally:
        await bot.stop()
    assert TOKEN not in bot.output()


async def test_metrics_count_an_update_that_went_through_the_bot(
    api: LocalBotApi, database_url: str
) -> None:
    port = free_port()
    harness = BotHarness(api, database_url, admins=[9000], health_port=port)
    await harness.start()
    try:
        user = harness.user(4242, "Ana", language_code="en")
        await user.send("/start")
        await user.expect_button("English")
        status, text = await _get(port, "/metrics")
    finally:
        await harness.stop()
    assert status == 200
    assert 'landscape_bot_updates_total{outcome="handled",type="message"} 1.0' in text
    assert "landscape_bot_update_reply_seconds_count 1.0" in text
    assert "landscape_bot_due_deliveries 0.0" in text
    assert "landscape_bot_oldest_due_age_seconds 0.0" in text
    assert re.search(r'landscape_bot_ready\{check="database"\} 1\.0', text)
    lag_checks = re.search(r"^landscape_bot_event_loop_lag_seconds_count (\S+)$", text, re.M)
    assert lag_checks is not None  # the loop is watched
    assert float(lag_checks.group(1)) > 0
    assert TOKEN not in text


async def test_a_held_event_loop_is_measured_and_named_in_the_log(
    caplog: pytest.LogCaptureFixture,
) -> None:
    lag = Metrics().loop_lag
    with caplog.at_level(logging.WARNING, logger="bot.ops.stalls"):
        async with StallWatch(lag):
            await asyncio.sleep(0.2)  # a few checks on time
            time.sleep(0.3)  # noqa: ASYNC251 -- what a blocking call in a handler would do
            await asyncio.sleep(0.1)
    held = [float(m) for m in re.findall(r"held for (\d+) ms", caplog.text)]
    assert held
    assert max(held) >= 250  # at most one check's interval shorter than the hold
    [family] = lag.collect()
    buckets = {s.labels["le"]: s.value for s in family.samples if s.name.endswith("_bucket")}
    assert buckets["0.1"] >= 2  # the checks on time
    assert buckets["+Inf"] - buckets["0.1"] >= 1


async def test_metrics_give_each_programmes_checkin_response_rate(
    api: LocalBotApi, database_url: str
) -> None:
    """Of FLRM's four partners expected this month, one has reported: the rate /summary shows."""
    port = free_port()
    harness = BotHarness(api, database_url, admins=[9000], health_port=port)
    await harness.start()
    try:
        await harness.load_example_content()
        async with harness.db.unit_of_work() as uow:
            flrm = await uow.programmes.by_slug("flrm")
        assert flrm is not None
        await use_template(harness.db, flrm.id)  # monthly
        partners = [await add_partner(harness.db, 6001 + n, name=f"P{n}") for n in range(4)]
        await add_partner(harness.db, 6009, name="Fiona", kind=StakeholderType.FUNDER)
        this_month = harness.clock().date().replace(day=1)
        await add_checkin(harness.db, partners[0], flrm.id, this_month, {"area_ha": 5})
        status, text = await _get(port, "/metrics")
    finally:
        await harness.stop()
    assert status == 200
    assert 'landscape_bot_checkins_expected{programme="flrm"} 4.0' in text
    assert 'landscape_bot_checkins_responded{programme="flrm"} 1.0' in text
    assert 'landscape_bot_checkin_response_rate{programme="flrm"} 0.25' in text


async def test_readiness_names_the_database_when_it_is_gone(api: LocalBotApi) -> None:
    port = free_port()
    settings = Settings(
        telegram={"token": TOKEN, "base_url": api.base_url, "base_file_url": api.base_file_url},
        database={"url": "sqlite+aiosqlite:////nonexistent/dir/bot.db"},
        health={"port": port},
    )
    services = build_services(settings)
    async with Bot(TOKEN, base_url=api.base_url) as bot, OpsServer(services, bot):
        assert (await _get(port, "/healthz"))[0] == 200  # alive, though not ready
        status, body = await _get(port, "/readyz")
        _status, metrics = await _get(port, "/metrics")
    await services.db.dispose()
    assert status == 503
    assert '"status": "not ready"' in body
    assert '"database": "unreachable"' in body
    assert 'landscape_bot_ready{check="database"} 0.0' in metrics
    assert "landscape_bot_oldest_due_age_seconds NaN" in metrics  # unknown, never "fine"


def test_health_listens_on_loopback_apart_from_the_webhook_by_default() -> None:
    settings = Settings()
    assert settings.health.enabled
    assert settings.health.listen == "127.0.0.1"
    assert settings.health.port != settings.webhook.port
    clash = Settings(
        webhook={"url": "https://bot.example.org/hook", "secret": "s" * 32},
        health={"port": settings.webhook.port},
    )
    with pytest.raises(ConfigError, match=r"health\.port"):
        clash.require_free_health_port()


def test_the_dashboard_and_alerts_name_metrics_that_exist() -> None:
    """A renamed metric would leave a dashboard panel empty and an alert silent, not failing."""
    from bot.ops.metrics import Metrics

    suffixes = {"counter": ("_total",), "histogram": ("_bucket", "_count", "_sum"), "gauge": ("",)}
    exported = {
        family.name + suffix
        for family in Metrics().registry.collect()
        for suffix in suffixes[family.type]
    }
    deploy = Path(__file__).parents[1] / "deploy"
    named = set()
    for path in (deploy / "grafana-dashboard.json", deploy / "alerts.yaml"):
        named |= set(re.findall(r"landscape_bot_\w+", path.read_text()))
    assert "landscape_bot_checkin_response_rate" in named
    assert named - exported == set()
