"""/export: check-ins as a CSV and an XLSX sent in the chat — stable machine-key columns in
template order, one row per check-in, UTF-8, numbers as numbers, and no partner's text that a
spreadsheet would run as a formula; coordinators get only their programmes, partners and
funders nothing."""

from __future__ import annotations

import csv
import html
import io
import zipfile
from datetime import UTC, date, datetime, timedelta

import pytest
from openpyxl import load_workbook

from bot import progress_message
from bot.checkins import export_files
from bot.checkins.export_writer import defused
from bot.sandbox.api_objects import SentMessage
from handlers.reports import export as export_handler
from storage.models import CheckinAnswer, CheckinStatus, Role, StakeholderType
from tests.support.bot import BotHarness
from tests.support.chat import ChatUser
from tests.support.checkins import FLR_QUESTIONS as QUESTIONS
from tests.support.checkins import MEDIA_QUESTIONS, add_template
from tests.support.checkins import submit_checkin as add_checkin
from tests.support.people import add_partner

COORDINATOR, KHMER_PARTNER, HOSTILE, LPA_PARTNER, FUNDER, ADMIN = 6100, 6101, 6102, 6103, 6104, 9000
NOW = datetime(2026, 3, 20, 9, 0, tzinfo=UTC)
HEADER = [
    "id", "submitted_at", "period_start", "programme", "landscape", "partner_id", "partner_name",
    "organisation", "status", "review_comment", "area_ha", "trees_planted", "survival_pct",
    "people.women", "people.men", "monitoring", "barrier", "support_needed", "site_photo",
    "site_pin",
]  # fmt: skip
KHMER_NOTE = "ត្រូវការកូនឈើ សម្រាប់រដូវប្រាំង"  # "seedlings needed for the dry season"
HOSTILE_TEXTS = {
    "name": '=HYPERLINK("http://evil.example","click")',
    "organisation": "+cmd|' /C calc'!A0",
    "support_needed": "@SUM(1+1)*cmd|' /C calc'!A0",
    "review_comment": "-2+3+cmd|' /C calc'!A0",
    "site_photo": "\t=1+1",
}


async def _people(bot: BotHarness) -> dict[str, int]:
    """A coordinator of FLRM; two FLRM partners (one writing Khmer, one hostile) and one of
    LPA with a check-in each; returns partner ids by name."""
    bot.clock = lambda: NOW
    await add_template(bot.db, "flrm", (*QUESTIONS, *MEDIA_QUESTIONS))
    await add_template(bot.db, "lpa", QUESTIONS[:2])
    ids = {
        "coordinator": await add_partner(bot.db, COORDINATOR, name="Cora", role=Role.COORDINATOR),
        "khmer": await add_partner(bot.db, KHMER_PARTNER, name="សុភា", language="km"),
        "hostile": await add_partner(bot.db, HOSTILE, name=HOSTILE_TEXTS["name"]),
        "lpa": await add_partner(bot.db, LPA_PARTNER, name="Lin", landscapes=()),
    }
    async with bot.db.unit_of_work() as uow:
        hostile = await uow.partners.get(ids["hostile"])
        assert hostile is not None
        hostile.organisation = HOSTILE_TEXTS["organisation"]
    await add_checkin(
        bot.db,
        ids["khmer"],
        date(2026, 2, 1),
        {
            "area_ha": 12.5,
            "trees_planted": 1200,
            "survival_pct": 85,
            "people": {"women": 14, "men": 9},
            "monitoring": 1,
            "barrier": "drought",
            "support_needed": KHMER_NOTE,
            "site_pin": "-12.0464,-77.0428",
        },
        submitted_at=datetime(2026, 3, 2, 1, 15, 30, tzinfo=UTC),
    )
    await add_checkin(
        bot.db,
        ids["hostile"],
        date(2026, 3, 1),
        {"trees_planted": 300, "monitoring": 0, **_texts("support_needed", "site_photo")},
        landscape="flrm-lebanon",
        status=CheckinStatus.FLAGGED,
        review_comment=HOSTILE_TEXTS["review_comment"],
    )
    await add_checkin(
        bot.db, ids["lpa"], date(2026, 3, 1), {"trees_planted": 40}, programme="lpa", landscape=None
    )
    return ids


