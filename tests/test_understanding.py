"""Understanding by meaning, piece by piece: time windows and names a question narrows to in
every shipped language, names that are someone else's business, grouping questions, the
embedder setting, and an FAQ entry joining every replica's index at once."""

from __future__ import annotations

import gc
import time
import tomllib
from datetime import date

import numpy as np
import pytest

from bot.content import apply_content, read_content_file
from bot.i18n import locales_dir
from bot.intents import OUT_OF_SCOPE, builtin_phrases
from bot.ops.stalls import StallWatch
from bot.settings import SHIPPED_LANGUAGES, ConfigError, Settings, load_settings
from bot.understanding import EVENT, FAQ, Reading, Understanding, windows
from bot.understanding.clusters import group
from bot.understanding.concepts import CONCEPTS_FILE, Glossary
from bot.understanding.corpus import PROGRAMME_PARTS, Text, asking_phrases, programme_texts
from bot.understanding.embedding import load_embedder
from bot.understanding.index import Evidence, Index, _closer
from bot.understanding.names import Named, Names
from bot.understanding.service import Weighed, _core
from bot.understanding.verdict import Verdict, decide
from bot.understanding.windows import find_window
from storage.database import Database
from storage.models import Event, FaqEntry, Landscape, Programme
from tests.support.bot import EXAMPLE_CONTENT
from tests.support.embedders import LetterTriples

MONDAY = date(2026, 12, 7)


