"""The intent matcher: normalization, the shipped trigger phrases, answer / guess / none decisions
in several languages, speed with a large FAQ, and accuracy over tests/data/phrasings.toml."""

from __future__ import annotations

import random
import statistics
import time
import tomllib
import unicodedata
from pathlib import Path

import pytest

from benchmarks.intent_accuracy import (
    FAQ_TRIGGERS,
    all_phrases,
    describe,
    load_phrasings,
    score,
    table,
    unseen,
)
from bot.intents import BUILTIN_INTENTS, IntentMatcher, Phrase, builtin_phrases, normalize
from bot.settings import SHIPPED_LANGUAGES


@pytest.fixture(scope="module")
def matcher() -> IntentMatcher:
    return IntentMatcher(all_phrases())


# --- normalize ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Réunion PROCHAINE", "reunion prochaine"),
        ("¿Cuándo es la PRÓXIMA reunión?", "cuando es la proxima reunion"),
        ("  C'est quand ?!  🙂 la réunion… ", "c est quand la reunion"),
        ("Straße", "strasse"),
        ("👍🏽👍", ""),
        ("?!", ""),
        ("programme-status", "programme status"),
        ("٢٠٢٥", "2025"),
    ],
)
def test_normalize_folds_case_accents_and_punctuation(text: str, expected: str) -> None:
    assert normalize(text) == expected


def test_normalize_keeps_hangul_as_syllables() -> None:
    normalized = normalize("다음 회의 언제예요?")
    assert normalized == "다음 회의 언제예요"
    assert all(
        unicodedata.name(char).startswith("HANGUL SYLLABLE") for char in normalized if char != " "
    )


def test_normalize_strips_arabic_diacritics_and_folds_letter_variants() -> None:
    assert normalize("مُسَاعَدَة") == normalize("مساعده") == "مساعده"
    assert normalize("أين الإجتماع؟") == "اين الاجتماع"
    assert normalize("مـسـاعـدة") == "مساعده"  # tatweel
    assert normalize("إلى") == "الي"


def test_normalize_keeps_khmer_vowel_signs_and_subscripts() -> None:
    assert normalize("កិច្ចប្រជុំ។") == "កិច្ចប្រជុំ"
    assert normalize("ជួយ\u200bផង") == "ជួយផង"  # a zero-width space is no word break to keep


# --- the shipped phrases -----------------------------------------------------------------------


def test_every_language_lists_natural_phrases_for_every_intent() -> None:
    phrases = builtin_phrases()
    for language in SHIPPED_LANGUAGES:
        for intent in BUILTIN_INTENTS:
            count = sum(p.language == language and p.intent == intent for p in phrases)
            # Enough ways of asking to cover how people write; few enough to stay reviewable.
            assert 8 <= count <= 40, (language, intent, count)


def test_no_phrase_means_two_things() -> None:
    meaning: dict[str, str] = {}
    for phrase in all_phrases():
        key = normalize(phrase.text)
        assert key, phrase
        assert meaning.setdefault(key, phrase.intent) == phrase.intent, phrase


def test_a_mistyped_intent_name_in_a_phrase_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "fr").mkdir()
    phrases = tmp_path / "fr" / "intents.toml"
    phrases.write_text('event = ["prochaine réunion"]\n', encoding="utf-8")
    with pytest.raises(ValueError, match="unknown key 'event'"):
        builtin_phrases(tmp_path)


# --- decisions ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "text", "intent"),
    [
        ("en", "Whens the NEXT meetin??", "events"),
        ("en", "progress of the programme", "status"),
        ("en", "HELP", "help"),
        ("en", "i want to talk to a human", "contact"),
        ("fr", "Prochaine REUNION", "events"),
        ("fr", "ou en est le programe", "status"),
        ("fr", "commandes", "help"),
        ("fr", "parler a une personne svp", "contact"),
        ("es", "calendario de reuniones", "events"),
        ("es", "Estado Del Proyecto", "status"),
        ("es", "nesecito ayuda", "help"),
        ("es", "quiero hablar con alguien", "contact"),
        ("ar", "متى الاجتماع القادم", "events"),
        ("ar", "حاله المشروع", "status"),
        ("ko", "다음 회의는 언제죠", "events"),
        ("ko", "메뉴 보여주세요", "help"),
        ("km", "ស្ថានភាពគម្រោង", "status"),
        ("en", "Who funds FLRM", "faq:flrm-funder"),
    ],
)
def test_a_clear_question_gets_a_direct_answer(
    matcher: IntentMatcher, language: str, text: str, intent: str
) -> None:
    verdict = matcher.match(text, language)
    assert (verdict.kind, verdict.intents) == ("answer", (intent,)), verdict
    assert 0 <= verdict.score <= 100


def test_a_message_touching_two_intents_gets_buttons_for_both(matcher: IntentMatcher) -> None:
    verdict = matcher.match("meeting with the coordinator", "en")
    assert verdict.kind == "guess", verdict
    assert 2 <= len(verdict.intents) <= 3
    assert {"events", "contact"} <= set(verdict.intents)
    assert len(set(verdict.intents)) == len(verdict.intents)


