"""The summary query against an independent computation: seeded random partners and check-ins,
the expected figures worked out in plain Python from the same data, compared for several
scopes and periods on each engine."""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

import pytest

from storage.checkin_stats import Scope, Summary
from storage.database import Database
from storage.models import (
    Checkin,
    CheckinAnswer,
    CheckinStatus,
    Partner,
    PartnerStatus,
    Role,
    StakeholderType,
)
from tests.support.checkins import CHOICES, answer_rows, use_template

NAMES = ("Ana", "bo", "Chantha", "Dara", "émile", "Fatima", "Guo", "Hye-jin")
MONTHS = [date(2026, month, 1) for month in range(1, 10)]
BARRIER_TEXTS = ("Fire in the north plot", "Goats", "", "Land dispute")


@dataclass
class World:
    """What was stored, kept in plain Python to compute the expected figures from."""

    programmes: dict[str, int] = field(default_factory=dict)
    landscapes: dict[str, tuple[int, int]] = field(default_factory=dict)  # slug → (id, programme)
    with_template: set[int] = field(default_factory=set)
    partners: list[Partner] = field(default_factory=list)
    homes: dict[int, list[int]] = field(default_factory=dict)  # partner → landscape ids
    checkins: list[Checkin] = field(default_factory=list)


async def _build(db: Database, rng: random.Random) -> World:
    world = World()
    async with db.unit_of_work() as uow:
        for slug in ("alpha", "beta", "gamma"):
            programme = await uow.programmes.upsert(slug, name={"en": slug.title()})
            world.programmes[slug] = programme.id
            for n in (1, 2) if slug == "alpha" else (1,):
                place = await uow.places.upsert_landscape(
                    f"{slug}-{n}", programme=programme, name=f"{slug} {n}", country="KH",
                    timezone="Asia/Phnom_Penh",
                )  # fmt: skip
                world.landscapes[place.slug] = (place.id, programme.id)
    for slug in ("alpha", "beta"):  # gamma has no template: nobody is expected to report there
        await use_template(db, world.programmes[slug])
        world.with_template.add(world.programmes[slug])
    async with db.unit_of_work() as uow:
        places = list(world.landscapes.values())
        for n in range(90):
            partner = _random_partner(rng, n)
            chosen = rng.sample(places, rng.choice((1, 1, 2)))
            partner.landscapes = list(await uow.places.landscapes_by_ids([i for i, _ in chosen]))
            uow.session.add(partner)
            await uow.session.flush()
            world.partners.append(partner)
            world.homes[partner.id] = [place.id for place in partner.landscapes]
        for partner in world.partners:
            for checkin in _random_checkins(rng, partner, world):
                uow.session.add(checkin)
                world.checkins.append(checkin)
        await uow.session.flush()
    return world


def _random_partner(rng: random.Random, n: int) -> Partner:
    joined = rng.random() > 0.05
    status = rng.choices(list(PartnerStatus), weights=(85, 7, 8))[0]
    # Many dates fall on a period's edges, where an off-by-one would show.
    edge = datetime.combine(rng.choice(MONTHS), time(), UTC) + rng.choice(
        (timedelta(0), timedelta(seconds=-1), timedelta(hours=rng.randrange(0, 2000)))
    )
    back = rng.choice((None, None, 0, -1, rng.randrange(-40, 40)))
    return Partner(
        telegram_id=100_000 + n,
        # Names sort the same in Python and in any collation: a unique numbered prefix.
        name=None if status == PartnerStatus.FORGOTTEN else f"P{n:03d} {rng.choice(NAMES)}",
        organisation=rng.choice((None, "Org")),
        stakeholder_type=rng.choice((None, *StakeholderType)),
        role=rng.choices(list(Role), weights=(85, 10, 5))[0],
        status=status,
        language="en",
        timezone="UTC",
        joined_at=edge if joined else None,
        away_until=None if back is None else rng.choice(MONTHS) + timedelta(days=back),
    )