@pytest.mark.parametrize(
    ("language", "text", "name", "start", "end"),
    [
        ("en", "any meeting next week?", "next_week", date(2026, 12, 14), date(2026, 12, 21)),
        ("en", "anything happening this month?", "this_month", MONDAY, date(2027, 1, 1)),
        ("en", "something in the next three days", "days:3", MONDAY, date(2026, 12, 11)),
        ("en", "any meetings in the next 2 weeks", "days:14", MONDAY, date(2026, 12, 22)),
        ("ko", "향후 2주간 회의 일정 좀요", "days:14", MONDAY, None),
        ("fr", "quoi de prevu les 3 prochaines semaines", "days:21", MONDAY, None),
        ("en", "may I ask about the meeting", None, None, None),  # "may" is no month here
        ("fr", "une réunion demain ?", "tomorrow", date(2026, 12, 8), date(2026, 12, 9)),
        ("fr", "quoi de prévu en mars", "month:3", date(2027, 3, 1), date(2027, 4, 1)),
        ("es", "hay algo hoy en la mañana", "today", MONDAY, date(2026, 12, 8)),
        ("es", "el mes que viene hay taller?", "next_month", date(2027, 1, 1), date(2027, 2, 1)),
        ("ar", "واش كاين اجتماع الأسبوع الجاي", "next_week", date(2026, 12, 14), None),
        ("ar", "شي ندوة ف دجنبر", "month:12", MONDAY, date(2027, 1, 1)),
        # An Arabic proclitic glued to the window: ف, ب, and ل + the article (لل).
        ("ar", "فالأسبوع الجاي كاين شي اجتماع", "next_week", date(2026, 12, 14), None),
        ("ar", "شي ندوة فدجنبر", "month:12", MONDAY, date(2027, 1, 1)),
        ("ar", "شي اجتماع للأسبوع القادم", "next_week", date(2026, 12, 14), None),
        ("ar", "مكتب بغداد", None, None, None),  # "غدا" (tomorrow) inside a word is none
        ("ar", "المواعيد في التلت ايام الجاية", "days:3", MONDAY, date(2026, 12, 11)),  # spoken
        ("km", "សប្តាហ៍ក្រោយមានប្រជុំទេ", "next_week", date(2026, 12, 14), None),
        ("km", "ចុងសប្តាហ៍នេះមានអីទេ", "this_weekend", date(2026, 12, 12), date(2026, 12, 14)),
        ("km", "៣ថ្ងៃខាងមុខ មានប្រជុំទេ", "days:3", MONDAY, None),
        ("ko", "담주 회의 있음?", "next_week", date(2026, 12, 14), None),
        ("ko", "11월에 행사 있나요", "month:11", date(2027, 11, 1), date(2027, 12, 1)),
        ("ko", "1월 행사", "month:1", date(2027, 1, 1), None),  # not taken for 11월's "1월"
        # Slips: nearly the letters of a window, as many words give or take one.
        ("es", "hay taller la proxma semana?", "next_week", date(2026, 12, 14), None),
        ("fr", "un atelier d'ici la fin du moi", "this_month", MONDAY, date(2027, 1, 1)),
        ("en", "next wed meeting?", None, None, None),  # a weekday, not "next week"
        ("ar", "متى الورشه الجايه", None, None, None),  # each word unlike "الشهر الجاية"
        ("es", "el mes q viene q actividades hay", "next_month", date(2027, 1, 1), None),
        # Spans named by a word of their own, and Arabic number words with the article.
        ("en", "anything in the next fortnight", "days:14", MONDAY, date(2026, 12, 22)),
        ("ar", "اجتماعات الاسبوعين الجايين؟", "days:14", MONDAY, None),
        ("ar", "الاجتماعات اللي خلال العشر ايام الجاية", "days:10", MONDAY, None),
        # A date: its day (the next to come), or a month of a given year.
        ("en", "anything on march 3rd?", "date:3-3", date(2027, 3, 3), date(2027, 3, 4)),
        ("es", "hay algo el 20 de diciembre", "date:12-20", date(2026, 12, 20), None),
        ("ar", "اجتماع 17 ديسمبر كان ع زوم؟", "date:12-17", date(2026, 12, 17), None),
        ("ko", "12월 17일 회의에서 뭐 논의했어요?", "date:12-17", date(2026, 12, 17), None),
        ("km", "ប្រជុំ ថ្ងៃ១៧ធ្នូ និយាយពីអីខ្លះ", "date:12-17", date(2026, 12, 17), None),
        ("fr", "la reunion de dec 2020", "month:12", date(2020, 12, 1), date(2021, 1, 1)),
        ("ko", "2020년 12월 회의 내용", "month:12", date(2020, 12, 1), None),
        ("en", "anything on 30 february", "month:2", date(2027, 2, 1), None),  # no such day
        ("en", "meetings in december 2020", "month:12", date(2020, 12, 1), None),
        ("km", "ខែ៣ មានជួបជុំអត់", "month:3", date(2027, 3, 1), None),  # a month by its number
        ("ar", "في اجتماع شهر 3؟", "month:3", date(2027, 3, 1), None),
        ("km", "s'aek mean meeting te bong", "tomorrow", date(2026, 12, 8), None),  # romanised
        # A day of the week by its name: the next such day, today included.
        ("en", "any meeting on friday?", "weekday:4", date(2026, 12, 11), date(2026, 12, 12)),
        ("en", "anything on monday", "weekday:0", MONDAY, date(2026, 12, 8)),
        ("fr", "une réunion vendredi ?", "weekday:4", date(2026, 12, 11), None),
        ("ko", "금요일에 회의 있어요?", "weekday:4", date(2026, 12, 11), None),
        ("km", "ថ្ងៃសុក្រ មានប្រជុំទេ", "weekday:4", date(2026, 12, 11), None),
        ("km", "អាទិត្យក្រោយមានប្រជុំទេ", "next_week", date(2026, 12, 14), None),  # a week
        ("ar", "اجتماع يوم الاحد", "weekday:6", date(2026, 12, 13), None),
        ("en", "meeting friday 17 december", "date:12-17", date(2026, 12, 17), None),
    ],
)
def test_the_time_a_question_narrows_to(
    language: str, text: str, name: str | None, start: date | None, end: date | None
) -> None:
    window = find_window(text, language, MONDAY)
    if name is None:
        assert window is None
        return
    assert window is not None
    assert (window.name, window.start) == (name, start)
    assert end is None or window.end == end


@pytest.mark.parametrize(
    ("language", "text", "words"),
    [
        ("ko", "주말에 등산 갈 사람?", "주말에"),  # with the particle glued after it
        ("ko", "이번 주에는 회의 없어요?", "이번 주에는"),  # with its space, as written
        ("ko", "12월 17일에 뭐 했어요", "12월 17일에"),
        ("ko", "다음주까지 보고서 내야 해요?", "다음주까지"),
        ("ko", "주말 일정", "주말"),
        ("km", "សប្តាហ៍ ក្រោយ មានប្រជុំទេ", "សប្តាហ៍ ក្រោយ"),
        ("en", "anything this week?", "this week"),
    ],
)
def test_a_times_words_are_as_the_question_writes_them(
    language: str, text: str, words: str
) -> None:
    """They are left out of the question to find what it asks: what is left is whole words."""
    window = find_window(text, language, MONDAY)
    assert window is not None
    assert window.words == words


