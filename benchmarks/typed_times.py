"""How well typed start times are read, per language.

Reads every phrasing of `tests/data/typed_times.toml` the way /newevent does, at the file's fixed
"now" and zone, and prints a table. The unit test imports the scoring from here, so the table and
the test agree. Run: `python -m benchmarks.typed_times`.
"""

from __future__ import annotations

import time
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.i18n import Catalogs
from bot.typed import Invalid
from handlers.events.readers import DayWithoutTime, read_start

DATA = Path(__file__).parents[1] / "tests" / "data" / "typed_times.toml"


@dataclass(frozen=True)
class Case:
    language: str
    text: str
    expect: str  # "YYYY-MM-DD HH:MM", "YYYY-MM-DD" (ask for the time) or "refuse"


@dataclass(frozen=True)
class Outcome:
    case: Case
    got: str

    @property
    def correct(self) -> bool:
        return self.got == self.case.expect


def cases() -> tuple[datetime, str, list[Case]]:
    """The evaluation's "now" (aware), its zone, and its cases."""
    data = tomllib.loads(DATA.read_text(encoding="utf-8"))
    zone = str(data.pop("zone"))
    now = datetime.fromisoformat(str(data.pop("now"))).replace(tzinfo=ZoneInfo(zone))
    found = [
        Case(language, text, str(expect))
        for language, phrasings in data.items()
        for text, expect in phrasings.items()
    ]
    return now, zone, found


def outcomes(catalogs: Catalogs) -> Iterator[Outcome]:
    now, zone, found = cases()
    for case in found:
        t = catalogs.translator(case.language, zone)
        try:
            start, used = read_start(t, case.text, zone, now)
        except DayWithoutTime as day_only:
            got = day_only.day.isoformat()
        except Invalid:
            got = "refuse"
        else:
            got = f"{start.astimezone(ZoneInfo(used)):%Y-%m-%d %H:%M}"
        yield Outcome(case, got)


def main() -> None:
    catalogs = Catalogs.load()
    began = time.perf_counter()
    results = list(outcomes(catalogs))
    elapsed = time.perf_counter() - began
    print(f"{'language':<10}{'cases':>6}{'right':>7}{'accuracy':>10}")
    for language in dict.fromkeys(outcome.case.language for outcome in results):
        mine = [outcome for outcome in results if outcome.case.language == language]
        right = sum(outcome.correct for outcome in mine)
        print(f"{language:<10}{len(mine):>6}{right:>7}{right / len(mine):>10.0%}")
    right = sum(outcome.correct for outcome in results)
    print(f"{'all':<10}{len(results):>6}{right:>7}{right / len(results):>10.0%}")
    print(f"{elapsed / len(results) * 1000:.1f} ms per phrasing (first includes the import)")
    for outcome in results:
        if not outcome.correct:
            case = outcome.case
            print(f"  {case.language} {case.text!r}: expected {case.expect}, got {outcome.got}")


if __name__ == "__main__":
    main()
