"""Reading check-in answers: numbers in each partner's locale and script, ranges, whole numbers,
percentages, yes/no and choices typed instead of pressed, text length, photos and locations —
each wrong answer with a hint that names what is expected, in the partner's number format."""

from __future__ import annotations

from typing import Any

import pytest

from bot.checkins.answers import SHORT_MAX, Sent, parse, short_label, shortened
from bot.checkins.draft import Draft, answer_values, parts_of, shape, step_index, step_name
from bot.i18n import Catalogs, Translator
from bot.typed import Invalid
from storage.checkins import AnswerValue
from storage.models import CheckinQuestion, QuestionKind

CATALOGS = Catalogs.load()
UNITS = {"en": "ha", "fr": "ha", "ar": "هكتار"}


def _t(language: str) -> Translator:
    return CATALOGS.translator(language)


def _question(kind: QuestionKind, **fields: Any) -> CheckinQuestion:
    values: dict[str, Any] = {
        "key": "q",
        "text": {"en": "?"},
        "required": True,
        "unit": {},
        "minimum": None,
        "maximum": None,
        "integer": False,
        "choices": [],
        "parts": [],
        "max_length": None,
        "barrier": False,
    }
    values.update(fields)
    return CheckinQuestion(kind=kind, position=0, **values)


AREA = _question(QuestionKind.NUMBER, unit=UNITS, minimum=0, maximum=100_000)
TREES = _question(QuestionKind.NUMBER, minimum=0, integer=True)
SURVIVAL = _question(QuestionKind.PERCENTAGE)
CHOICE = _question(
    QuestionKind.CHOICE,
    choices=[
        {"key": "fire", "label": {"en": "Fire", "fr": "Feu"}},
        {"key": "drought", "label": {"en": "Drought", "fr": "Sécheresse"}},
    ],
)


@pytest.mark.parametrize(
    ("language", "typed", "value"),
    [
        ("en", "12.5", 12.5),
        ("en", "1,234.5", 1234.5),
        ("en", "12.5 ha", 12.5),
        ("en", " 0 ", 0.0),
        ("fr", "1 234,5", 1234.5),
        ("fr", "1\u202f234,5 ha", 1234.5),
        ("fr", "12,5", 12.5),
        ("ar", "١٢٫٥", 12.5),
        ("ar", "١٬٢٣٤", 1234.0),
        ("ar", "12.5 هكتار", 12.5),
    ],
)
def test_numbers_are_read_as_each_locale_writes_them(
    language: str, typed: str, value: float
) -> None:
    assert parse(AREA, Sent(typed), _t(language)) == value


@pytest.mark.parametrize(
    ("language", "typed", "hint"),
    [
        ("en", "abc", "Please send a number between 0 ha and 100,000 ha, for example 12.5 ha."),
        ("en", "-1", "Please send a number between 0 ha and 100,000 ha, for example 12.5 ha."),
        ("en", "100001", "between 0 ha and 100,000 ha"),
        ("en", "12,5", "between 0 ha and 100,000 ha"),
        ("en", "", "between 0 ha and 100,000 ha"),
        ("fr", "12.5", "100\u202f000 ha"),
        ("fr", "douze", "12,5 ha"),
        ("ar", "كثير", "100,000 هكتار"),
    ],
)
def test_a_wrong_number_gets_the_range_and_an_example_in_the_locale(
    language: str, typed: str, hint: str
) -> None:
    with pytest.raises(Invalid) as raised:
        parse(AREA, Sent(typed), _t(language))
    assert hint in raised.value.hint


def test_whole_numbers_percentages_and_open_ranges() -> None:
    en, fr = _t("en"), _t("fr")
    assert parse(TREES, Sent("1,200"), en) == 1200
    with pytest.raises(Invalid) as raised:
        parse(TREES, Sent("12.5"), en)
    assert raised.value.hint == "Please send a whole number, for example 1,200."
    with pytest.raises(Invalid) as raised:
        parse(TREES, Sent("-4"), en)
    assert raised.value.hint == "Please send a number of at least 0, for example 1,200."
    assert parse(SURVIVAL, Sent("85%"), en) == 85
    assert parse(SURVIVAL, Sent("85 %"), fr) == 85
    assert parse(SURVIVAL, Sent("٨٥٪"), _t("ar")) == 85
    assert parse(SURVIVAL, Sent("12,5 %"), fr) == 12.5
    with pytest.raises(Invalid) as raised:
        parse(SURVIVAL, Sent("101"), fr)
    assert "100\xa0%" in raised.value.hint  # French puts a no-break space before "%"
    assert "85\xa0%" in raised.value.hint
    free = _question(QuestionKind.NUMBER)
    assert parse(free, Sent("-3.5"), en) == -3.5
    with pytest.raises(Invalid) as raised:
        parse(free, Sent("x"), en)
    assert raised.value.hint == "Please send a number, for example 12.5."
    capped = _question(QuestionKind.NUMBER, maximum=10)
    with pytest.raises(Invalid) as raised:
        parse(capped, Sent("11"), en)
    assert raised.value.hint == "Please send a number of at most 10, for example 0.5."