def test_questions_that_ask_the_same_thing_are_grouped() -> None:
    embedder = load_embedder()
    texts = [
        "where can we buy fencing wire in Kampot?",
        "what is the price of fertilizer in Kampot?",
        "which shop in Kampot sells fence wire?",
        "fencing wire in kampot, where to buy it?",
    ]
    groups = group(embedder.embed(texts, "query"))
    assert groups == [[0, 2, 3], [1]]


def test_grouping_is_by_closeness_alone() -> None:
    same = np.array([1.0, 0.0], dtype=np.float32)
    near = np.array([0.96, 0.28], dtype=np.float32)  # cosine 0.96
    far = np.array([0.6, 0.8], dtype=np.float32)  # cosine 0.6
    assert group(np.stack([same, far, near])) == [[0, 2], [1]]
    assert group(np.stack([same, near]), threshold=0.99) == [[0], [1]]


def test_a_close_call_is_a_guess_and_a_foreign_name_is_never_answered() -> None:
    close = [("events", 0.5), ("contact", 0.4), ("", 0.1)]
    verdict = decide([(t, p, "") for t, p in close])
    assert (verdict.kind, verdict.targets) == ("guess", ("events", "contact"))
    clear = [("events", 0.8), ("contact", 0.1), ("", 0.1)]
    assert decide([(t, p, "") for t, p in clear]).kind == "answer"
    assert decide([(t, p, "") for t, p in clear], foreign=True).kind == "guess"
    assert decide([("", 0.7, ""), ("events", 0.3, "")]).kind == "none"


def test_another_embedder_is_a_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = Settings(understanding={"embedder": "tests.support.embedders:letter_triples"})
    embedder = load_embedder(settings.understanding.embedder)
    assert isinstance(embedder.inner, LetterTriples)
    first = embedder.embed(["next meeting", "programme status"], "query")
    again = embedder.embed(["next meeting"], "query")
    assert embedder.inner.calls == 1  # remembered, not embedded twice
    assert np.allclose(first[0], again[0])
    with pytest.raises(ConfigError, match=r"understanding\.embedder"):
        monkeypatch.setenv("LANDSCAPE_BOT_UNDERSTANDING__EMBEDDER", "not a factory")
        load_settings()


async def _reading_the_example(database: Database, slug: str) -> tuple[Understanding, Event]:
    """The shipped understanding, settled on the example content; the event called `slug`."""
    async with database.unit_of_work() as uow:
        await apply_content(uow, read_content_file(EXAMPLE_CONTENT))
        event = await uow.events.by_slug(slug)
        assert event is not None
    understanding = Understanding.shipped()
    await understanding.warm(database)
    await understanding.settled()
    return understanding, event


async def _read(
    understanding: Understanding, database: Database, text: str, language: str
) -> Reading:
    async with database.unit_of_work() as uow:
        return await understanding.read(uow, text, language, MONDAY, lambda _event: True)


async def test_an_faq_entry_joins_every_replicas_index_at_once(database: Database) -> None:
    async with database.unit_of_work() as uow:
        await apply_content(uow, read_content_file(EXAMPLE_CONTENT))
    replicas = [Understanding.shipped(), Understanding.shipped()]
    for replica in replicas:
        await replica.warm(database)
        await replica.settled()
    question = "where can our women's group borrow a tree planting auger?"
    before = await _read(replicas[1], database, question, "en")
    async with database.unit_of_work() as uow:  # written through the first replica
        entry = await uow.faq.add(
            FaqEntry(
                question={"en": "Where can a group borrow a tree planting auger?"},
                answer={"en": "The Kampot nursery lends augers for a week at a time."},
            )
        )
    after = await _read(replicas[1], database, question, "en")
    assert after.verdict.kind == "answer"
    assert after.verdict.targets == (f"{FAQ}{entry.id}",) != before.verdict.targets


async def test_the_time_patterns_are_compiled_at_start_not_for_a_question(
    database: Database,
) -> None:
    """Compiling them holds the loop ~150 ms: at start-up, in a thread, not while partners wait."""
    windows._patterns.cache_clear()
    await Understanding.shipped("tests.support.embedders:letter_triples").warm(database)
    assert windows._patterns.cache_info().currsize == 1