@pytest.mark.parametrize(
    "text", ["", " ", "?", "a", "ok", "hi", "👍", "banana bread recipe", "asdfgh", "what?"]
)
def test_nothing_fits_gibberish_or_too_short_input(matcher: IntentMatcher, text: str) -> None:
    verdict = matcher.match(text, "en")
    assert (verdict.kind, verdict.intents) == ("none", ()), verdict


@pytest.mark.parametrize("text", ["ok", "?", "hi", "how are you", "what is it"])
def test_short_or_empty_words_are_never_a_confident_answer(
    matcher: IntentMatcher, text: str
) -> None:
    for language in SHIPPED_LANGUAGES:
        assert matcher.match(text, language).kind != "answer", (language, text)


@pytest.mark.parametrize(
    ("language", "text", "intent"),
    [
        ("fr", "who is my coordinator", "contact"),
        ("ko", "when is the next meeting?", "events"),
        ("en", "¿Cuándo es la próxima reunión?", "events"),
        ("ar", "help", "help"),
        ("ru", "programme status", "status"),  # a language with no phrases of its own
    ],
)
def test_a_partner_writing_in_another_language_is_understood(
    matcher: IntentMatcher, language: str, text: str, intent: str
) -> None:
    verdict = matcher.match(text, language)
    assert (verdict.kind, verdict.intents) == ("answer", (intent,)), verdict


def test_phrases_given_at_construction_are_all_it_knows() -> None:
    matcher = IntentMatcher(
        [Phrase("faq:7", "en", "Bonn Challenge"), Phrase("help", "en", "help")], stopwords={}
    )
    assert matcher.match("bonn chalenge?", "en").intents == ("faq:7",)
    assert matcher.match("next meeting", "en").kind == "none"


def test_a_match_among_twenty_thousand_phrases_takes_milliseconds() -> None:
    # 1,000 FAQ entries with 3 triggers in each language, made of the words of that language.
    rng = random.Random(2024)
    words: dict[str, list[str]] = {}
    for phrase in all_phrases():
        words.setdefault(phrase.language, []).extend(normalize(phrase.text).split())
    phrases = all_phrases() + [
        Phrase(f"faq:{entry}", language, " ".join(rng.sample(words[language], rng.randint(2, 6))))
        for entry in range(1000)
        for language in SHIPPED_LANGUAGES
        for _ in range(3)
    ]
    matcher = IntentMatcher(phrases)
    messages = [
        ("when is the next meeting?", "fr"),  # searches French, then every language
        ("asdfgh qwerty", "en"),
        ("다음 회의 언제예요?", "ko"),
        ("ស្ថានភាពកម្មវិធីយ៉ាងម៉េចហើយ", "km"),
    ]
    timings = []
    for text, language in messages * 5:
        start = time.perf_counter()
        matcher.match(text, language)
        timings.append(time.perf_counter() - start)
    # Measured at 1-3 ms; the bound leaves room for a slow CI machine, not for a Python loop.
    assert statistics.median(timings) < 0.025, timings


# --- accuracy over real phrasings --------------------------------------------------------------


def test_the_phrasings_cover_every_language_and_kind_of_answer() -> None:
    phrasings = load_phrasings()
    with FAQ_TRIGGERS.open("rb") as source:
        slugs = set(tomllib.load(source))
    expectable = {*BUILTIN_INTENTS, "none", *(f"faq:{slug}" for slug in slugs)}
    assert len(phrasings) >= 100
    assert all(p.expect in expectable for p in phrasings), [
        p for p in phrasings if p.expect not in expectable
    ]
    for language in SHIPPED_LANGUAGES:
        assert sum(p.language == language for p in phrasings) >= 12, language
    assert sum(p.expect == "none" for p in phrasings) >= 8
    required = {
        ("fr", "c'est quand la prochaine réunion ?", "events"),
        ("en", "when is the next meeting?", "events"),
        ("en", "what is the status of the programme?", "status"),
        ("en", "where are we with the programme?", "status"),
    }
    assert required <= {(p.language, p.text, p.expect) for p in phrasings}


def test_at_least_a_third_of_the_phrasings_are_not_trigger_phrases() -> None:
    phrasings = load_phrasings()
    novel = unseen(phrasings, all_phrases())
    print(f"phrasings not in any trigger list: {len(novel)} of {len(phrasings)}")
    assert len(novel) * 3 >= len(phrasings), f"only {len(novel)} of {len(phrasings)} are new"


def test_accuracy_over_the_phrasings_is_at_least_95_percent(matcher: IntentMatcher) -> None:
    tallies = score(matcher, load_phrasings())
    overall = tallies["all"]
    report = "\n".join(
        [*table(tallies), "misses (a guess with the right intent still counts as a miss):"]
        + [describe(outcome) for outcome in overall.misses]
    )
    print(report)
    assert overall.accuracy >= 95.0, report
