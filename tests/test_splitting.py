"""Splitting long HTML messages: chunks fit, lines stay whole, markup stays valid in each chunk."""

from __future__ import annotations

import itertools
import random
import re
import unicodedata
from html.parser import HTMLParser

import pytest

from bot.splitting import MESSAGE_LIMIT, split_html

TAG = re.compile(r"<[^<>]*>")
ENTITY = re.compile(r"&(?:#[0-9]+|#x[0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")


class _Reader(HTMLParser):
    """Reads a chunk as Telegram would: checks that tags balance, and records each visible
    character with the tags (and their attributes) around it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.styled: list[tuple[str, tuple[str, ...]]] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.open.append(tag + "".join(f" {name}={value}" for name, value in attrs))

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open[-1].split(" ")[0] != tag:
            self.errors.append(f"</{tag}> closes {self.open[-1:]}")
        else:
            self.open.pop()

    def handle_data(self, data: str) -> None:
        self.styled.extend((char, tuple(self.open)) for char in data)


def read(chunk: str) -> _Reader:
    reader = _Reader()
    reader.feed(chunk)
    reader.close()
    return reader


def assert_well_formed(chunk: str) -> None:
    reader = read(chunk)
    assert reader.errors == [], chunk
    assert reader.open == [], f"unclosed {reader.open} in {chunk!r}"
    # Every "<" starts a whole tag and every "&" a whole entity: nothing was cut in half.
    assert chunk.count("<") == len(TAG.findall(chunk)), chunk
    assert chunk.count("&") == len(ENTITY.findall(chunk)), chunk


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def assert_fits(chunks: list[str], limit: int) -> None:
    assert chunks
    for chunk in chunks:
        assert 0 < utf16_length(chunk) <= limit, chunk
        assert chunk.strip() != ""
        assert not chunk.startswith("\n")
        assert not chunk.endswith("\n")
        assert_well_formed(chunk)


def visible(text: str) -> list[tuple[str, tuple[str, ...]]]:
    """The non-blank characters a reader sees, each with its formatting."""
    return [(char, tags) for char, tags in read(text).styled if not char.isspace()]


def test_short_text_is_returned_unchanged() -> None:
    text = "<b>Hello</b>\n\n  indented &amp; <i>more</i>\n"
    assert split_html(text) == [text]
    assert split_html("x" * MESSAGE_LIMIT) == ["x" * MESSAGE_LIMIT]


def test_long_list_splits_between_lines() -> None:
    lines = [f"{n}. Restoration site {n}: {'ok ' * (n % 17)}".rstrip() for n in range(210)]
    text = "\n".join(lines)
    assert len(text) > 10_000
    chunks = split_html(text)
    assert len(chunks) == 3
    assert_fits(chunks, MESSAGE_LIMIT)
    assert "\n".join(chunks).split("\n") == lines
    # Greedy: a chunk ends only when the next line would not have fit.
    for chunk, after in itertools.pairwise(chunks):
        assert len(chunk) + 1 + len(after.split("\n")[0]) > MESSAGE_LIMIT


def test_bold_spanning_a_split_is_closed_and_reopened() -> None:
    text = "<b>" + "\n".join(f"bold line {n}" for n in range(8)) + "</b>\nplain"
    chunks = split_html(text, limit=50)
    assert chunks == [
        "<b>bold line 0\nbold line 1\nbold line 2</b>",
        "<b>bold line 3\nbold line 4\nbold line 5</b>",
        "<b>bold line 6\nbold line 7</b>\nplain",
    ]
    assert_fits(chunks, 50)


def test_blockquote_spanning_a_split_is_closed_and_reopened() -> None:
    text = (
        "<blockquote>Quoted opinion from the partner meeting.\n"
        "Second line of the quote.</blockquote>\nReply"
    )
    assert split_html(text, limit=50) == [
        "<blockquote>Quoted opinion from the</blockquote>",
        "<blockquote>partner meeting.</blockquote>",
        "<blockquote>Second line of the quote.</blockquote>",
        "Reply",
    ]


def test_blockquote_and_link_are_reopened_with_their_attributes() -> None:
    link = '<a href="https://example.org/?a=1&amp;b=2">'
    text = f"<blockquote>{link}" + "\n".join(f"quoted {n}" for n in range(6)) + "</a></blockquote>"
    chunks = split_html(text, limit=90)
    assert len(chunks) > 1
    assert_fits(chunks, 90)
    for chunk in chunks:
        assert chunk.startswith(f"<blockquote>{link}quoted")
        assert chunk.endswith("</a></blockquote>")
    assert visible("".join(chunks)) == visible(text)


def test_blank_lines_at_a_split_are_dropped() -> None:
    text = "\n\n  \nfirst line here\n\n\n  \nsecond line here\n\n"
    assert split_html(text, limit=20) == ["first line here", "second line here"]
    # Blank lines inside a chunk are kept.
    assert split_html("one\n\ntwo\n" + "x" * 20, limit=20) == ["one\n\ntwo", "x" * 20]


def test_a_very_long_line_splits_between_words() -> None:
    words = [f"word{n % 97}" for n in range(1310)]
    line = " ".join(words)
    assert 9_000 <= len(line) <= 9_500
    chunks = split_html(f"Intro\n{line}\nOutro")
    assert_fits(chunks, MESSAGE_LIMIT)
    assert chunks[0] == "Intro"  # the long line starts its own chunk
    assert chunks[-1].endswith("\nOutro")
    assert " ".join(chunks[1:]).removesuffix("\nOutro") == line
    for chunk in chunks:
        assert chunk == chunk.strip(" ")


def test_words_across_a_split_stay_whole_at_small_limits() -> None:
    text = "The partners met in <i>Kampong Thom</i> to plan the next season of planting"
    chunks = split_html(text, limit=25)
    assert_fits(chunks, 25)
    assert chunks[:2] == ["The partners met in", "<i>Kampong Thom</i> to"]
    assert " ".join(chunks) == text


def test_a_line_without_spaces_never_splits_an_entity_or_tag() -> None:
    text = "ab&amp;c<i>d&lt;e</i>&#128512;" * 40
    for limit in range(12, 40):
        chunks = split_html(text, limit=limit)
        assert_fits(chunks, limit)
        assert visible("".join(chunks)) == visible(text)


def test_khmer_without_spaces_is_not_cut_inside_a_cluster() -> None:
    text = "ការស្តារទេសភាពព្រៃឈើ" * 30
    chunks = split_html(text, limit=16)
    assert_fits(chunks, 16)
    assert "".join(chunks) == text
    for chunk in chunks:
        assert not unicodedata.category(chunk[0]).startswith("M"), chunk
        assert not chunk.endswith("\u17d2"), chunk


def test_khmer_zero_width_spaces_are_word_breaks() -> None:
    text = "\u200b".join(["ព្រៃឈើ", "សហគមន៍", "ទេសភាព"] * 10)
    chunks = split_html(text, limit=20)
    assert_fits(chunks, 20)
    assert "\u200b".join(chunks) == text
    for chunk in chunks:
        assert chunk == chunk.strip("\u200b")


def test_length_is_counted_in_utf16_units() -> None:
    chunks = split_html("🌳" * 30, limit=20)  # each tree is two UTF-16 code units
    assert chunks == ["🌳" * 10] * 3


def test_limit_too_small_for_the_markup_is_an_error() -> None:
    text = '<a href="https://example.org/a/long/path">' + "link text " * 10 + "</a>"
    with pytest.raises(ValueError, match="cannot hold"):
        split_html(text, limit=45)
    assert split_html(text, limit=50)[0] == '<a href="https://example.org/a/long/path">link</a>'
    with pytest.raises(ValueError, match="positive"):
        split_html(text, limit=0)


_TAGS = [
    ("<b>", "</b>"),
    ("<i>", "</i>"),
    ("<u>", "</u>"),
    ("<code>", "</code>"),
    ("<tg-spoiler>", "</tg-spoiler>"),
    ("<blockquote>", "</blockquote>"),
    ('<a href="https://e.org/?q=1&amp;r=2">', "</a>"),
]
_WORDS = ["forest", "ព្រៃឈើ", "غابة", "숲", "&amp;", "&lt;tag&gt;", "🌳", "a", "restoration"]


def random_message(rng: random.Random) -> str:
    """Lines of words, blank lines, long lines, unbroken runs and nested tags across lines."""
    parts: list[str] = []
    open_tags: list[str] = []
    for _ in range(rng.randint(1, 300)):
        roll = rng.random()
        if roll < 0.08 and len(open_tags) < 3:
            opening, closing = rng.choice(_TAGS)
            if closing not in open_tags:
                parts.append(opening)
                open_tags.append(closing)
        elif roll < 0.16 and open_tags:
            parts.append(open_tags.pop())
        elif roll < 0.26:
            parts.append("\n" * rng.choice([1, 1, 1, 2, 3]))
        elif roll < 0.28:
            parts.append("x" * rng.randint(20, 200))  # a word longer than the limit
        else:
            parts.append(rng.choice(_WORDS) + rng.choice([" ", " ", " ", ""]))
    parts.extend(reversed(open_tags))
    return "".join(parts)


def readable_lines(text: str) -> list[tuple[str, int]]:
    """Each line with text in it, without its tags, and the line's full length."""
    lines = [(TAG.sub("", line).strip(), utf16_length(line)) for line in text.split("\n")]
    return [(line, length) for line, length in lines if line]


@pytest.mark.parametrize("seed", range(500))
def test_random_messages_keep_every_invariant(seed: int) -> None:
    rng = random.Random(seed)
    text = random_message(rng)
    limit = rng.randint(100, 400)  # room for three nested tags and a character
    chunks = split_html(text, limit)
    if utf16_length(text) <= limit:
        assert chunks == [text]
        return
    assert_fits(chunks, limit)
    # Nothing lost, nothing added, nothing reordered, formatting unchanged.
    assert visible("".join(chunks)) == visible(text)
    # A line that fits whole in a chunk is never broken.
    chunk_lines = {line for chunk in chunks for line, _ in readable_lines(chunk)}
    for line, length in readable_lines(text):
        if length + 100 <= limit:  # room for any re-opened tags
            assert line in chunk_lines, line