class _Lags(list[float]):
    def observe(self, amount: float) -> None:
        self.append(amount)


async def test_an_edit_is_read_and_indexed_with_the_event_loop_free(database: Database) -> None:
    """Every partner's reply waits while the loop is held: after an edit, the question that
    notices it has the content's texts, letters matcher, names and index built in threads (the
    example's ~150 ms of them once held the loop for most of that question)."""
    async with database.unit_of_work() as uow:
        await apply_content(uow, read_content_file(EXAMPLE_CONTENT))
    understanding = Understanding.shipped("tests.support.embedders:letter_triples")
    await understanding.warm(database)
    await understanding.settled()
    await _read(understanding, database, "when is the next meeting?", "en")  # imports done
    async with database.unit_of_work() as uow:
        await uow.faq.add(FaqEntry(question={"en": "Who lends augers?"}, answer={"en": "Kampot."}))
    lags = _Lags()
    gc.disable()  # a full collection in this large test process holds every thread ~100 ms
    try:
        async with StallWatch(lags):
            started = time.perf_counter()
            await _read(understanding, database, "who lends augers?", "en")
            reading = time.perf_counter() - started
    finally:
        gc.enable()
    assert lags
    assert max(lags) < reading / 8  # a few thread switches; it was most of `reading`


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "what did they talk about at the meeting on 17 December?"),
        ("fr", "de quoi ont-ils parlé à la réunion du 17 décembre ?"),
        ("ko", "12월 17일 미팅 주제가 뭐였어요"),
    ],
)
async def test_a_date_names_the_event_held_that_day(
    database: Database, language: str, text: str
) -> None:
    understanding, meeting = await _reading_the_example(database, "flrm-progress-2020")
    reading = await _read(understanding, database, text, language)
    assert reading.window is not None
    assert reading.window.name == "date:12-17"
    assert reading.verdict.targets == (f"{EVENT}{meeting.id}",)
    async with database.unit_of_work() as uow:  # to a partner the meeting is hidden from
        hidden = await understanding.read(
            uow, text, language, MONDAY, lambda event: event.id != meeting.id
        )
    assert f"{EVENT}{meeting.id}" not in hidden.verdict.targets


@pytest.mark.parametrize(
    "text",
    ["x" * 4096, "🌳🌳🔥", "when is the ការប្រជុំ next 회의?", "?", "", "next\x00meeting"],
)
async def test_odd_text_is_read_without_trouble(database: Database, text: str) -> None:
    understanding = Understanding.shipped()
    reading = await _read(understanding, database, text, "en")
    assert reading.verdict.kind in {"answer", "guess", "none"}


async def test_large_content_catches_up_in_the_background(database: Database) -> None:
    """Past `inline_content` texts, an edit is indexed after the question that noticed it
    (which is read with the index before), not while that partner waits."""
    async with database.unit_of_work() as uow:
        await apply_content(uow, read_content_file(EXAMPLE_CONTENT))
    understanding = Understanding(
        builtin_phrases(), builtin_phrases(intents=(OUT_OF_SCOPE,)), inline_content=0
    )
    await understanding.warm(database)
    await understanding.settled()
    async with database.unit_of_work() as uow:
        entry = await uow.faq.add(
            FaqEntry(
                question={"en": "Where can a group borrow a tree planting auger?"},
                answer={"en": "The Kampot nursery lends augers for a week at a time."},
            )
        )
    question = "where can our group borrow a tree planting auger?"
    noticed = await _read(understanding, database, question, "en")
    assert f"{FAQ}{entry.id}" not in noticed.verdict.targets
    await understanding.settled()
    caught_up = await _read(understanding, database, question, "en")
    assert caught_up.verdict.targets == (f"{FAQ}{entry.id}",)


@pytest.mark.parametrize(
    ("text", "foreign"),
    [
        ("LPA가 뭐에요?", ()),  # a Korean particle glued to a known name
        ("LPA ឥឡូវដំណើរការហើយឬនៅ", ()),
        ("what does the GEF council fund", ("GEF",)),
        ("GEF가 뭐에요?", ("GEF",)),
    ],
)
def test_a_name_ends_where_its_latin_letters_do(text: str, foreign: tuple[str, ...]) -> None:
    names = Names([], vocabulary={"lpa", "what", "does", "the", "council", "fund"})
    assert names.foreign(text) == foreign