def _texts(*keys: str) -> dict[str, str]:
    return {key: HOSTILE_TEXTS[key] for key in keys}


async def _files(user: ChatUser, caption: str) -> tuple[SentMessage, SentMessage]:
    first, second = await user.expect(caption), await user.expect(caption)
    return first, second


def _csv_rows(message: SentMessage) -> list[list[str]]:
    assert message.document is not None
    assert message.document.filename is not None
    assert message.document.filename.endswith(".csv")
    text = message.document.data.decode("utf-8")  # strict: anything else would raise
    assert not text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text, newline="")))


async def test_coordinator_exports_their_programme_as_csv_and_xlsx(bot: BotHarness) -> None:
    ids = await _people(bot)
    en = bot.catalogs.translator("en")
    coordinator = bot.user(COORDINATOR, "Cora", language_code="en")
    await coordinator.send("/export")
    programme = "Forest and Landscape Restoration Mechanism (FLRM)"
    period = en.gettext("all periods")
    await coordinator.expect(
        html.unescape(
            en.ngettext(
                "Preparing {n} check-in for {scope}, {period}…",
                "Preparing {n} check-ins for {scope}, {period}…",
                2,
                scope=programme,
                period=period,
            )
        )
    )
    caption = en.ngettext(
        "{scope}, {period}: {n} check-in.",
        "{scope}, {period}: {n} check-ins.",
        2,
        scope=programme,
        period=period,
    )
    csv_message, xlsx_message = await _files(coordinator, html.unescape(caption))

    header, khmer, hostile = _csv_rows(csv_message)  # LPA's check-in is not theirs
    assert header == HEADER
    assert khmer == [
        khmer[0], "2026-03-02T01:15:30Z", "2026-02-01", "flrm", "flrm-cambodia",
        str(ids["khmer"]), "សុភា", "Test Organisation", "submitted", "",
        "12.5", "1200", "85", "14", "9", "1", "drought", KHMER_NOTE, "", "-12.0464,-77.0428",
    ]  # fmt: skip
    assert int(hostile[0]) > int(khmer[0])
    row = dict(zip(header, hostile, strict=True))
    assert row["partner_name"] == "'" + HOSTILE_TEXTS["name"]
    assert row["organisation"] == "'" + HOSTILE_TEXTS["organisation"]
    assert row["review_comment"] == "'" + HOSTILE_TEXTS["review_comment"]
    assert row["support_needed"] == "'" + HOSTILE_TEXTS["support_needed"]
    assert row["site_photo"] == "'" + HOSTILE_TEXTS["site_photo"]
    assert (row["status"], row["landscape"], row["area_ha"]) == ("flagged", "flrm-lebanon", "")

    assert xlsx_message.document is not None
    assert xlsx_message.document.filename == "checkins-flrm.xlsx"
    workbook = load_workbook(io.BytesIO(xlsx_message.document.data))
    assert workbook.sheetnames == ["checkins", "columns"]
    sheet = [list(r) for r in workbook["checkins"].iter_rows(values_only=True)]
    assert sheet[0] == HEADER
    cells = dict(zip(HEADER, sheet[1], strict=True))
    assert cells["submitted_at"] == datetime(2026, 3, 2, 1, 15, 30)
    assert (cells["area_ha"], cells["trees_planted"], cells["people.women"]) == (12.5, 1200, 14)
    assert isinstance(cells["trees_planted"], int)
    assert cells["support_needed"] == KHMER_NOTE
    hostile_cells = dict(zip(HEADER, sheet[2], strict=True))
    assert hostile_cells["partner_name"] == "'" + HOSTILE_TEXTS["name"]
    assert all(not str(v).startswith(("=", "+", "@", "\t")) for v in hostile_cells.values())
    meanings = {r[0]: r[1] for r in workbook["columns"].iter_rows(min_row=2, values_only=True)}
    assert meanings["people.women"] == "People engaged — women"
    assert meanings["submitted_at"] == en.gettext("Submitted (UTC)")


