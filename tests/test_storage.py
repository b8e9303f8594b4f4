"""Storage on SQLite and PostgreSQL: migrations, the inbox and the replies owed, atomic invites,
UTC timestamps, erasure, and the unit of work's all-or-nothing commit."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection

from storage.database import Database, DatabaseBusy, alembic_config
from storage.inbox import Arrival
from storage.models import PartnerStatus, Reply, Role, StakeholderType
from storage.presence import Presence


async def test_migrations_build_every_table_on_an_empty_database(database: Database) -> None:
    async with database.engine.connect() as connection:
        tables = set(await connection.run_sync(lambda c: inspect(c).get_table_names()))
        version = (
            await connection.execute(text("SELECT version_num FROM alembic_version"))
        ).scalar()
    assert {"partner", "programme", "landscape", "partner_landscape", "invite", "audit_entry",
            "conversation", "inbound_update", "reply", "event", "event_landscape", "faq_entry",
            "programme_figure", "question", "checkin_template", "checkin_question", "checkin",
            "checkin_answer", "batch", "delivery", "rsvp", "broadcast",
            "broadcast_ack", "linked_chat"} <= tables  # fmt: skip
    assert version == "0012"
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


async def test_programmes_stored_before_aliases_have_none(database: Database) -> None:
    """0012 gives programmes already stored an empty table of aliases, and drops it on
    downgrade."""

    def downgrade(connection: Connection) -> None:
        command.downgrade(alembic_config(connection), "0011")

    async with database.engine.begin() as connection:
        await connection.run_sync(downgrade)
        await connection.execute(
            text("INSERT INTO programme (slug, name, default_language) VALUES ('flrm', '{}', 'en')")
        )
    await database.upgrade()
    async with database.unit_of_work() as uow:
        programme = await uow.programmes.by_slug("flrm")
        assert programme is not None
        assert programme.aliases == {}
        programme.aliases = {"en": ["the Mechanism"]}
    async with database.engine.begin() as connection:
        await connection.run_sync(downgrade)
        columns = await connection.run_sync(
            lambda c: {column["name"] for column in inspect(c).get_columns("programme")}
        )
    assert "aliases" not in columns


def _arrival(update_id: int, chat_id: int) -> Arrival:
    return Arrival(update_id, chat_id, {"update_id": update_id})


async def test_an_update_is_stored_once_per_bot(database: Database) -> None:
    now = datetime.now(UTC)
    async with database.unit_of_work() as uow:
        assert await uow.inbox.add(1, [_arrival(41, 5), _arrival(42, 5)], now) == 2
    async with database.unit_of_work() as uow:
        assert await uow.inbox.add(1, [_arrival(41, 5)], now) == 0  # a redelivery
        # Another bot (a new token on the same database) numbers its updates afresh.
        assert await uow.inbox.add(2, [_arrival(41, 5)], now) == 1


async def test_a_chat_waits_on_its_earliest_update(database: Database) -> None:
    now = datetime.now(UTC)
    async with database.unit_of_work() as uow:
        await uow.inbox.add(1, [_arrival(12, 5), _arrival(10, 5), _arrival(11, 6)], now)
    async with database.unit_of_work() as uow:
        first = await uow.inbox.next_waiting(1, 5)
        assert first is not None
        assert first.update_id == 10
        await uow.inbox.mark_handled(first.id, now)
    async with database.unit_of_work() as uow:
        second = await uow.inbox.next_waiting(1, 5)
        assert second is not None
        assert second.update_id == 12
        assert await uow.inbox.waiting_chats(1, now + timedelta(seconds=1)) == [6, 5]
        assert await uow.inbox.waiting_chats(1, now) == []  # none waited long enough


async def test_a_rolled_back_handling_leaves_the_update_waiting(database: Database) -> None:
    now = datetime.now(UTC)
    async with database.unit_of_work() as uow:
        await uow.inbox.add(1, [_arrival(7, 5)], now)
    with pytest.raises(RuntimeError):
        async with database.unit_of_work() as uow:
            row = await uow.inbox.next_waiting(1, 5)
            assert row is not None
            await uow.inbox.mark_handled(row.id, now)
            raise RuntimeError("the handler failed")
    async with database.unit_of_work() as uow:
        assert await uow.inbox.next_waiting(1, 5) is not None


async def test_handled_updates_are_pruned_after_telegram_stops_redelivering(
    database: Database,
) -> None:
    now = datetime.now(UTC)
    async with database.unit_of_work() as uow:
        await uow.inbox.add(1, [_arrival(1, 5), _arrival(2, 5)], now)
        row = await uow.inbox.next_waiting(1, 5)
        assert row is not None
        await uow.inbox.mark_handled(row.id, now)
    async with database.unit_of_work() as uow:
        assert await uow.inbox.prune(now) == 0
        assert await uow.inbox.prune(now + timedelta(seconds=1)) == 1  # not the waiting one
        assert (await uow.inbox.next_waiting(1, 5)) is not None


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
async def test_one_chat_is_handled_by_one_transaction_at_a_time(database: Database) -> None:
    """Two replicas reaching one chat at once: the second waits for the first to commit.
    (SQLite runs one process, which keeps one task per chat.)"""
    order: list[str] = []

    async def handle(name: str, chat_id: int) -> None:
        async with database.unit_of_work() as uow:
            await uow.inbox.lock_chat(chat_id)
            order.append(f"{name}+")
            await asyncio.sleep(0.1)
            order.append(f"{name}-")

    await asyncio.gather(handle("a", -1001234567890), handle("b", -1001234567890))
    assert order in (["a+", "a-", "b+", "b-"], ["b+", "b-", "a+", "a-"])
    order.clear()
    await asyncio.gather(handle("a", 5), handle("c", 6))  # different chats: side by side
    assert order[:2] in (["a+", "c+"], ["c+", "a+"])


async def test_replies_of_a_process_that_is_gone_are_taken_over_once(
    database: Database,
) -> None:
    now = datetime.now(UTC)
    lease = timedelta(seconds=20)

    def reply(text: str, owner: str) -> Reply:
        return Reply(chat_id=5, kind="send", body={"text": text}, claimed_by=owner,
                     claimed_at=now, attempts=1)  # fmt: skip

    async with Presence(database, "alive"), Presence(database, "me"):
        async with database.unit_of_work() as uow:
            await uow.replies.add([reply("a", "gone"), reply("b", "alive"), reply("c", "me")])
        async with database.unit_of_work() as uow:
            taken = await uow.replies.claim_abandoned("me", now, lease, 10)
            # SQLite serves one process, so every other process is gone.
            expected = ["a", "b"] if database.is_sqlite else ["a"]
            assert [r.body["text"] for r in taken] == expected
            assert {(r.claimed_by, r.attempts) for r in taken} == {("me", 2)}
            await uow.replies.done([r.id for r in taken])
        async with database.unit_of_work() as uow:
            assert await uow.replies.claim_abandoned("me", now, lease, 10) == []
            # A claim of a live process (this one, stuck on a network error) lapses in time.
            lapsed = await uow.replies.claim_abandoned("me", now + lease, lease, 10)
            assert [r.body["text"] for r in lapsed] == (["c"] if database.is_sqlite else ["b", "c"])


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
        await uow.erasure.forget(partner, None, datetime.now(UTC))
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


async def test_two_replicas_planning_one_batch_at_once_agree(database: Database) -> None:
    """The prompt planner runs on every replica at start: the second insert yields."""
    due = datetime.now(UTC) + timedelta(hours=1)

    async def plan() -> int:
        async with database.unit_of_work() as uow:
            batch = await uow.deliveries.plan("prompt", "programme:1:2026-12-01", due)
            await asyncio.sleep(0.05)  # hold the transaction while the other plans
            return batch.id

    first, second = await asyncio.gather(plan(), plan())
    assert first == second


async def test_a_new_sqlite_file_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    database = Database(f"sqlite+aiosqlite:///{tmp_path / 'private.db'}")
    await database.upgrade()
    await database.dispose()
    for name in ("private.db", "private.db-wal", "private.db-shm"):
        path = tmp_path / name
        if path.exists():
            assert path.stat().st_mode & 0o777 == 0o600, name
    assert (tmp_path / "private.db").stat().st_mode & 0o777 == 0o600


async def test_a_second_process_on_one_sqlite_file_is_refused(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'one.db'}"
    first, second = Database(url), Database(url)
    busy = pytest.raises(DatabaseBusy, match="another landscape-bot process is serving")
    with first.exclusive(), busy, second.exclusive():
        pass
    with second.exclusive():  # free again once the first has stopped
        pass
