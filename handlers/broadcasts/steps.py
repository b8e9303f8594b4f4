"""Writing a broadcast: the message (escaped as typed, checked against Telegram's limit with
room for the "(in English)" marker) and optional versions in other languages.

The limit is Telegram's own measure — the text as the reader sees it — so escaping "&" or "<"
costs the coordinator nothing."""

from __future__ import annotations

from bot.callbacks import InvalidCallback
from bot.i18n import Html, escape
from bot.turn import Turn
from handlers.broadcasts import audience, confirm, views
from handlers.shared.flow import data, move
from handlers.shared.localized_input import language_in


async def ask_text(turn: Turn) -> None:
    await move(turn, "text")
    t = turn.t
    language = data(turn).get("default") or t.language
    await turn.settle(
        t.gettext(
            "Send the message in {language}. It goes out exactly as you type it.",
            language=language_in(t, language),
        )
    )


async def on_text(turn: Turn) -> None:
    default = data(turn).get("default") or turn.t.language
    limit = views.TELEGRAM_TEXT_MAX - views.longest_marker(turn.services.catalogs, default)
    value = await _read(turn, limit)
    if value is None:
        return
    texts = {**data(turn).get("texts", {}), default: value}
    await move(turn, "languages", texts=texts, default=default)
    await show_languages(turn)


async def show_languages(turn: Turn) -> None:
    t, draft = turn.t, data(turn)
    texts, default = draft["texts"], draft["default"]
    others = [code for code in turn.services.catalogs.languages if code != default]
    buttons = [
        turn.button(("✓ " if code in texts else "") + t.language_name(code), "bc.lang", code)
        for code in others
    ]
    keyboard = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    keyboard.append([turn.button(t.gettext("Continue »"), "bc.langok")])
    text = t.gettext(
        "Partners who read another language get this text followed by {marker}. "
        "You can add a version in their language, or continue.",
        marker=Html(views.marker(t, default)),
    )
    await turn.settle(text + "\n\n" + await audience.reach(turn), keyboard)


async def on_version_language(turn: Turn) -> None:
    code = turn.arg()
    if code not in turn.services.catalogs.languages or code == data(turn)["default"]:
        raise InvalidCallback(f"language {code}")
    await move(turn, "version", editing=code)
    t = turn.t
    back = [[turn.button(t.gettext("« Back"), "bc.langs")]]
    await turn.settle(
        t.gettext("Send the message in {language}.", language=language_in(t, code)), back
    )


async def on_languages(turn: Turn) -> None:
    await move(turn, "languages")
    await show_languages(turn)


async def on_version_text(turn: Turn) -> None:
    value = await _read(turn, views.TELEGRAM_TEXT_MAX)
    if value is None:
        return
    draft = data(turn)
    await move(turn, "languages", texts={**draft["texts"], draft["editing"]: value})
    await show_languages(turn)


async def on_languages_done(turn: Turn) -> None:
    if "ack" in data(turn):
        await confirm.show_preview(turn)
        return
    await confirm.ask_schedule(turn)


async def on_edit_text(turn: Turn) -> None:
    await ask_text(turn)


async def _read(turn: Turn, limit: int) -> str | None:
    """The typed message, escaped for Telegram's HTML; None after a hint."""
    t = turn.t
    value = turn.text.strip()
    if not value:
        await turn.reply(t.gettext("Please send the message as text."))
        return None
    escaped = escape(value)
    length = views.visible_length(escaped)
    if length > limit:
        await turn.reply(
            t.ngettext(
                "This message is too long: {n} character, and at most {limit} fit. "
                "Please shorten it and send it again.",
                "This message is too long: {n} characters, and at most {limit} fit. "
                "Please shorten it and send it again.",
                length,
                limit=t.number(limit),
            )
        )
        return None
    return escaped
