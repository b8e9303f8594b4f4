"""/chart: an indicator over time, one line per landscape, sent as a photo and labelled in the
reader's language — in scripts DejaVu lacks too (Korean, Khmer), with no missing glyphs; funders
see their programmes' charts without points that could reveal one partner."""

from __future__ import annotations

import html
import io
import warnings
from datetime import UTC, date, datetime

import pytest
from matplotlib import font_manager
from PIL import Image

from bot.checkins.charts import ChartText, Line, build_figure, bundled_fonts, font, render_png
from bot.checkins.ranges import DateRange, period_label
from handlers.reports import chart as chart_handler
from storage.models import Role, StakeholderType
from tests.support.bot import BotHarness
from tests.support.checkins import FLR_QUESTIONS as QUESTIONS
from tests.support.checkins import add_template
from tests.support.checkins import submit_checkin as add_checkin
from tests.support.people import add_partner

COORDINATOR, FUNDER, KOREAN = 6200, 6201, 6202
NOW = datetime(2026, 3, 20, 9, 0, tzinfo=UTC)
PERIODS = (date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1))


async def _checkins(bot: BotHarness) -> None:
    """Three partners in Cambodia and one in Lebanon report trees every month this year."""
    bot.clock = lambda: NOW
    await add_template(bot.db, "flrm", QUESTIONS)
    places = ["flrm-cambodia"] * 3 + ["flrm-lebanon"]
    for n, landscape in enumerate(places):
        partner = await add_partner(bot.db, 6300 + n, name=f"P{n}", landscapes=(landscape,))
        for month, period in enumerate(PERIODS):
            answers = {"trees_planted": 100 * (month + 1), "survival_pct": 80 + n}
            await add_checkin(bot.db, partner, period, answers, landscape=landscape)


@pytest.fixture
def drawn(monkeypatch: pytest.MonkeyPatch) -> list[tuple[list[Line], ChartText]]:
    """What the handler asked the renderer to draw (it still draws)."""
    calls: list[tuple[list[Line], ChartText]] = []

    def spy(lines: list[Line], text: ChartText) -> bytes:
        calls.append((list(lines), text))
        return render_png(lines, text)

    monkeypatch.setattr(chart_handler, "render_png", spy)
    return calls


async def test_coordinator_charts_an_indicator_by_name(
    bot: BotHarness, drawn: list[tuple[list[Line], ChartText]]
) -> None:
    await _checkins(bot)
    await add_partner(bot.db, COORDINATOR, name="Cora", role=Role.COORDINATOR)
    coordinator = bot.user(COORDINATOR, "Cora", language_code="en")
    await coordinator.send("/chart trees planted")
    en = bot.catalogs.translator("en")
    caption = en.gettext(
        "{indicator}: {scope}, {period}",
        indicator="Trees planted",
        scope="Forest and Landscape Restoration Mechanism (FLRM)",
        period=period_label(en, DateRange(date(2025, 4, 1), date(2026, 4, 1))),
    )
    photo = await coordinator.expect(html.unescape(caption))
    assert photo.photo is not None
    image = Image.open(io.BytesIO(photo.photo.data))
    assert (image.format, image.size) == ("PNG", (1200, 675))
    [(lines, text)] = drawn
    assert text.title == "Trees planted by landscape"
    assert [(line.label, dict(line.values)) for line in lines] == [
        ("FLRM Cambodia", dict(zip(PERIODS, (300.0, 600.0, 900.0), strict=True))),
        ("FLRM Lebanon", dict(zip(PERIODS, (100.0, 200.0, 300.0), strict=True))),
    ]
    assert text.period(date(2026, 3, 1)) == "Mar 2026"
    assert text.number(12345.5) == "12,345.5"


async def test_without_an_indicator_the_numeric_ones_are_offered(
    bot: BotHarness, drawn: list[tuple[list[Line], ChartText]]
) -> None:
    await _checkins(bot)
    await add_partner(bot.db, COORDINATOR, name="Cora", role=Role.COORDINATOR)
    coordinator = bot.user(COORDINATOR, "Cora", language_code="en")
    await coordinator.send("/chart flrm-lebanon 2026")
    await coordinator.expect(bot.catalogs.translator("en").gettext("Which indicator?"))
    assert coordinator.buttons() == [
        "Area brought under restoration",
        "Trees planted",
        "Seedling survival",
        "People engaged",
    ]
    await coordinator.press("Seedling survival")
    photo = await coordinator.expect("Seedling survival: FLRM Lebanon, 2026")
    assert photo.photo is not None
    [(lines, text)] = drawn
    assert text.y_label == "%"
    assert lines == [Line("FLRM Lebanon", dict.fromkeys(PERIODS, 83.0))]