def test_yes_no_and_choices_typed_instead_of_pressed() -> None:
    en, fr = _t("en"), _t("fr")
    yes_no = _question(QuestionKind.YES_NO)
    assert parse(yes_no, Sent("Yes"), en) == 1.0
    assert parse(yes_no, Sent(" no "), en) == 0.0
    assert parse(yes_no, Sent(fr.gettext("Yes").upper()), fr) == 1.0
    with pytest.raises(Invalid) as raised:
        parse(yes_no, Sent("maybe"), en)
    assert raised.value.hint == "Please press Yes or No."
    assert parse(CHOICE, Sent("sécheresse"), fr) == "drought"
    assert parse(CHOICE, Sent("FIRE"), fr) == "fire"  # the key works in any language
    with pytest.raises(Invalid) as raised:
        parse(CHOICE, Sent("flood"), en)
    assert raised.value.hint == "Please choose one of the buttons."


def test_text_is_cleaned_and_kept_under_its_length() -> None:
    en = _t("en")
    text = _question(QuestionKind.TEXT, max_length=30)
    assert parse(text, Sent("  Fire \x07in   March\n\n no water "), en) == (
        "Fire in March\n\nno water"
    )
    with pytest.raises(Invalid) as raised:
        parse(text, Sent("x" * 1234), en)
    assert raised.value.hint == "Please keep it to at most 30 characters (yours has 1,234)."
    with pytest.raises(Invalid) as raised:
        parse(text, Sent(" \n "), en)
    assert raised.value.hint == "Please send your answer as text."
    with pytest.raises(Invalid):
        parse(text, Sent(photo="file-1"), en)
    assert parse(_question(QuestionKind.TEXT), Sent("y" * 1000), en) == "y" * 1000


def test_photos_and_locations() -> None:
    en = _t("en")
    photo = _question(QuestionKind.PHOTO)
    assert parse(photo, Sent(photo="file-7"), en) == "file-7"
    with pytest.raises(Invalid) as raised:
        parse(photo, Sent("a picture"), en)
    assert "photo" in raised.value.hint
    location = _question(QuestionKind.LOCATION)
    assert parse(location, Sent(location=(11.55, 104.916667)), en) == "11.550000,104.916667"
    with pytest.raises(Invalid) as raised:
        parse(location, Sent(photo="file-7"), en)
    assert "location" in raised.value.hint.lower()


def test_a_draft_round_trips_through_the_conversation_row_and_becomes_answer_rows() -> None:
    people = _question(
        QuestionKind.NUMBER,
        key="people",
        parts=[{"key": "women", "label": {}}, {"key": "men", "label": {}}],
    )
    photo = _question(QuestionKind.PHOTO, key="photo", required=False)
    assert parts_of(people) == ["women", "men"]
    assert parts_of(photo) == ["", "location"]
    draft = Draft(3, None, shape([people, photo]))
    assert draft.shape == ["people:number:women+men", "photo:photo:+location"]
    draft.store(people, 0, 12.0)
    assert draft.missing([people, photo]) == [people]  # men still to come
    draft.store(people, 1, 15.0)
    draft.store(photo, 0, "file-1")
    draft.store(photo, 1, "1.000000,2.000000")
    draft.store(photo, 0, "file-2")  # a new photo drops the old photo's pin
    copy = Draft.from_data(draft.to_data())
    assert copy == draft
    assert copy.missing([people, photo]) == []
    assert answer_values([people, photo], copy.answers) == [
        AnswerValue("people", "women", number=12.0),
        AnswerValue("people", "men", number=15.0),
        AnswerValue("photo", "", text="file-2"),
    ]
    assert step_index(step_name(6)) == 6
    assert step_index("review") is None


def test_a_short_label_is_the_readers_else_the_question_cut_at_a_word() -> None:
    text = {
        "en": "How many people took part in the work or were employed in it this month?",
        "fr": "Combien de personnes ?",
    }
    question = _question(QuestionKind.NUMBER, text=text, short={"en": "People engaged"})
    assert short_label(_t("en"), question, "en") == "People engaged"
    assert short_label(_t("fr"), question, "en") == "Combien de personnes ?"  # not English
    assert short_label(_t("ko"), question, "en") == "People engaged"  # the default's
    question.short = {}
    assert short_label(_t("en"), question, "en") == "How many people took part in the work…"
    assert len(shortened(text["en"])) <= SHORT_MAX