def _random_checkins(rng: random.Random, partner: Partner, world: World) -> list[Checkin]:
    by_programme: dict[int, list[int]] = defaultdict(list)
    for landscape in partner.landscapes:
        by_programme[landscape.programme_id].append(landscape.id)
    made = []
    for programme_id, places in by_programme.items():
        for month in MONTHS:
            if rng.random() < 0.4:
                continue
            answers: dict[str, float | str | dict[str, float]] = {
                "area_ha": round(rng.uniform(0, 50), 2),
                "people": {"women": rng.randrange(0, 30), "men": rng.randrange(0, 30)},
                "survival_pct": rng.randrange(30, 101),
                "monitoring": float(rng.random() < 0.6),
                "threat": rng.choice(CHOICES),
                "barriers": rng.choice(BARRIER_TEXTS),
            }
            for key in rng.sample(sorted(answers), rng.randrange(0, 3)):
                del answers[key]  # skipped questions
            made.append(
                Checkin(
                    partner_id=partner.id,
                    programme_id=programme_id,
                    landscape_id=rng.choice(places),
                    period_start=month,
                    submitted_at=datetime.combine(month, time(), UTC)
                    + timedelta(minutes=rng.randrange(0, 40_000)),
                    status=rng.choice(list(CheckinStatus)),
                    answers=[
                        CheckinAnswer(question_key=key, part=part, number=number, text=text)
                        for key, value in answers.items()
                        for part, number, text in answer_rows(value)
                    ],
                )
            )
    return made


def _expected(world: World, scope: Scope, start: date, end: date, limit: int) -> dict[str, object]:
    """The summary, worked out from the Python objects (no SQL)."""
    in_scope = [
        c
        for c in world.checkins
        if start <= c.period_start < end
        and (scope.programme_ids is None or c.programme_id in scope.programme_ids)
        and (scope.landscape_id is None or c.landscape_id == scope.landscape_id)
    ]
    numbers: dict[tuple[int, str, str], list[float]] = defaultdict(list)
    choices: dict[tuple[int, str, str], int] = defaultdict(int)
    barriers = []
    for c in in_scope:
        for a in c.answers:
            if a.number is not None:
                numbers[(c.programme_id, a.question_key, a.part)].append(a.number)
            templated = c.programme_id in world.with_template
            if templated and a.question_key == "threat" and a.text is not None:
                choices[(c.programme_id, a.question_key, a.text)] += 1
            open_ = c.status != CheckinStatus.REVIEWED
            if templated and a.question_key == "barriers" and a.text and open_:
                barriers.append((c, a))
    barriers.sort(key=lambda ca: (ca[0].submitted_at, ca[0].id), reverse=True)
    ends_at = datetime.combine(end, time(), UTC)
    pairs = set()
    for partner in world.partners:
        if not (
            partner.joined_at is not None
            and partner.joined_at < ends_at
            and partner.status == PartnerStatus.ACTIVE
            and partner.role == Role.PARTNER
            and partner.stakeholder_type != StakeholderType.FUNDER
        ):
            continue
        for landscape_id, programme_id in world.landscapes.values():
            if (
                landscape_id in world.homes[partner.id]
                and programme_id in world.with_template
                and (scope.programme_ids is None or programme_id in scope.programme_ids)
                and (scope.landscape_id in (None, landscape_id))
            ):
                pairs.add((partner, programme_id))
    reported = {
        (c.partner_id, c.programme_id) for c in world.checkins if start <= c.period_start < end
    }
    away = {p.id for p, _ in pairs if p.away_until is not None and p.away_until >= start}
    responded = [(p, g) for p, g in pairs if (p.id, g) in reported]
    missing = sorted(
        ((p, g) for p, g in pairs if (p.id, g) not in reported and p.id not in away),
        key=lambda pg: (str(pg[0].name).lower(), pg[0].id, pg[1]),
    )
    counts: dict[int, int] = defaultdict(int)
    for c in in_scope:
        counts[c.programme_id] += 1
    return {
        "checkins": dict(counts),
        "numbers": {key: (len(v), sum(v), sum(v) / len(v)) for key, v in numbers.items()},
        "choices": dict(choices),
        "responded": len(responded),
        "expected": len(responded) + len(missing),
        "missing": [(p.id, g) for p, g in missing[:limit]],
        "barrier_count": len(barriers),
        "barriers": [(c.id, a.text) for c, a in barriers[:limit]],
    }