@pytest.mark.parametrize(
    ("text", "landscapes"),
    [
        ("FLRM는 어떻게 되고 있어요?", set()),  # a Korean particle after a Latin name
        ("وFLRM شنو الجديد", set()),  # an Arabic conjunction before it
        ("ما هو الوضع الحالي لآلية إصلاح الغابات والمناظر الطبيعية؟", set()),  # ل + name
        ("شنو كاين بالمغرب", {3}),  # ب + the name with its article
        ("الدعم للمغرب", {3}),  # ل + the article: لل
    ],
)
def test_a_name_is_found_with_what_is_glued_to_it(text: str, landscapes: set[int]) -> None:
    names = Names([_FLRM])
    found = names.find(text)
    assert (found.programmes, found.landscapes) == ({1}, landscapes)


_ALIASED = Programme(
    id=1,
    slug="flrm",
    name={"en": "Forest and Landscape Restoration Mechanism (FLRM)"},
    aliases={
        "en": ["the Mechanism"],
        "ar": ["الآلية"],
        "ko": ["산림청 지원 사업"],
        "km": ["យន្តការ"],
    },
    landscapes=[],
)
_LPA = Programme(
    id=2, slug="lpa", name={"en": "Landscape Partnership Asia"},
    aliases={"en": ["the Asia partnership"], "ko": ["아시아 파트너십"]}, landscapes=[],
)  # fmt: skip


@pytest.mark.parametrize(
    ("text", "programmes"),
    [
        ("how is the Mechanism going?", {1}),
        ("الآلية وين وصلت", {1}),
        ("شو صار بالآلية", {1}),  # ب glued in front, as to a name
        ("산림청 지원 사업은 어떻게 되고 있어요?", {1}),  # a Korean particle after it
        ("យន្តការទៅដល់ណាហើយ", {1}),  # Khmer, written without spaces
        ("what's new with the Asia partnership", {2}),
        ("아시아 파트너십이 뭐예요", {2}),
        ("the Mechanism and the Asia partnership", {1, 2}),
    ],
)
def test_an_alias_names_its_programme(text: str, programmes: set[int]) -> None:
    assert Names([_ALIASED, _LPA]).find(text).programmes == programmes


@pytest.mark.parametrize("text", ["FLRMS progress", "المغربية", "the xflrm"])
def test_a_name_inside_a_longer_word_is_no_name(text: str) -> None:
    assert Names([_FLRM]).find(text).programmes == frozenset()


_FLRM = Programme(
    id=1,
    slug="flrm",
    name={"en": "Mechanism (FLRM)", "ar": "آلية إصلاح الغابات والمناظر الطبيعية (FLRM)"},
    landscapes=[
        Landscape(id=3, slug="flrm-morocco", name="FLRM Morocco", country="MA", timezone="UTC")
    ],
)


def _event(event_id: int, title: str, place: str = "", description: str = "") -> Event:
    return Event(
        id=event_id,
        title={"en": title, "km": "វេទិកាទេសភាពសកល៖ ដី"} if ":" in title else {"en": title},
        place={"en": place} if place else {},
        description={"en": description} if description else {},
    )


_GLF = _event(2, "Global Landscapes Forum: Soils", "Online (GLF Bonn 2020 digital conference)")
_KFS = _event(
    4,
    "FLRM progress meeting with the Korea Forest Service",
    "Online (Zoom)",
    "The FLRM team and the Korea Forest Service (KFS) met online.",
)


@pytest.mark.parametrize(
    ("text", "events", "programmes"),
    [
        ("GLF 토양 세션 세부 프로그램 알려주세요", {2}, set()),  # an acronym of its place
        ("វគ្គGLFស្តីពីដី", {2}, set()),  # glued to Khmer words
        ("វេទិកាទេសភាពសកល ផ្នែកដី ចាប់ផ្តើមម៉ោងប៉ុន្មាន", {2}, set()),  # its title's series
        ("when was the Global Landscapes Forum", {2}, set()),
        ("ប្រជុំជាមួយ KFS តាម zoom នោះ", {4}, set()),  # an acronym its description gives
        ("FLRM 진행회의 언제였어요?", set(), {1}),  # a programme's name is no event's
        ("the meeting on Zoom", set(), set()),  # a word in brackets, not in capitals
    ],
)
def test_an_event_is_named_by_the_short_names_its_own_texts_give(
    text: str, events: set[int], programmes: set[int]
) -> None:
    # Other content talks of meetings too: no word of a title that names no event.
    found = Names([_FLRM], events=[_GLF, _KFS], elsewhere={"meeting"}).find(text)
    assert (found.events, found.programmes) == (events, programmes)


