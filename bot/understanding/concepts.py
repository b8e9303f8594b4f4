"""The things partners' questions and the partnership's texts talk about (seedlings, fences,
allowances, postponed meetings), named the same in every language: a Khmer question and an FAQ
answer written only in English share concepts where they share no letters, and the small
model's sense of meaning across scripts is weak.

Each language's words for each concept live in `locales/<lang>/concepts.toml`, as stems that
match at the start of a word ("reimburs" in "reimbursement"); an Arabic word also after its
article and the conjunctions and prepositions glued to it ("والشتلات"); a Khmer or Korean one
anywhere, since Khmer is written without spaces and Korean joins nouns into compounds. Every
language's words are looked for in every text, so a Khmer question with an English word in it
("meeting") is read too.
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from bot.i18n import locales_dir
from bot.intents import normalize

CONCEPTS_FILE = "concepts.toml"
_LATIN = re.compile(r"[a-z0-9]")
_ARABIC = re.compile(r"[\u0600-\u06ff]")
_NOTHING = "(?!)"
_ARABIC_FRONT = "[وف]?[بكل]?(?:ال|ل)?"  # and, so; in, like, for; the article ("لل" after ل)


class Glossary:
    def __init__(self, words: Iterable[tuple[str, str]]) -> None:
        """`words`: (concept, word) pairs, in any language."""
        self._concepts: dict[str, set[str]] = {}
        for concept, word in words:
            key = normalize(word)
            if key:
                self._concepts.setdefault(key, set()).add(concept)
        latin = _trie(w for w in self._concepts if _LATIN.match(w))
        arabic = _trie(w for w in self._concepts if _ARABIC.match(w))
        glued = _trie(w for w in self._concepts if not _LATIN.match(w) and not _ARABIC.match(w))
        starting = [f"(?P<latin>{latin})" if latin else "",
                    f"{_ARABIC_FRONT}(?P<arabic>{arabic})" if arabic else ""]  # fmt: skip
        self._starting = re.compile("|".join(a for a in starting if a) or _NOTHING)
        self._anywhere = re.compile(glued or _NOTHING)
        # An edit rebuilds the index from every text: only new ones are read again.
        self.of_normalized = functools.lru_cache(maxsize=1 << 16)(self._find)

    def of(self, text: str) -> frozenset[str]:
        """The concepts `text` mentions."""
        return self.of_normalized(normalize(text))

    def _find(self, key: str) -> frozenset[str]:
        found: set[str] = set()
        end = 0
        for start in (0, *(n + 1 for n, char in enumerate(key) if char == " ")):
            match = self._starting.match(key, start) if start >= end else None
            if match:  # words tried one by one: a pattern tried at every letter is 4x slower
                found |= self._concepts[match.group(match.lastgroup or 0)]
                end = match.end()
        for match in self._anywhere.finditer(key):
            found |= self._concepts[match.group()]
        return frozenset(found)


def _trie(words: Iterable[str]) -> str:
    """One pattern for many words, as a tree of their letters: a text is read once, not once
    per word (thousands of them), and the longest word wins where several begin at one place
    ("young tree" over "tree")."""
    tree: dict[str, Any] = {}
    for word in words:
        node = tree
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}
    return _branches(tree) if tree else ""


def _branches(node: dict[str, Any]) -> str:
    ends = "" in node
    options = [re.escape(char) + _branches(child) for char, child in sorted(node.items()) if char]
    if not options:
        return ""
    body = options[0] if len(options) == 1 else "(?:" + "|".join(options) + ")"
    return f"(?:{body})?" if ends else body


@functools.cache
def shipped_glossary(directory: Path | None = None) -> Glossary:
    """Every shipped language's words, from locales/*/concepts.toml."""
    pairs = []
    for path in sorted((directory or locales_dir()).glob(f"*/{CONCEPTS_FILE}")):
        with path.open("rb") as source:
            table = tomllib.load(source)
        for concept, words in table.items():
            if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
                raise ValueError(f"{path}: {concept} must be a list of words")
            pairs += [(concept, word) for word in words]
    return Glossary(pairs)
