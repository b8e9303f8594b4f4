"""Free-text intents: recognise what a partner's message asks for, in any shipped language.

Built-in intents read their trigger phrases from `locales/<lang>/intents.toml`; FAQ entries bring
their own as intent "faq:<id>". Matching is fuzzy (rapidfuzz) over normalized text, so case,
accents, word order and small typos do not matter. The verdict says whether to answer directly,
offer a few guesses as buttons, or give up.
"""

from __future__ import annotations

import tomllib
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from rapidfuzz import fuzz, process

from bot.i18n import locales_dir

BUILTIN_INTENTS: tuple[str, ...] = ("events", "status", "help", "contact")
# Small talk gets a friendly word and the menu; it is no question for the coordinators.
SMALL_TALK: tuple[str, ...] = ("greeting", "thanks")
# Phrases of what the bot cannot help with: the nearest thing to some questions is "not ours".
OUT_OF_SCOPE = "out_of_scope"
INTENTS_FILE = "intents.toml"

# Scores are 0-100. On the phrasings test set the right intent scores 75 or more (a typo, a
# particle or extra words cost 10-25 points) and the best wrong one 70 or less: 72 is between.
# An answer must also lead the runner-up by a clear margin: two intents almost level mean the
# message touches both, so the partner chooses (any margin from 5 to 15 does as well; 10).
ANSWER_SCORE = 72.0
ANSWER_MARGIN = 10.0
# Off-topic messages ("banana bread recipe", "thanks", "bonne journée") score 65 at most.
GUESS_SCORE = 65.0
THIRD_GUESS_GAP = 10.0  # a third button only when nearly as good as the second
# "?", "ok", "hi" mean nothing. Counted in decomposed letters, so a two-syllable Korean word
# (5-6 jamo) is long enough while two Latin letters are not.
MIN_LETTERS = 3
CANDIDATES = 40  # phrases kept per search: enough to see past one intent's many near phrases
# Khmer has no spaces between words and Korean glues particles to them, so a phrase inside a
# longer message is invisible to word-based scoring: in those scripts the best-aligned substring
# finds it, at a discount. Not in spaced scripts, where a short message turns up inside
# unrelated words ("test" in "latest").
GLUED_SCRIPTS = frozenset({"KHMER", "HANGUL"})
CONTAINED_WEIGHT = 0.9
CONTAINED_MIN_CHARS = 4

# Marks on letters of these scripts are accents or optional vowel signs; elsewhere (Khmer) they
# are the vowels themselves.
_ACCENTED_SCRIPTS = ("LATIN", "GREEK", "CYRILLIC", "ARABIC")
# Arabic letters written interchangeably (alef maqsura / yaa, taa marbuta / haa) and the tatweel.
_ARABIC_FOLDS = str.maketrans({"ى": "ي", "ة": "ه", "ـ": None})
_NO_SCRIPT = "COMMON"


@dataclass(frozen=True)
class Phrase:
    intent: str  # a built-in intent name or "faq:<id>" for an FAQ entry
    language: str  # shipped language code
    text: str


@dataclass(frozen=True)
class Verdict:
    kind: Literal["answer", "guess", "none"]
    intents: tuple[str, ...]  # answer: exactly one; guess: 2-3, best first; none: ()
    score: float  # best score 0-100


def _intent_tables(directory: Path | None) -> dict[str, dict[str, list[str]]]:
    tables: dict[str, dict[str, list[str]]] = {}
    for path in sorted((directory or locales_dir()).glob(f"*/{INTENTS_FILE}")):
        with path.open("rb") as source:
            table = tomllib.load(source)
        for key, value in table.items():
            if key not in (*BUILTIN_INTENTS, *SMALL_TALK, OUT_OF_SCOPE, "stopwords"):
                raise ValueError(f"{path}: unknown key {key!r}")
            if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
                raise ValueError(f"{path}: {key} must be a list of strings")
        tables[path.parent.name] = table
    return tables