def test_an_events_name_other_content_uses_points_at_it_only_among_events() -> None:
    """KFS is FLRM's funder too: a question about it asks what it says ("is KFS our
    funder?"), unless it asks about events ("the meeting with KFS")."""
    names = Names([_FLRM], events=[_GLF, _KFS], elsewhere={"kfs", "is", "our", "funder"})
    found = names.find("is KFS our funder?")
    assert (found.events, found.mentioned, found.words) == (frozenset(), {4}, ())
    assert names.find("GLF 세션").events == {2}
    evidence = Evidence(
        targets=["events", "event:4", "faq:1"], overlap=np.zeros(3), concepts=np.zeros(3),
        exact=np.array([90.0, 0.0, 0.0]), asked=np.array([0.95, 0.8, 0.8]),
        answered=np.zeros(3), lead=np.array([0.1, 0, 0]), parts=[""] * 3, about=[""] * 3,
        elsewhere=np.zeros(3, bool),
    )  # fmt: skip
    mentioned = frozenset({"event:4"})
    weighed = Weighed(evidence, None, found, (), frozenset(), frozenset(), mentioned)
    assert weighed.clues.pointed == frozenset()  # no clue for the event among the rest
    assert weighed.verdict().targets == ("event:4",)  # but the one among events


def test_a_name_several_events_share_names_none_of_them() -> None:
    """Every session of a conference is "GLF": the acronym points at none of them."""
    carbon = _event(3, "Soil carbon session", "Online (GLF Bonn 2020 digital conference)")
    # The bot's own phrases ask about sessions: the word names no event.
    names = Names([_FLRM], events=[_GLF, carbon, _KFS], elsewhere={"session"})
    assert names.find("GLF 토양 세션 몇시에 했어요?").events == frozenset()
    assert names.find("the Global Landscapes Forum soils session").events == {2}  # its own
    assert names.find("what did they say with KFS").events == {4}


_SOILS = Event(
    id=2,
    title={
        "en": "Global Landscapes Forum: Soils",
        "ko": "세계경관포럼: 식량안보와 생태계 복원의 핵심, 토양",
        "km": "វេទិកាទេសភាពសកល៖ ដីជាគ្រឹះនៃសន្តិសុខស្បៀង",
    },
    place={},
    description={},
)
_ORDINARY = {"what", "is", "the", "about", "when", "was", "next", "meeting", "세션", "회의"}


@pytest.mark.parametrize(
    ("text", "events"),
    [
        ("what is the soils session about?", {2}),  # a word of one title alone
        ("토양 세션 몇시에 했어요?", {2}),  # letters of its Korean title, "soils"
        ("토양이랑 식량안보 세션 누가 주관해?", {2}),  # with a particle glued to them
        ("វេទិកាទេសភាពពិភពលោក ធ្វើថ្ងៃណា", {2}),  # part of a Khmer word of its title
        ("when is the next meeting?", set()),  # other content uses the word
        ("FLRM 성과 회의", set()),  # a programme's name is no word of its events' titles
    ],
)
def test_an_event_is_named_by_words_only_its_title_uses(text: str, events: set[int]) -> None:
    names = Names([_FLRM], events=[_SOILS, _KFS], elsewhere=_ORDINARY)
    assert names.find(text).titled == events


def test_a_title_word_several_events_share_names_none_of_them() -> None:
    names = Names([_FLRM], events=[_SOILS, _event(3, "Soils of Kampot")], elsewhere=_ORDINARY)
    assert names.find("when was the soils session?").titled == frozenset()
    assert names.find("when was the Kampot session?").titled == {3}


def test_an_arabic_title_word_with_a_conjunction_glued_to_it_is_no_name() -> None:
    restoration = _event(3, "Soils and restoration")
    restoration.title["ar"] = "التربة واصلاح النظم للمناظر"
    names = Names([_FLRM], events=[restoration], elsewhere={"اصلاح", "المناظر"})
    assert names.find("شو اخبار اصلاح المناظر واصلاح الغابات للمناظر").titled == frozenset()
    assert names.find("جلسة التربة امتى").titled == {3}


