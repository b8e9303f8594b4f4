"""Storage on SQLite and PostgreSQL: migrations, idempotent update claims, atomic invites,
UTC timestamps, erasure, and the unit of work's all-or-nothing commit."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from alembic import command
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection

from storage.database import Database, alembic_config
from storage.models import PartnerStatus, Role, StakeholderType


async def test_migrations_build_every_table_on_an_empty_database(database: Database) -> None:
    async with database.engine.connect() as connection:
        tables = set(await connection.run_sync(lambda c: inspect(c).get_table_names()))
        version = (
            await connection.execute(text("SELECT version_num FROM alembic_version"))
        ).scalar()
    assert {"partner", "programme", "landscape", "partner_landscape", "invite", "audit_entry",
            "conversation", "handled_update", "event", "event_landscape", "faq_entry",
            "programme_figure", "question", "checkin_template", "checkin_question", "checkin",
            "checkin_answer", "batch", "delivery", "rsvp", "broadcast",
            "broadcast_ack"} <= tables  # fmt: skip
    assert version == "0004"
    await database.upgrade()  # applying again is a no-op


async def test_programme_names_survive_the_move_to_per_language_texts(database: Database) -> None:
    """0002 turns a programme's name into {default language: name}, and back on downgrade."""

    def downgrade(connection: Connection) -> None:
        command.downgrade(alembic_config(connection), "0001")

    async with database.engine.begin() as connection:
        await connection.run_sync(downgrade)
        await connection.execute(
            text(
                "INSERT INTO programme (slug, name, default_language) "
                "VALUES ('flrm', 'Mécanisme FLRM', 'fr')"
            )
        )
    await database.upgrade()
    async with database.unit_of_work() as uow:
        programme = await uow.programmes.by_slug("flrm")
    assert programme is not None
    assert programme.name == {"fr": "Mécanisme FLRM"}
    assert (programme.summary, programme.countries) == ({}, [])
    async with database.engine.begin() as connection:
        await connection.run_sync(downgrade)
        name = (await connection.execute(text("SELECT name FROM programme"))).scalar()
    assert name == "Mécanisme FLRM"


async def test_an_update_is_claimed_once(database: Database) -> None:
    async with database.unit_of_work() as uow:
        assert await uow.updates.claim(41)
    async with database.unit_of_work() as uow:
        assert not await uow.updates.claim(41)
        assert await uow.updates.claim(42)


async def test_a_rolled_back_claim_can_be_retried(database: Database) -> None:
    with pytest.raises(RuntimeError):
        async with database.unit_of_work() as uow:
            assert await uow.updates.claim(7)
            raise RuntimeError("the handler failed")
    async with database.unit_of_work() as uow:
        assert await uow.updates.claim(7)  # the failed attempt left nothing behind


async def test_two_claims_racing_for_one_update(database: Database) -> None:
    async def claim() -> bool:
        async with database.unit_of_work() as uow:
            won = await uow.updates.claim(99)
            await asyncio.sleep(0.05)  # hold the transaction open while the other tries
            return won

    results = await asyncio.gather(claim(), claim())
    assert sorted(results) == [False, True]


async def _landscape_id(database: Database) -> int:
    async with database.unit_of_work() as uow:
        programme = await uow.programmes.upsert("flrm", name={"en": "FLRM"}, default_language="en")
        landscape = await uow.places.upsert_landscape(
            "kh", programme=programme, name="Cambodia", country="KH", timezone="Asia/Phnom_Penh"
        )
        return landscape.id


async def test_the_last_use_of_an_invite_goes_to_one_partner(database: Database) -> None:
    landscape_id = await _landscape_id(database)
    async with database.unit_of_work() as uow:
        invite = await uow.invites.create(
            landscape_id=landscape_id,
            stakeholder_type=StakeholderType.COMMUNITY,
            role=Role.PARTNER,
            uses=1,
            expires_at=datetime.now(UTC) + timedelta(days=1),
            created_by=None,
        )
        code = invite.code

    async def redeem() -> bool:
        async with database.unit_of_work() as uow:
            found = await uow.invites.usable(code, datetime.now(UTC))
            return found is not None and await uow.invites.consume(found)

    assert sorted(await asyncio.gather(redeem(), redeem())) == [False, True]
    async with database.unit_of_work() as uow:
        assert await uow.invites.usable(code, datetime.now(UTC)) is None


async def test_an_expired_invite_is_not_usable(database: Database) -> None:
    landscape_id = await _landscape_id(database)
    async with database.unit_of_work() as uow:
        invite = await uow.invites.create(
            landscape_id=landscape_id,
            stakeholder_type=None,
            role=Role.PARTNER,
            uses=5,
            expires_at=datetime.now(UTC) - timedelta(seconds=1),
            created_by=None,
        )
        assert await uow.invites.usable(invite.code, datetime.now(UTC)) is None


async def test_timestamps_come_back_aware_and_in_utc(database: Database) -> None:
    consent = datetime(2026, 3, 1, 9, 30, tzinfo=UTC) + timedelta(microseconds=0)
    async with database.unit_of_work() as uow:
        partner = await uow.partners.create(1, username="Sok", language="km")
        partner.consent_at = consent.astimezone()  # any zone in, UTC out
    async with database.unit_of_work() as uow:
        again = await uow.partners.by_telegram_id(1)
    assert again is not None
    assert again.consent_at == consent
    assert again.consent_at.tzinfo is UTC
    assert again.username == "sok"


async def test_forgetting_keeps_an_anonymous_row(database: Database) -> None:
    landscape_id = await _landscape_id(database)
    async with database.unit_of_work() as uow:
        partner = await uow.partners.create(5, username="rita", language="es")
        partner.name, partner.organisation = "Rita", "Coop"
        partner.stakeholder_type = StakeholderType.COMMUNITY
        await uow.partners.set_landscapes(
            partner, await uow.places.landscapes_by_ids([landscape_id])
        )
        await uow.partners.forget(partner)
        partner_id = partner.id
    async with database.unit_of_work() as uow:
        assert await uow.partners.by_telegram_id(5) is None
        row = await uow.partners.get(partner_id)
    assert row is not None
    assert (row.name, row.organisation, row.username) == (None, None, None)
    assert row.status == PartnerStatus.FORGOTTEN
    assert row.stakeholder_type == StakeholderType.COMMUNITY


async def test_the_unit_of_work_is_all_or_nothing(database: Database) -> None:
    with pytest.raises(RuntimeError):
        async with database.unit_of_work() as uow:
            await uow.partners.create(8, username=None, language="en")
            await uow.audit.record("partner.joined", actor=None, telegram_id=8)
            raise RuntimeError("boom")
    async with database.unit_of_work() as uow:
        assert await uow.partners.by_telegram_id(8) is None
        assert not await uow.audit.recent()
