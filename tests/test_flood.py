"""Per-user flood control: a chat's bucket lets a burst through and then one update a second,
a press after a pause is never held, and through the real bot on both engines a flood is
answered in full, in order, with one notice, while another partner is answered meanwhile."""

from __future__ import annotations

from sqlalchemy import select

from bot.flood import FloodGate
from bot.settings import FloodSettings
from storage.models import InboundUpdate
from tests.support.bot import BotHarness
from tests.support.people import add_partner
from tests.support.waiting import until

HELP = "Here is what I can do for you:"
NOTICE = "You're sending messages quickly"
BURST, PER_SECOND = FloodSettings().burst, FloodSettings().per_second  # the product's own


class FakeClock:
    def __init__(self) -> None:
        self.now = 500.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_goes_through_then_one_a_second() -> None:
    clock = FakeClock()
    gate = FloodGate(BURST, PER_SECOND, clock=clock)
    assert [gate.take(1) for _ in range(BURST)] == [0.0] * BURST
    assert gate.take(1) == 1.0  # the sixth waits for a token
    assert gate.take(2) == 0.0  # another chat has its own bucket
    clock.now += 1.0
    assert gate.take(1) == 0.0
    assert gate.take(1) > 0


def test_a_press_after_a_pause_is_never_held_and_refilled_buckets_are_forgotten() -> None:
    clock = FakeClock()
    gate = FloodGate(BURST, PER_SECOND, clock=clock)
    for _ in range(BURST + 3):
        gate.take(1)
    clock.now += 2.0
    gate.forget_full()
    assert 1 in gate._buckets  # still refilling
    assert gate.take(1) == 0.0  # but a single press goes through
    clock.now += 60
    gate.forget_full()
    assert gate._buckets == {}


def test_a_token_given_back_is_not_lost() -> None:
    gate = FloodGate(BURST, PER_SECOND, clock=FakeClock())
    for _ in range(BURST):
        gate.take(1)
    gate.give_back(1)
    assert gate.take(1) == 0.0


async def test_a_flood_is_answered_in_order_with_one_notice_while_others_go_first(
    bot: BotHarness,
) -> None:
    bot.settings = bot.settings.model_copy(update={"flood": FloodSettings()})
    await bot.restart()  # the product's pacing, not the harness's typing-speed allowance
    await add_partner(bot.db, 7301, name="Flo")
    await add_partner(bot.db, 7302, name="Kim")
    flo = bot.user(7301, "Flo", language_code="en")
    kim = bot.user(7302, "Kim", language_code="en")
    flood = BURST + 5
    for _ in range(flood):
        await flo.send("/help")
    await flo.expect(NOTICE)
    await kim.send("/help")
    await kim.expect(HELP)
    kim_answered = len(bot.api.send_log)

    def answers() -> list[str]:
        return [m.text for m in bot.api.messages(flo.chat_id)]

    await until(lambda: sum(HELP in text for text in answers()) == flood, within=30)
    flo_done = max(n for n, r in enumerate(bot.api.send_log) if r.chat_id == flo.chat_id)
    assert kim_answered <= flo_done  # Kim did not wait for Flo's backlog
    assert sum(NOTICE in text for text in answers()) == 1
    async with bot.db.unit_of_work() as uow:
        rows = list(
            await uow.session.scalars(
                select(InboundUpdate)
                .where(InboundUpdate.chat_id == flo.chat_id)
                .order_by(InboundUpdate.update_id)
            )
        )
    handled = [row.handled_at for row in rows if row.handled_at is not None]
    assert len(handled) == flood
    assert handled == sorted(handled)  # in the order sent