async def test_korean_chart_is_labelled_in_korean(
    bot: BotHarness, drawn: list[tuple[list[Line], ChartText]]
) -> None:
    await _checkins(bot)
    await add_partner(bot.db, KOREAN, name="Kim", role=Role.COORDINATOR, language="ko")
    korean = bot.user(KOREAN, "Kim", language_code="ko")
    await korean.send("/chart 심은 나무")
    photo = await korean.expect("심은 나무")
    assert photo.photo is not None
    [(_, text)] = drawn
    ko = bot.catalogs.translator("ko")
    assert text.title == ko.gettext("{indicator} by landscape").format(indicator="심은 나무")
    assert text.period(date(2026, 3, 1)) == "2026년 3월"


async def test_funders_see_only_points_from_enough_checkins(
    bot: BotHarness, drawn: list[tuple[list[Line], ChartText]]
) -> None:
    await _checkins(bot)
    await add_partner(bot.db, FUNDER, name="Fen", kind=StakeholderType.FUNDER)
    funder = bot.user(FUNDER, "Fen", language_code="en")
    await funder.send("/chart trees_planted")
    photo = await funder.expect("Trees planted")
    assert photo.photo is not None
    [(lines, _)] = drawn
    assert [line.label for line in lines] == ["FLRM Cambodia"]  # Lebanon has one partner
    await add_partner(bot.db, 6210, name="Pat")
    partner = bot.user(6210, "Pat", language_code="en")
    await partner.send("/chart trees_planted")
    await partner.expect("Sorry")
    await partner.expect_nothing()
    assert len(drawn) == 1


@pytest.mark.parametrize(
    ("title", "landscape", "month"),
    [
        ("심은 나무 (경관별)", "캄보디아", "2026년 3월"),
        ("ដើមឈើដែលបានដាំ តាមទេសភាព", "កម្ពុជា", "មីនា 2026"),
        ("الأشجار المزروعة حسب المنظر الطبيعي", "كمبوديا", "مارس 2026"),
    ],
)
def test_every_script_has_its_glyphs(title: str, landscape: str, month: str) -> None:
    """Matplotlib warns about every glyph it draws as a box; here a warning fails the test."""
    text = ChartText(title, month, landscape, lambda day: month, lambda value: f"{value:g}")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        figure = build_figure([Line(landscape, dict.fromkeys(PERIODS, 1.0))], text)
        figure.canvas.draw()
    assert figure.axes[0].get_title() == title


def test_the_korean_and_khmer_fonts_ship_with_the_bot() -> None:
    """DejaVu has neither script, so with no glyph warnings above these are the fonts used."""
    names = {path.name for path in bundled_fonts()}
    assert names == {"NotoSansKR-Regular-Hangul.ttf", "NotoSansKhmer-Regular.ttf"}
    assert font().get_family() == ["DejaVu Sans", "Noto Sans Khmer", "Noto Sans KR"]
    registered = {entry.name for entry in font_manager.fontManager.ttflist}
    assert {"Noto Sans KR", "Noto Sans Khmer"} <= registered


def _tick_labels(lines: list[Line], text: ChartText) -> list[str]:
    """The x-axis labels matplotlib drew, as it drew them."""
    figure = build_figure(lines, text)
    figure.canvas.draw()
    return [label.get_text() for label in figure.axes[0].get_xticklabels()]


async def test_one_month_is_labelled_once(
    bot: BotHarness, drawn: list[tuple[list[Line], ChartText]]
) -> None:
    await _checkins(bot)
    await add_partner(bot.db, COORDINATOR, name="Cora", role=Role.COORDINATOR, language="fr")
    coordinator = bot.user(COORDINATOR, "Cora", language_code="fr")
    await coordinator.send("/chart trees_planted flrm-lebanon 2026-03")
    photo = await coordinator.expect("FLRM Lebanon")
    assert photo.photo is not None
    [(lines, text)] = drawn
    assert _tick_labels(lines, text) == ["mars 2026"]


def test_many_months_get_ticks_that_neither_repeat_nor_crowd() -> None:
    months = [date(2024 + m // 12, m % 12 + 1, 1) for m in range(36)]
    text = ChartText("t", "x", "y", lambda day: f"{day:%b %Y}", lambda value: f"{value:g}")
    few = _tick_labels([Line("a", dict.fromkeys(months[:3], 1.0))], text)
    assert few == ["Jan 2024", "Feb 2024", "Mar 2024"]
    many = _tick_labels([Line("a", dict.fromkeys(months, 1.0))], text)
    assert many == ["Jan 2024", "Jul 2024", "Jan 2025", "Jul 2025", "Jan 2026", "Jul 2026"]
