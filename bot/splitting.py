"""Splitting long HTML messages into chunks that Telegram accepts.

Telegram rejects a message longer than 4096 characters. `split_html` cuts a message written in
Telegram's HTML parse mode into chunks that each fit: between lines where it can, between words
when a single line is too long, and inside a word only as a last resort, never inside a tag or
an entity. Tags open at a cut are closed at the end of the chunk and re-opened, attributes and
all, at the start of the next, so every chunk is valid markup on its own.

Length is measured on the HTML source, in UTF-16 code units (Telegram's unit for text offsets;
an emoji may count as two): never less than the parsed text's length in characters, so a chunk
that fits here fits there.
"""

from __future__ import annotations

import enum
import re
import unicodedata
from dataclasses import dataclass

MESSAGE_LIMIT = 4096

_ATTRIBUTES = r"(?:\"[^\"]*\"|'[^']*'|[^'\">])*"
_TOKEN = re.compile(
    rf"(?P<tag></?[A-Za-z][\w-]*{_ATTRIBUTES}>)"
    r"|(?P<entity>&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);)"
)
_TAG_NAME = re.compile(r"</?([A-Za-z][\w-]*)")
_EMPTY_ELEMENT = re.compile(rf"<([A-Za-z][\w-]*)(?:\s{_ATTRIBUTES})?></\1>")
_LEADING_BLANK_LINES = re.compile(r"\A(?:[ \t]*\n)+")
_TRAILING_BLANK_LINES = re.compile(r"(?:\n[ \t]*)+\Z")

_SPACES = frozenset(" \t\u200b")  # U+200B separates words in Khmer, Thai, Lao and Burmese
# Characters that must stay with their neighbour: a zero-width joiner or an emoji skin tone
# belongs to the character before it; the Khmer coeng (subscript sign) to the one after it.
_GLUED_TO_PREVIOUS = frozenset("\u200d\U0001f3fb\U0001f3fc\U0001f3fd\U0001f3fe\U0001f3ff")
_GLUED_TO_NEXT = frozenset("\u200d\u17d2")


class _Kind(enum.Enum):
    CHAR = enum.auto()
    SPACE = enum.auto()
    NEWLINE = enum.auto()
    ENTITY = enum.auto()
    OPEN = enum.auto()
    CLOSE = enum.auto()
    OTHER_TAG = enum.auto()  # self-closing: changes nothing


class _Break(enum.IntEnum):
    """Where a chunk may end, from the last resort to the best place."""

    ANYWHERE = 0
    INSIDE_WORD = 1
    BETWEEN_WORDS = 2
    BETWEEN_LINES = 3


@dataclass(frozen=True, slots=True)
class _Unit:
    """A piece of the source that is never cut: one character, one entity or one tag."""

    text: str
    kind: _Kind
    size: int
    name: str = ""  # the tag's name, for OPEN and CLOSE


_Stack = tuple[_Unit, ...]  # the OPEN units not yet closed, outermost first


