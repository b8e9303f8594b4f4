"""Settings: defaults, file, environment overrides, secrets kept secret, one line per problem."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.cli import main
from bot.settings import ConfigError, Settings, load_settings

TOKEN = "123456789:AAHreal-looking-token-abcdefghijklmno"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    for key in list(os.environ):
        if key.startswith("LANDSCAPE_BOT_"):
            monkeypatch.delenv(key)


def test_defaults_need_no_file() -> None:
    settings = load_settings()
    assert settings.database.url == "sqlite+aiosqlite:///landscape-bot.db"
    assert settings.locale.default_language == "en"
    assert settings.telegram.token is None


def test_file_then_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "bot.toml"
    config.write_text(
        '[telegram]\nbase_url = "http://127.0.0.1:8081/bot"\n'
        '[access]\nadmins = [1, 2]\n[locale]\ndefault_language = "fr"\n'
    )
    monkeypatch.setenv("LANDSCAPE_BOT_ACCESS__ADMINS", "[42]")
    monkeypatch.setenv("LANDSCAPE_BOT_TELEGRAM__TOKEN", TOKEN)
    settings = load_settings(config)
    assert settings.telegram.base_url == "http://127.0.0.1:8081/bot"
    assert settings.locale.default_language == "fr"
    assert settings.access.admins == [42]  # the environment wins over the file
    assert settings.require_token() == TOKEN


def test_config_file_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "bot.toml"
    config.write_text('[database]\nurl = "postgresql+asyncpg://bot@db/landscape"\n')
    monkeypatch.setenv("LANDSCAPE_BOT_CONFIG", str(config))
    assert load_settings().database.url == "postgresql+asyncpg://bot@db/landscape"


def test_the_example_file_is_valid() -> None:
    settings = load_settings(Path(__file__).parents[1] / "config.example.toml")
    assert settings.webhook.url is None


def test_secrets_never_show(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANDSCAPE_BOT_TELEGRAM__TOKEN", TOKEN)
    monkeypatch.setenv("LANDSCAPE_BOT_WEBHOOK__SECRET", "s3cret-webhook-value-123")
    monkeypatch.setenv("LANDSCAPE_BOT_DATABASE__URL", "postgresql+asyncpg://bot:hunter22@db/x")
    settings = load_settings()
    for dump in (repr(settings), str(settings), settings.model_dump_json()):
        assert TOKEN not in dump
        assert "s3cret-webhook-value-123" not in dump
    assert set(settings.secrets()) == {TOKEN, "s3cret-webhook-value-123", "hunter22"}


def test_every_problem_is_one_line_naming_the_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "bad.toml"
    config.write_text('[locale]\ndefault_language = "xx"\n[databse]\nurl = "x"\n')
    monkeypatch.setenv("LANDSCAPE_BOT_TELEGRAM__TOKEN", "123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11")
    monkeypatch.setenv("LANDSCAPE_BOT_DATABASE__URL", "mysql://x")
    with pytest.raises(ConfigError) as raised:
        load_settings(config)
    problems = raised.value.problems
    assert len(problems) == 4
    assert any(p.startswith("locale.default_language: expected one of") for p in problems)
    assert any(p.startswith("databse: unknown setting") for p in problems)
    assert any(p.startswith("telegram.token: expected the token BotFather") for p in problems)
    assert any("LANDSCAPE_BOT_DATABASE__URL" in p for p in problems)


def test_cli_reports_problems_without_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["run", "--config", str(tmp_path / "missing.toml")]) == 2
    assert capsys.readouterr().err.strip() == (
        f"landscape-bot: config: file not found: {tmp_path / 'missing.toml'}"
    )
    assert main(["run"]) == 2  # no token
    err = capsys.readouterr().err
    assert "telegram.token: required to run" in err
    assert "Traceback" not in err


def test_webhook_needs_a_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANDSCAPE_BOT_WEBHOOK__URL", "https://bot.example.org/telegram")
    settings = load_settings()
    with pytest.raises(ConfigError, match=r"webhook\.secret: required"):
        settings.require_webhook_secret()
    monkeypatch.setenv("LANDSCAPE_BOT_WEBHOOK__URL", "http://plain.example.org/")
    with pytest.raises(ConfigError, match=r"webhook\.url"):
        load_settings()


def test_the_compose_file_sets_real_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """deploy/compose.yaml configures replicas by environment: every variable it sets must be a
    setting that exists and accepts the value, or a replica would fail to start at deploy."""
    root = Path(__file__).parents[1]
    compose = (root / "deploy" / "compose.yaml").read_text()
    filled = {
        "TELEGRAM_TOKEN": "123456789:AAHcomposeCheckToken_0123456789abcdef",
        "WEBHOOK_SECRET": "compose-check-secret-0123",
        "POSTGRES_PASSWORD": "password",
        "DOMAIN": "bot.example.org",
    }
    example = (root / "deploy" / "compose.env.example").read_text()
    assert set(filled) <= set(re.findall(r"^(\w+)=", example, re.MULTILINE))
    found = re.findall(r"^\s+(LANDSCAPE_BOT_\w+): (.+)$", compose, re.MULTILINE)
    assert len(found) >= 6
    for name, raw in found:
        section = name.removeprefix("LANDSCAPE_BOT_").split("__")[0].lower()
        assert section in Settings.model_fields, name
        value = re.sub(
            r"\$\{(\w+)(?::-([^}]*)|:\?[^}]*)?\}",
            lambda m: filled.get(m[1], m[2] or ""),
            raw.strip().strip('"'),
        )
        monkeypatch.setenv(name, value)
    settings = load_settings()
    assert settings.webhook.url == "https://bot.example.org/telegram"
    assert settings.database.url.startswith("postgresql+asyncpg://")
    monkeypatch.setenv("LANDSCAPE_BOT_TELEGRAM__RECEIVE_UPDATES", "false")  # the sender's
    assert load_settings().telegram.receive_updates is False