def builtin_phrases(
    directory: Path | None = None, intents: tuple[str, ...] = (*BUILTIN_INTENTS, *SMALL_TALK)
) -> list[Phrase]:
    """Read locales/<lang>/intents.toml for every language that has one: the phrases of the
    built-in intents and small talk, or of `intents` (e.g. (OUT_OF_SCOPE,))."""
    return [
        Phrase(intent, language, text)
        for language, table in _intent_tables(directory).items()
        for intent in intents
        for text in table.get(intent, [])
    ]


def builtin_stopwords(directory: Path | None = None) -> dict[str, frozenset[str]]:
    """The normalized `stopwords` of every language's intents.toml."""
    return {
        language: frozenset(normalize(" ".join(table.get("stopwords", []))).split())
        for language, table in _intent_tables(directory).items()
    }


def normalize(text: str) -> str:
    """Case-fold, strip accents and diacritics, drop punctuation and emoji, collapse spaces."""
    kept: list[str] = []
    base = ""
    for char in unicodedata.normalize("NFKD", text.casefold()):
        category = unicodedata.category(char)
        if category[0] == "M":
            if base.isalpha() and not unicodedata.name(base, "").startswith(_ACCENTED_SCRIPTS):
                kept.append(char)
        elif category[0] in "LN":
            base = char
            kept.append(str(unicodedata.digit(char)) if category == "Nd" else char)
        elif category != "Cf":  # zero-width (non-)joiners and spaces join; all else separates
            base = ""
            kept.append(" ")
    # NFKD split Hangul syllables into jamo; NFC puts them back together.
    joined = unicodedata.normalize("NFC", "".join(kept)).translate(_ARABIC_FOLDS)
    return " ".join(joined.split())


def _letters(text: str) -> int:
    return len(unicodedata.normalize("NFD", text).replace(" ", ""))


def _script(char: str) -> str:
    """A letter's writing system ("LATIN", "HANGUL", "KHMER"...); COMMON for anything else."""
    return unicodedata.name(char, _NO_SCRIPT).split()[0] if char.isalpha() else _NO_SCRIPT


def _main_script(text: str) -> str:
    counts = Counter(_script(char) for char in text if char.isalpha())
    return counts.most_common(1)[0][0] if counts else _NO_SCRIPT


def with_proclitics(pattern: str) -> str:
    """A regex for Arabic words (`pattern`, escaped) with what may be glued to their front:
    و or ف (and, so), then ب, ك or ل (in, like, for); ل before the article drops its alef
    ("للمغرب" for ل + "المغرب")."""
    forms = [f"[وف]?[بكل]?{pattern}"]
    if pattern.startswith("ال"):
        forms.append(f"[وف]?ل{pattern[1:]}")
    return f"(?:{'|'.join(forms)})"


def _key(normalized: str, stopwords: frozenset[str]) -> tuple[str, bool]:
    """The text to match on, and whether it must resemble a phrase as a whole.

    Question words and articles are shared by every intent, so they are dropped before matching:
    left in, "when is the training" looks like "when is the meeting". A text made only of them
    ("what can you do", "how are you") keeps them, and must then resemble a whole phrase: as a
    fragment it would match any phrase with a question word.
    """
    content = " ".join(token for token in normalized.split() if token not in stopwords)
    return (normalized, True) if _letters(content) < MIN_LETTERS else (content, False)


def _sorted_words(text: str) -> str:
    return " ".join(sorted(set(text.split())))