@pytest.mark.parametrize(
    ("language", "text", "answered"),
    [
        ("en", "when was the soils session?", True),
        ("ko", "토양 세션 몇시에 했어요?", True),
        ("en", "how do I improve my soils for maize?", False),  # advice, no gathering
    ],
)
async def test_words_of_an_events_title_beside_a_gathering_get_its_card(
    database: Database, language: str, text: str, answered: bool
) -> None:
    understanding, soils = await _reading_the_example(database, "glf-soils-2020")
    reading = await _read(understanding, database, text, language)
    card = ("answer", (f"{EVENT}{soils.id}",))
    assert ((reading.verdict.kind, reading.verdict.targets) == card) is answered


def test_the_events_asked_about_are_the_one_a_question_names() -> None:
    """A question about events that names one is answered with that event's card."""
    evidence = Evidence(
        targets=["events", "event:2", "event:4"], overlap=np.zeros(3),
        concepts=np.zeros(3), exact=np.array([90.0, 0.0, 0.0]),
        asked=np.array([0.95, 0.8, 0.8]), answered=np.zeros(3), lead=np.array([0.1, 0, 0]),
        parts=["", "description", "description"], about=[""] * 3, elsewhere=np.zeros(3, bool),
    )  # fmt: skip
    named = Named(frozenset(), frozenset(), ("glf",), frozenset({2}))
    hidden = Weighed(evidence, None, named, (), frozenset())  # not the partner's to see
    assert hidden.verdict().targets == ("events",)
    weighed = Weighed(evidence, None, named, (), frozenset(), frozenset({"event:2"}))
    assert weighed.verdict().kind == "answer"
    assert weighed.verdict().targets == ("event:2",)


def test_an_faq_answer_and_its_programmes_card_are_no_rivals() -> None:
    """Split between an FAQ entry about FLRM and FLRM's card, the question is still clear."""
    ranked = [("faq:1", 0.34, "answer"), ("programme:1", 0.3, "funder"), ("", 0.2, ""),
              ("faq:2", 0.16, "answer")]  # fmt: skip
    about = {"faq:1": "programme:1"}
    assert decide(ranked, about=about) == Verdict("answer", ("faq:1",), 0.34, "answer")
    assert decide(ranked).kind == "guess"  # an FAQ entry about nothing in particular
    # A family is no answer when none of its members is likely enough to be guessed alone.
    spread = [("programme:1", 0.15, ""), ("status", 0.15, ""), ("programme:2", 0.14, ""),
              ("faq:1", 0.14, ""), ("", 0.12, ""), ("contact", 0.1, "")]  # fmt: skip
    assert decide(spread, about=about).kind == "none"


def test_a_name_asked_about_with_question_words_alone_is_the_whole_question() -> None:
    lpa = Named(frozenset({2}), frozenset(), ("lpa",))
    assert _core("what is LPA?", None, lpa, "en") == "what is LPA?"
    assert _core("LPA가 뭐에요?", None, lpa, "ko") == "LPA가 뭐에요?"
    assert _core("how is LPA going", None, lpa, "en") == "how is going"
    assert _core("what is the plan", None, Named(frozenset(), frozenset(), ()), "en") == (
        "what is the plan"
    )


def test_every_language_asks_about_each_part_of_a_programme() -> None:
    tables = asking_phrases()
    assert set(tables) == set(SHIPPED_LANGUAGES)
    for parts in tables.values():
        assert set(parts) == set(PROGRAMME_PARTS)
        for part, phrases in parts.items():  # a figure is asked about by its label
            assert all(("{label}" if part == "figure" else "{name}") in p for p in phrases)


def test_a_programme_is_asked_about_by_its_aliases_in_their_own_language() -> None:
    flrm = Programme(
        id=1, slug="flrm", name={"en": "Mechanism (FLRM)"}, summary={}, status={}, phase={},
        funder={}, figures=[], countries=[],
        aliases={"en": ["the Mechanism"], "fr": ["le Mécanisme"], "ko": ["산림청 지원 사업"]},
    )  # fmt: skip
    asking = {(t.language, t.text) for t in programme_texts(flrm) if t.role == "query"}
    assert ("en", "how is the Mechanism going") in asking
    assert ("en", "how is FLRM going") in asking
    assert ("fr", "ou en est le Mécanisme") in asking
    assert ("fr", "avancement du Mécanisme") in asking  # not "du le Mécanisme"
    assert ("ko", "산림청 지원 사업 근황") in asking
    assert not any("Mechanism" in text for language, text in asking if language != "en")