async def test_columns_sheet_speaks_the_requesters_language(bot: BotHarness) -> None:
    await _people(bot)
    await add_partner(bot.db, 6110, name="Kim", role=Role.COORDINATOR, language="ko")
    korean = bot.user(6110, "Kim", language_code="ko")
    await korean.send("/export flrm-cambodia")
    ko = bot.catalogs.translator("ko")
    caption = ko.ngettext(
        "{scope}, {period}: {n} check-in.",
        "{scope}, {period}: {n} check-ins.",
        1,
        scope="FLRM Cambodia",
        period=ko.gettext("all periods"),
    )
    csv_message, xlsx_message = await _files(korean, html.unescape(caption))
    assert len(_csv_rows(csv_message)) == 2  # Lebanon's check-in is another landscape's
    assert xlsx_message.document is not None
    workbook = load_workbook(io.BytesIO(xlsx_message.document.data))
    meanings = {r[0]: r[1] for r in workbook["columns"].iter_rows(min_row=2, values_only=True)}
    assert meanings["people.women"] == "참여한 사람 — 여성"
    assert meanings["trees_planted"] == "심은 나무"


async def test_a_period_limits_the_rows_and_names_the_files(bot: BotHarness) -> None:
    await _people(bot)
    coordinator = bot.user(COORDINATOR, "Cora", language_code="en")
    await coordinator.send("/export flrm March 2026")
    en = bot.catalogs.translator("en")
    caption = en.ngettext(
        "{scope}, {period}: {n} check-in.",
        "{scope}, {period}: {n} check-ins.",
        1,
        scope="Forest and Landscape Restoration Mechanism (FLRM)",
        period="March 2026",
    )
    csv_message, _ = await _files(coordinator, html.unescape(caption))
    assert csv_message.document is not None
    assert csv_message.document.filename == "checkins-flrm-2026-03-01-2026-03-31.csv"
    [_, row] = _csv_rows(csv_message)
    assert row[2] == "2026-03-01"


async def test_admin_exports_every_programme(bot: BotHarness) -> None:
    await _people(bot)
    admin = bot.user(ADMIN, "Ada", language_code="en")
    await add_partner(bot.db, ADMIN, name="Ada", role=Role.ADMIN)
    await admin.send("/export")
    en = bot.catalogs.translator("en")
    scope = en.gettext("all your programmes")
    caption = en.ngettext(
        "{scope}, {period}: {n} check-in.",
        "{scope}, {period}: {n} check-ins.",
        3,
        scope=scope,
        period=en.gettext("all periods"),
    )
    csv_message, _ = await _files(admin, html.unescape(caption))
    rows = _csv_rows(csv_message)
    assert [row[3] for row in rows[1:]] == ["flrm", "flrm", "lpa"]
    assert rows[0] == HEADER  # LPA's questions are FLRM's first two: no new columns


async def test_only_coordinators_and_admins_export_and_only_their_programmes(
    bot: BotHarness,
) -> None:
    await _people(bot)
    en = bot.catalogs.translator("en")
    await add_partner(bot.db, FUNDER, name="Fen", kind=StakeholderType.FUNDER)
    for user_id, name, language in ((KHMER_PARTNER, "Sophea", "km"), (FUNDER, "Fen", "en")):
        user = bot.user(user_id, name, language_code=language)
        await user.send("/export")
        refusal = bot.catalogs.translator(language).gettext(
            "Sorry, only coordinators and admins can do that."
        )
        await user.expect(refusal)
        await user.expect_nothing()
    coordinator = bot.user(COORDINATOR, "Cora", language_code="en")
    await coordinator.send("/export lpa")
    await coordinator.expect(
        en.gettext("Sorry, you can only see check-ins of your own programmes.")
    )
    await coordinator.expect_nothing()
    await coordinator.send("/export flrm whenever")
    await coordinator.expect("“whenever”")
    assert all(m.document is None for m in bot.api.messages(COORDINATOR))


