"""Telegram-flavoured text as the Bot API parses it: HTML into plain text plus entities (offsets in
UTF-16 units), the length limits, bot commands in user text, and inline keyboards checked."""

from __future__ import annotations

import html.parser
import re
from typing import NoReturn

from bot.sandbox.api_objects import JsonDict, bad_request, utf16_len

MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
MAX_CALLBACK_DATA_BYTES = 64
_TAG_ENTITIES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_INLINE_BUTTON_ACTIONS = frozenset(
    {
        "url",
        "callback_data",
        "web_app",
        "login_url",
        "switch_inline_query",
        "switch_inline_query_current_chat",
        "switch_inline_query_chosen_chat",
        "copy_text",
        "callback_game",
        "pay",
    }
)
_COMMAND = re.compile(r"(?<!\S)/[A-Za-z0-9_]+(?:@[A-Za-z0-9_]+)?")


class _Html(html.parser.HTMLParser):
    """Telegram's HTML subset: only its tags, strictly balanced, entities in UTF-16 units."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self._source = source
        self._line_starts = [0] + [m.end() for m in re.finditer("\n", source)]
        self._length = 0
        self._open: list[tuple[str, JsonDict | None]] = []
        self.parts: list[str] = []
        self.entities: list[JsonDict] = []

    def _fail(self, detail: str) -> NoReturn:
        raise bad_request(f"can't parse entities: {detail}")

    def _byte_offset(self) -> int:
        line, column = self.getpos()
        return len(self._source[: self._line_starts[line - 1] + column].encode())

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        kind = _TAG_ENTITIES.get(tag)
        if kind is None:
            self._fail(f'Unsupported start tag "{tag}" at byte offset {self._byte_offset()}')
        entity: JsonDict = {"type": kind, "offset": self._length}
        keep = True  # False: the tag yields no entity of its own
        if tag == "span" and attributes.get("class") != "tg-spoiler":
            offset = self._byte_offset()
            self._fail(f'Tag "span" must have class "tg-spoiler" at byte offset {offset}')
        elif tag == "a":
            entity["url"] = attributes.get("href", "")
            keep = bool(entity["url"])
        elif tag == "tg-emoji":
            if not attributes.get("emoji-id"):
                offset = self._byte_offset()
                self._fail(f'Tag "tg-emoji" must have attribute "emoji-id" at byte offset {offset}')
            entity["custom_emoji_id"] = attributes["emoji-id"]
        elif tag == "blockquote" and "expandable" in attributes:
            entity["type"] = "expandable_blockquote"
        elif tag == "code" and self._open and self._open[-1][0] == "pre":
            language = attributes.get("class", "")
            pre = self._open[-1][1]
            if language.startswith("language-") and pre is not None:
                pre["language"] = language.removeprefix("language-")
                keep = False
        self._open.append((tag, entity if keep else None))

    def handle_endtag(self, tag: str) -> None:
        if not self._open:
            self._fail(f"Unexpected end tag at byte offset {self._byte_offset()}")
        open_tag, entity = self._open.pop()
        if open_tag != tag:
            self._fail(
                f"Unmatched end tag at byte offset {self._byte_offset()}, "
                f'expected "</{open_tag}>", found "</{tag}>"'
            )
        if entity is not None and self._length > entity["offset"]:
            entity["length"] = self._length - entity["offset"]
            self.entities.append(entity)

    def handle_data(self, data: str) -> None:
        self.parts.append(data)
        self._length += utf16_len(data)

    def finish(self) -> tuple[str, list[JsonDict]]:
        self.close()
        if self._open:
            self._fail(f'Can\'t find end tag corresponding to start tag "{self._open[-1][0]}"')
        return "".join(self.parts), self.entities


def parse_html(source: str) -> tuple[str, list[JsonDict]]:
    """Plain text and entities of a parse_mode=HTML text; raises ApiError like Telegram."""
    parser = _Html(source)
    parser.feed(source)
    return parser.finish()


def _strip(text: str, entities: list[JsonDict]) -> tuple[str, list[JsonDict]]:
    """Trim surrounding whitespace as Telegram does, moving entity offsets along."""
    stripped = text.strip()
    lead = len(text) - len(text.lstrip())  # whitespace is BMP: characters == UTF-16 units
    end = utf16_len(stripped)
    kept = []
    for entity in entities:
        start = max(0, entity["offset"] - lead)
        stop = min(end, entity["offset"] + entity["length"] - lead)
        if stop > start:
            kept.append({**entity, "offset": start, "length": stop - start})
    kept.sort(key=lambda e: (e["offset"], -e["length"]))
    return stripped, kept


def _entity_list(value: object) -> list[JsonDict]:
    if value is None:
        return []
    if isinstance(value, list) and all(
        isinstance(e, dict)
        and isinstance(e.get("offset"), int)
        and isinstance(e.get("length"), int)
        for e in value
    ):
        return value
    raise bad_request("can't parse entities JSON object")


def format_text(
    raw: str, parse_mode: str | None, entities: object, *, caption: bool = False
) -> tuple[str, list[JsonDict]]:
    """Validate a text or caption and return its plain form and entities."""
    mode = (parse_mode or "").lower()
    if mode == "html":
        text, found = parse_html(raw)
    elif mode in ("", "markdown", "markdownv2"):  # Markdown is stored unparsed
        text, found = raw, _entity_list(entities)
    else:
        raise bad_request("unsupported parse_mode")
    text, found = _strip(text, found)
    if caption:
        if len(text) > MAX_CAPTION_LENGTH:
            raise bad_request("message caption is too long")
    elif not text:
        raise bad_request("message text is empty")
    elif len(text) > MAX_TEXT_LENGTH:
        raise bad_request("message is too long")
    return text, found


def command_entities(text: str) -> list[JsonDict]:
    return [
        {"type": "bot_command", "offset": utf16_len(text[: m.start()]), "length": utf16_len(m[0])}
        for m in _COMMAND.finditer(text)
    ]


def validate_markup(markup: object) -> JsonDict | None:
    """Check a reply_markup; returns it when it is an inline keyboard (the only kind kept)."""
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    rows = markup.get("inline_keyboard")
    if rows is None:
        return None
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request(
            'field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays'
        )
    for row in rows:
        for button in row:
            if not isinstance(button, dict) or not button.get("text"):
                raise bad_request("text buttons are unallowed in the inline keyboard")
            if not _INLINE_BUTTON_ACTIONS & button.keys():
                raise bad_request("text buttons are unallowed in the inline keyboard")
            data = button.get("callback_data")
            if data is not None and not 1 <= len(str(data).encode()) <= MAX_CALLBACK_DATA_BYTES:
                raise bad_request("BUTTON_DATA_INVALID")
    return markup if any(rows) else None