def _actual(summary: Summary) -> dict[str, object]:
    return {
        "checkins": summary.checkins,
        "numbers": {
            key: (i.answers, pytest.approx(i.total), pytest.approx(i.average))
            for key, i in summary.indicators.items()
        },
        "choices": {(c.programme_id, c.question_key, c.choice): c.answers for c in summary.choices},
        "responded": summary.responded,
        "expected": summary.expected,
        "missing": [(m.partner_id, m.programme_id) for m in summary.missing],
        "barrier_count": summary.barrier_count,
        "barriers": [(b.checkin_id, b.text) for b in summary.barriers],
    }


RANGES = [
    *[(m, date(2026, m.month + 1, 1)) for m in MONTHS[:8]],
    (date(2026, 4, 1), date(2026, 7, 1)),
    (date(2026, 1, 1), date(2027, 1, 1)),
    (date(2026, 3, 15), date(2026, 5, 10)),
    (date(2025, 1, 1), date(2025, 2, 1)),  # before anything
]


async def test_summary_matches_an_independent_computation(database: Database) -> None:
    world = await _build(database, random.Random(20260914))
    ids = world.programmes
    scopes = [
        Scope(),
        Scope(frozenset({ids["alpha"]})),
        Scope(frozenset({ids["alpha"], ids["beta"]})),
        Scope(frozenset({ids["alpha"]}), world.landscapes["alpha-2"][0]),
        Scope(frozenset({ids["gamma"]})),
    ]
    compared = 0
    async with database.unit_of_work() as uow:
        for scope in scopes:
            for start, end in RANGES:
                summary = await uow.checkin_stats.summary(scope, start, end, limit=7)
                assert _actual(summary) == _expected(world, scope, start, end, 7), (scope, start)
                compared += bool(summary.indicators) + bool(summary.missing)
    assert compared > 50  # the data really exercised the figures, not just empty ranges


async def test_anonymised_summary_names_nobody(database: Database) -> None:
    world = await _build(database, random.Random(7))
    scope = Scope(frozenset({world.programmes["alpha"]}))
    start, end = date(2026, 6, 1), date(2026, 7, 1)
    async with database.unit_of_work() as uow:
        named = await uow.checkin_stats.summary(scope, start, end)
        anonymous = await uow.checkin_stats.summary(scope, start, end, named=False)
    assert named.missing
    assert named.barriers
    assert anonymous.missing == ()
    assert anonymous.barriers == ()
    assert (anonymous.expected, anonymous.responded, anonymous.barrier_count) == (
        named.expected,
        named.responded,
        named.barrier_count,
    )
    assert anonymous.indicators == named.indicators


async def test_previous_period_figures_come_with_the_summary(database: Database) -> None:
    world = await _build(database, random.Random(11))
    scope = Scope(frozenset({world.programmes["beta"]}))
    async with database.unit_of_work() as uow:
        stats = uow.checkin_stats
        june = await stats.summary(
            scope, date(2026, 6, 1), date(2026, 7, 1), previous=(date(2026, 5, 1), date(2026, 6, 1))
        )
        may = await stats.summary(scope, date(2026, 5, 1), date(2026, 6, 1))
    assert june.previous
    assert june.previous == may.indicators
    assert june.indicators != may.indicators