def split_html(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Cut `text` into chunks of at most `limit` characters, each valid HTML on its own.

    Raises ValueError if `limit` cannot hold the tags open at some cut plus one character.
    """
    if limit < 1:
        raise ValueError(f"limit must be positive, not {limit}")
    if _size(text) <= limit:
        return [text]
    units = _tokenize(text)
    while units and units[-1].kind in (_Kind.SPACE, _Kind.NEWLINE):
        units.pop()
    chunks: list[str] = []
    stack: _Stack = ()
    start = _skip_blank_lines(units, 0)
    while start < len(units):
        end, end_stack = _chunk_end(units, start, stack, limit)
        chunk = _render(stack, units[start:end], end_stack)
        if chunk:
            chunks.append(chunk)
        stack = end_stack
        start = _next_start(units, end)
    return chunks


def _size(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _tokenize(text: str) -> list[_Unit]:
    units: list[_Unit] = []
    position = 0
    for match in _TOKEN.finditer(text):
        units.extend(_character(char) for char in text[position : match.start()])
        units.append(_markup(match.group(), is_tag=match.group("tag") is not None))
        position = match.end()
    units.extend(_character(char) for char in text[position:])
    return units


def _character(char: str) -> _Unit:
    kind = _Kind.NEWLINE if char == "\n" else _Kind.SPACE if char in _SPACES else _Kind.CHAR
    return _Unit(char, kind, _size(char))


def _markup(source: str, *, is_tag: bool) -> _Unit:
    if not is_tag:
        return _Unit(source, _Kind.ENTITY, _size(source))
    name_match = _TAG_NAME.match(source)
    assert name_match is not None  # _TOKEN only matches tags that start with a name
    closing, self_closing = source.startswith("</"), source.endswith("/>")
    kind = _Kind.CLOSE if closing else _Kind.OTHER_TAG if self_closing else _Kind.OPEN
    return _Unit(source, kind, _size(source), name_match.group(1).lower())


def _after(stack: _Stack, unit: _Unit) -> _Stack:
    if unit.kind is _Kind.OPEN:
        return (*stack, unit)
    if unit.kind is _Kind.CLOSE:
        for depth in range(len(stack) - 1, -1, -1):
            if stack[depth].name == unit.name:
                return stack[:depth]
    return stack


def _closers(stack: _Stack) -> str:
    return "".join(f"</{unit.name}>" for unit in reversed(stack))


def _chunk_end(units: list[_Unit], start: int, stack: _Stack, limit: int) -> tuple[int, _Stack]:
    """The best place to end a chunk that starts at `start`, and the tags open there."""
    used = sum(unit.size for unit in stack)  # the re-opened tags
    closing = len(_closers(stack))
    best: dict[_Break, tuple[int, _Stack]] = {}
    first_line = True  # only a chunk's first line may be cut: later ones go whole or not at all
    visible = False  # whether the current line has text, so that cutting after it is useful
    index = start
    while True:
        if index > start and used + closing <= limit:
            if index == len(units):
                return index, stack
            where = _break_at(units[index - 1], units[index], visible, first_line)
            if where is not None:
                best[where] = (index, stack)
        if index == len(units):
            break
        unit = units[index]
        used += unit.size
        if used > limit:
            break
        if unit.kind in (_Kind.OPEN, _Kind.CLOSE):
            stack = _after(stack, unit)
            closing = len(_closers(stack))
        elif unit.kind is _Kind.NEWLINE:
            # A line with nothing to read (say, only "</b>") belongs with the next one.
            first_line, visible = first_line and not visible, False
        elif unit.kind in (_Kind.CHAR, _Kind.ENTITY):
            visible = True
        index += 1
    if not best:
        raise ValueError(f"a limit of {limit} cannot hold the open tags and one character")
    return best[max(best)]


def _break_at(before: _Unit, after: _Unit, visible: bool, first_line: bool) -> _Break | None:
    if after.kind is _Kind.NEWLINE:
        return _Break.BETWEEN_LINES if visible else None
    if not first_line:
        return None
    word_end = before.kind in (_Kind.CHAR, _Kind.ENTITY, _Kind.CLOSE)
    if word_end and after.kind is _Kind.SPACE:
        return _Break.BETWEEN_WORDS
    if (
        word_end
        and after.kind in (_Kind.CHAR, _Kind.ENTITY, _Kind.OPEN)
        and not _glued(before, after)
    ):
        return _Break.INSIDE_WORD
    return _Break.ANYWHERE


def _glued(before: _Unit, after: _Unit) -> bool:
    if after.kind is _Kind.CHAR and (
        after.text in _GLUED_TO_PREVIOUS or unicodedata.category(after.text).startswith("M")
    ):
        return True
    return before.kind is _Kind.CHAR and before.text in _GLUED_TO_NEXT


def _skip_blank_lines(units: list[_Unit], index: int) -> int:
    while True:
        probe = index
        while probe < len(units) and units[probe].kind is _Kind.SPACE:
            probe += 1
        if probe < len(units) and units[probe].kind is _Kind.NEWLINE:
            index = probe + 1
        else:
            return index


def _next_start(units: list[_Unit], end: int) -> int:
    """Where the chunk after one ending at `end` starts: the spaces or newline cut at go."""
    while end < len(units) and units[end].kind is _Kind.SPACE:
        end += 1
    if end < len(units) and units[end].kind is _Kind.NEWLINE:
        return _skip_blank_lines(units, end + 1)
    return end


def _render(stack: _Stack, body: list[_Unit], end_stack: _Stack) -> str:
    chunk = "".join(unit.text for unit in (*stack, *body)) + _closers(end_stack)
    # A cut next to a tag can leave an element with nothing in it, such as <b></b>.
    emptied = 1
    while emptied:
        chunk, emptied = _EMPTY_ELEMENT.subn("", chunk)
    chunk = _LEADING_BLANK_LINES.sub("", chunk)
    return _TRAILING_BLANK_LINES.sub("", chunk)