def test_the_part_shown_is_the_one_the_question_came_closest_to() -> None:
    assert _closer((0.93, "phase"), (0.88, "summary")) == "phase"
    assert _closer((0.80, "question"), (0.88, "answer")) == "answer"
    assert _closer((0.0, ""), (0.88, "summary")) == "summary"


def test_a_concept_is_found_by_its_stem_in_any_shipped_language() -> None:
    glossary = Glossary([("seedling", "seedling"), ("seedling", "묘목"), ("seedling", "កូនឈើ"),
                         ("refund", "reimburs"), ("seedling", "شتل")])  # fmt: skip
    assert glossary.of("Where do we collect Seedlings?") == {"seedling"}
    assert glossary.of("묘목을 언제 받아요") == {"seedling"}  # a particle glued after it
    assert glossary.of("យកកូនឈើនៅឯណា") == {"seedling"}  # Khmer, written without spaces
    assert glossary.of("وين نستلم الشتلات") == {"seedling"}  # the article glued before it
    assert glossary.of("how is the reimbursement done") == {"refund"}
    assert glossary.of("unreimbursed costs") == frozenset()  # a Latin stem starts a word
    assert glossary.of("ប្រជុំ meeting seedlings") == {"seedling"}  # another language's word


def test_every_shipped_language_names_every_concept() -> None:
    tables = {}
    for language in SHIPPED_LANGUAGES:
        with (locales_dir() / language / CONCEPTS_FILE).open("rb") as source:
            tables[language] = tomllib.load(source)
    concepts = set(tables["en"])
    assert len(concepts) >= 50
    for language, table in tables.items():
        assert set(table) == concepts, language
        assert all(table[concept] for concept in concepts), language


def test_a_question_shares_concepts_with_an_answer_written_in_another_language() -> None:
    """No letters and (with this embedder) no meaning in common: the concepts still match."""
    glossary = Glossary([("seedling", "seedling"), ("seedling", "កូនឈើ"), ("fence", "fence"),
                         ("fence", "របង"), ("meeting", "meeting"), ("meeting", "ប្រជុំ")])  # fmt: skip
    texts = [
        Text("faq:1", "en", "Where can our group collect seedlings?", "query"),
        Text("faq:2", "en", "Who pays for the fence around a plot?", "query"),
        Text("events", "km", "ប្រជុំលើកក្រោយនៅពេលណា", "query"),
    ]
    index = Index(texts, LetterTriples(), glossary)
    evidence = index.evidence(index.ask("យកកូនឈើនៅឯណា", "", "km"))
    shares = dict(zip(evidence.targets, evidence.concepts.tolist(), strict=True))
    assert shares == {"faq:1": 1.0, "faq:2": 0.0, "events": 0.0}
    # A concept no target has counts against all: it may be someone else's business.
    evidence = index.evidence(index.ask("កូនឈើ និង របង ប្រជុំ", "", "km"))
    shares = dict(zip(evidence.targets, evidence.concepts.tolist(), strict=True))
    assert 0 < shares["faq:1"] < 1
    assert shares["faq:1"] == shares["faq:2"] == shares["events"]


def test_shared_concepts_offer_an_answer_but_never_give_it() -> None:
    """Meaning alone is unsure; the concepts the question shares with one entry put it first
    among the guesses, however strongly they are weighed, never as the answer."""
    evidence = Evidence(
        targets=["faq:1", "faq:2", "help"], overlap=np.zeros(3),
        concepts=np.array([1.0, 0.0, 0.0]), exact=np.zeros(3),
        asked=np.full(3, 0.75), answered=np.zeros(3), lead=np.zeros(3),
        parts=["question"] * 3, about=[""] * 3, elsewhere=np.array([True, True, False]),
    )  # fmt: skip
    weighed = Weighed(evidence, None, Named(frozenset(), frozenset(), ()), (), frozenset())
    assert weighed.verdict(topics=0.0).kind == "none"
    assert weighed.verdict().kind == "guess"
    assert weighed.verdict().targets[0] == "faq:1"
    assert weighed.verdict(topics=100.0).kind == "guess"