def test_formula_starts_are_defused_but_numbers_and_places_are_not() -> None:
    for hostile in ("=1+1", "+1", "-1+1", "@A1", "\tx", "\rx", "-", "=", "-cmd|' /C calc'!A0"):
        assert defused(hostile) == "'" + hostile
    for harmless in ("-3.5", "-12.0464,-77.0428", "12", "Seedlings", " =1", "a=b", ""):
        assert defused(harmless) == harmless


async def test_a_long_export_comes_as_csv_only(
    bot: BotHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    await _people(bot)
    monkeypatch.setattr(export_handler, "SPREADSHEET_MAX_ROWS", 1)
    coordinator = bot.user(COORDINATOR, "Cora", language_code="en")
    await coordinator.send("/export flrm")
    en = bot.catalogs.translator("en")
    await coordinator.expect(
        en.gettext(
            "That is more than {n} rows, too many for a spreadsheet: you will get a CSV.", n=1
        )
    )
    csv_message = await coordinator.expect("2 check-ins.")
    assert csv_message.document is not None
    assert csv_message.document.filename == "checkins-flrm.csv"
    await coordinator.expect_nothing()


def test_a_csv_over_the_upload_limit_goes_zipped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(export_files, "MAX_UPLOAD_BYTES", 1000)
    content = ("id,text\n" + "".join(f"{n % 7},ឈើ ស្រុក\n" for n in range(300))).encode()
    csv_file = io.BytesIO(content)
    xlsx_file = io.BytesIO(b"x" * 2000)  # a spreadsheet is not zipped again: it is named
    sendable = export_files.package(export_files.ExportFiles(csv_file, xlsx_file, 200), "c")
    [(name, zipped)] = sendable.files
    assert name == "c.csv.zip"
    with zipfile.ZipFile(zipped) as archive:
        assert archive.read("c.csv") == content
    assert sendable.too_large == [("c.xlsx", 2000)]
    assert xlsx_file.closed


async def test_the_progress_message_is_edited_and_other_chats_are_answered_meanwhile(
    bot: BotHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """5,000 check-ins: the progress message is edited to its last line while a partner who
    asks for /help in the meantime gets an answer before the files come."""
    monkeypatch.setattr(progress_message, "INTERVAL", 0.0)
    ids = await _people(bot)
    async with bot.db.unit_of_work() as uow:  # one transaction: 5,000 would take minutes
        flrm = await uow.programmes.by_slug("flrm")
        place = await uow.places.landscape_by_slug("flrm-cambodia")
        assert flrm is not None
        assert place is not None
        for n in range(5000):
            checkin, _ = await uow.checkins.submit(
                partner_id=ids["khmer"] if n % 2 else ids["hostile"],
                programme_id=flrm.id,
                landscape_id=place.id,
                period_start=date(2000, 1, 1) + timedelta(days=n),
                answers=[],
                at=datetime(2026, 3, 5, 8, 30, tzinfo=UTC),
            )
            uow.session.add(
                CheckinAnswer(checkin_id=checkin.id, question_key="area_ha", part="", number=n)
            )
    coordinator = bot.user(COORDINATOR, "Cora", language_code="en")
    partner = bot.user(KHMER_PARTNER, "សុភា", language_code="en")
    await coordinator.send("/export flrm")
    await coordinator.expect("Preparing 5,002 check-ins")
    await partner.send("/help")
    await partner.expect("/checkin")
    assert not any(m.document for m in bot.api.messages(COORDINATOR))
    await coordinator.expect("5,002 check-ins.", within=120)
    [progress] = [m for m in bot.api.messages(COORDINATOR) if m.text.startswith("Ready")]
    assert progress.edited
    assert progress.text.startswith("Ready: 5,002 check-ins for")