class _Pool:
    """Phrases of one language in one script, indexed for a fast search."""

    def __init__(self, glued: bool) -> None:
        self.glued = glued  # written in one of GLUED_SCRIPTS
        self.keys: list[str] = []
        self.intents: list[str] = []
        self.sorted_keys: list[str] = []
        self.postings: dict[str, list[int]] = {}  # word -> indexes of the keys that have it

    def add(self, key: str, intent: str) -> None:
        for word in set(key.split()):
            self.postings.setdefault(word, []).append(len(self.keys))
        self.keys.append(key)
        self.intents.append(intent)
        self.sorted_keys.append(_sorted_words(key))

    def score(self, key: str, whole: bool, best: dict[str, float]) -> None:
        """Raise each intent's score in `best` to that of its best phrase here."""
        # The score is word-set similarity (token_set_ratio): word order and extra words do not
        # matter, typos cost a little. It is slow for every phrase, but differs from the
        # similarity of the sorted words only when the two share a word: so the best phrases
        # are among the nearest sorted keys and the keys sharing a word.
        words = _sorted_words(key)
        found = process.extract(words, self.sorted_keys, scorer=fuzz.ratio, limit=CANDIDATES)
        if not whole:
            shortlist = {index for *_, index in found}.union(
                *(self.postings.get(word, ()) for word in words.split())
            )
            choices = {index: self.keys[index] for index in shortlist}
            found = process.extract(key, choices, scorer=fuzz.token_set_ratio, limit=CANDIDATES)
        for _, score, index in found:
            phrase = self.keys[index]
            if self.glued and not whole and CONTAINED_MIN_CHARS <= len(phrase) <= len(key):
                score = max(score, CONTAINED_WEIGHT * fuzz.partial_ratio(key, phrase))
            intent = self.intents[index]
            best[intent] = max(best.get(intent, 0.0), score)


def _decide(scores: Mapping[str, float]) -> Verdict:
    ranked = sorted(scores.items(), key=lambda item: item[1], reverse=True)
    if not ranked or ranked[0][1] < GUESS_SCORE:
        return Verdict("none", (), ranked[0][1] if ranked else 0.0)
    (best_intent, best), *rest = ranked
    runner_up = rest[0][1] if rest else 0.0
    if best >= ANSWER_SCORE and best - runner_up >= ANSWER_MARGIN:
        return Verdict("answer", (best_intent,), best)
    guesses = [intent for intent, _ in ranked[:2]]
    if len(ranked) > 2 and ranked[2][1] >= max(GUESS_SCORE, runner_up - THIRD_GUESS_GAP):
        guesses.append(ranked[2][0])
    return Verdict("guess", tuple(guesses), best)


class IntentMatcher:
    """Matches messages against a fixed set of phrases, normalized and indexed once."""

    def __init__(
        self, phrases: Iterable[Phrase], stopwords: Mapping[str, frozenset[str]] | None = None
    ) -> None:
        """`stopwords` per language default to those of the shipped intents.toml files."""
        self._stopwords = dict(builtin_stopwords() if stopwords is None else stopwords)
        self._any_stopword = frozenset[str]().union(*self._stopwords.values())
        self._pools: dict[tuple[str, str], _Pool] = {}
        for phrase in phrases:
            stopwords_here = self._stopwords.get(phrase.language, frozenset())
            key, _ = _key(normalize(phrase.text), stopwords_here)
            if key:
                script = _main_script(key)
                pool = self._pools.get((phrase.language, script))
                if pool is None:
                    pool = self._pools[phrase.language, script] = _Pool(script in GLUED_SCRIPTS)
                pool.add(key, phrase.intent)

    def match(self, text: str, language: str) -> Verdict:
        """Search the partner's language first; if nothing there is good enough, search every
        language (a French partner may write in English)."""
        normalized = normalize(text)
        if _letters(normalized) < MIN_LETTERS:
            return Verdict("none", (), 0.0)
        best: dict[str, float] = {}
        self._score(normalized, language, best, own=True)
        verdict = _decide(best)
        if verdict.kind == "answer":
            return verdict
        self._score(normalized, language, best, own=False)
        return _decide(best)

    def _score(self, normalized: str, language: str, best: dict[str, float], *, own: bool) -> None:
        """Raise `best` from the pools of the partner's language (own) or of the others."""
        # A message can only resemble phrases written in one of its own scripts.
        scripts = {_NO_SCRIPT, *map(_script, normalized)}
        stopwords = self._stopwords.get(language, frozenset()) if own else self._any_stopword
        key, whole = _key(normalized, stopwords)
        for (pool_language, script), pool in self._pools.items():
            if (pool_language == language) == own and script in scripts:
                pool.score(key, whole, best)
