"""The inbox: every update is stored before Telegram is told it arrived, then handled once, each
chat's updates in order, different chats side by side.

Handling one update is one unit of work: lock the chat (PostgreSQL), take its earliest waiting
update, run the pipeline, mark the update handled and store the replies it owes, commit; then
send those replies. A crash before the commit leaves the update waiting (handled after the
restart); a crash after it leaves the replies to be sent (see `bot.replies`).

An outage (database or network) leaves the update waiting and tries again with backoff; a
handler's own error is tried once more, then apologised for and set aside.

A chat that sends faster than its flood control allows (`bot.flood`) waits outside the
`CONCURRENT_CHATS` slots, so other chats are handled meanwhile; its updates stay stored and
are handled in order as its bucket refills.
"""

from __future__ import annotations

import asyncio
import enum
import logging
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from telegram import Bot, Update
from telegram.error import BadRequest, NetworkError, RetryAfter

from bot.flood import FloodGate
from bot.logs import handling
from bot.notices import apologise, ask_for_patience
from bot.ops.metrics import update_type
from bot.pipeline import Pipeline, Refused
from bot.replies import ReplySender, reply_rows
from bot.services import Services
from bot.turn import Turn
from storage.inbox import Arrival
from storage.models import Reply

log = logging.getLogger(__name__)

CONCURRENT_CHATS = 16
MAX_FAILURES = 2  # a handler error is tried once more: a race between replicas may pass
BACKOFF = (0.5, 1, 2, 5, 10, 30)  # seconds between tries while the database is unreachable
# An update waiting this long was received by a process that died (or is stuck in an outage):
# any process takes it over. Taking over early is safe (the chat lock and the handled mark
# make it a no-op); this only saves work.
STALE = timedelta(seconds=5)
PARSED_KEPT = 1000  # updates kept parsed while they wait (those beyond are parsed again)


class Found(enum.Enum):
    """What a turn found: no waiting update, the chat's last one, or one with more behind it."""

    NONE = enum.auto()
    LAST = enum.auto()
    MORE = enum.auto()


class Inbox:
    def __init__(
        self, services: Services, bot: Bot, pipeline: Pipeline, replies: ReplySender
    ) -> None:
        self.services = services
        self.bot = bot
        self.bot_id = bot_id(services.settings.require_token())
        self.pipeline = pipeline
        self.replies = replies
        self._slots = asyncio.Semaphore(CONCURRENT_CHATS)
        self._draining: dict[int, asyncio.Task[None]] = {}
        self._dirty: set[int] = set()
        flood = services.settings.flood
        self.flood = FloodGate(flood.burst, flood.per_second)
        self._told_to_wait: set[int] = set()  # chats told about their flood, until it drains
        # Updates as parsed on arrival, by update id, so handling them parses nothing again;
        # one handled elsewhere (another replica, after a restart) is parsed from its row.
        self._parsed: dict[int, Update] = {}

    async def receive(self, updates: Sequence[dict[str, Any]]) -> None:
        """Store updates as Telegram sent them (by polling or webhook) in one commit, raising
        if the database cannot take them, so they are not acknowledged; then start handling
        them."""
        arrivals = []
        for body in updates:
            update = Update.de_json(body, self.bot)
            arrivals.append(Arrival(update.update_id, chat_of(update), body))
            self._parsed[update.update_id] = update
        while len(self._parsed) > PARSED_KEPT:
            del self._parsed[next(iter(self._parsed))]
        db = self.services.db
        async with db.priority.foreground(), db.unit_of_work() as uow:
            await uow.inbox.add(self.bot_id, arrivals, self.services.clock())
        for arrival in arrivals:
            self.schedule(arrival.chat_id)

    def schedule(self, chat_id: int) -> None:
        """Make sure the chat's waiting updates are being handled."""
        self._dirty.add(chat_id)
        if chat_id not in self._draining:
            self._draining[chat_id] = asyncio.create_task(self._drain(chat_id))

    async def catch_up(self, older_than: timedelta = STALE) -> int:
        """Schedule every chat with an update waiting longer than `older_than`."""
        async with self.services.db.unit_of_work() as uow:
            chats = await uow.inbox.waiting_chats(self.bot_id, self.services.clock() - older_than)
        for chat_id in chats:
            self.schedule(chat_id)
        self.flood.forget_full()
        return len(chats)

    async def close(self, grace: float = 10.0) -> None:
        """Finish the updates being handled (nothing new arrives by now), then stop; what is
        left waits in the database for the next start."""
        tasks = list(self._draining.values())
        if tasks:
            _done, pending = await asyncio.wait(tasks, timeout=grace)
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)

    async def _drain(self, chat_id: int) -> None:
        tries = 0
        try:
            while True:
                self._dirty.discard(chat_id)
                try:
                    found = await self._next_turn(chat_id)
                except Exception as error:  # an outage: keep the update, try again later
                    if not is_outage(error):
                        raise
                    delay = BACKOFF[min(tries, len(BACKOFF) - 1)]
                    tries += 1
                    log.warning("chat %s waits %s s: %s", chat_id, delay, _brief(error))
                    await asyncio.sleep(delay)
                    continue
                tries = 0
                if found is not Found.MORE and chat_id not in self._dirty:
                    return
        except Exception:
            log.exception("handling the updates of chat %s stopped", chat_id)
        finally:
            del self._draining[chat_id]
            self._told_to_wait.discard(chat_id)

    async def _next_turn(self, chat_id: int) -> Found:
        """Handle the chat's next update, or wait for its flood control to let it."""
        wait = self.flood.take(chat_id)
        if wait:
            return await self._slow_down(chat_id, wait)
        try:
            async with self._slots, self.services.db.priority.foreground():
                found = await self._handle_next(chat_id)
        except BaseException:
            self.flood.give_back(chat_id)
            raise
        if found is Found.NONE:
            self.flood.give_back(chat_id)
        return found

    async def _slow_down(self, chat_id: int, wait: float) -> Found:
        """The chat is flooding: tell the user once, then wait without holding a slot."""
        async with self.services.db.unit_of_work() as uow:
            row = await uow.inbox.next_waiting(self.bot_id, chat_id)
            if row is None:
                return Found.NONE
            told = chat_id in self._told_to_wait
            body = None if told else await uow.inbox.body(row.id)
        if body is not None:
            self._told_to_wait.add(chat_id)
            await ask_for_patience(self.services, self.bot, Update.de_json(body, self.bot))
        await asyncio.sleep(wait)
        return Found.MORE

    async def _handle_next(self, chat_id: int) -> Found:
        """Handle the chat's earliest waiting update, saying whether another waits after it
        (read in the same query, so a chat's last update costs no extra transaction)."""
        services, metrics = self.services, self.services.metrics
        taken: tuple[int, Update] | None = None  # (row id, update), for the error paths
        try:
            async with services.db.unit_of_work() as uow:
                await uow.inbox.lock_chat(chat_id)
                waiting = await uow.inbox.waiting(self.bot_id, chat_id, 2)
                if not waiting:
                    return Found.NONE
                row, found = waiting[0], Found.MORE if len(waiting) > 1 else Found.LAST
                handling(update_id=row.update_id, chat_id=chat_id, route=None)
                update = self._parsed.pop(row.update_id, None)
                if update is None:  # received by another process, or before a restart
                    update = Update.de_json(await uow.inbox.body(row.id), self.bot)
                kind, arrived = update_type(update), row.received_at
                taken = (row.id, update)
                turn = await self.pipeline.handle(taken[1], self.bot, uow)
                await uow.inbox.mark_handled(row.id, services.clock())
                rows = await self._store_replies(turn)
        except Refused as refused:
            # The button's work is rolled back; the update is still handled, once.
            assert taken is not None
            await self._set_aside(chat_id, taken[0])
            await self._answer(refused.turn)
            metrics.updates.labels(kind, "refused").inc()
            return found
        except Exception as error:
            if is_outage(error) or taken is None:
                raise
            metrics.handler_errors.inc()
            if await self._failed(chat_id, *taken, error):
                metrics.updates.labels(kind, "failed").inc()
            return Found.MORE  # tried again, or given up on: look again either way
        if turn is not None:
            await self._answer(turn)
            await self.replies.deliver(rows)
            metrics.reply_latency.observe((services.clock() - arrived).total_seconds())
            await self._run_after(turn)
        metrics.updates.labels(kind, "handled").inc()
        return found

    async def _store_replies(self, turn: Turn | None) -> list[Reply]:
        if turn is None:
            return []
        query = turn.update.callback_query
        pressed = query.message.message_id if query and query.message else None
        rows = reply_rows(turn.take_outbox(), turn.chat_id, pressed, turn.thread_id)
        now = turn.services.clock()
        for row in rows:
            row.claimed_by, row.claimed_at, row.attempts = self.replies.owner, now, 1
        await turn.uow.replies.add(rows)
        return rows

    async def _answer(self, turn: Turn) -> None:
        """Stop the button's spinner. Not stored: after a crash the press is too old to answer,
        and the reply rows say what happened."""
        due = turn.answer_due
        query = turn.update.callback_query
        if due is None or query is None:
            return
        text, alert, url = due
        try:
            await self.bot.answer_callback_query(query.id, text, show_alert=alert, url=url)
        except (BadRequest, NetworkError) as error:
            log.info("could not answer button press %s: %s", query.id, error)

    async def _run_after(self, turn: Turn) -> None:
        for action in turn.take_after():
            await action()
            rows = reply_rows(turn.take_outbox(), turn.chat_id, None, turn.thread_id)
            for n, row in enumerate(rows):
                row.id, row.attempts = -1 - n, 1  # never stored
            await self.replies.deliver(rows, record=False)

    async def _set_aside(self, chat_id: int, row_id: int) -> None:
        async with self.services.db.unit_of_work() as uow:
            await uow.inbox.lock_chat(chat_id)
            await uow.inbox.mark_handled(row_id, self.services.clock())

    async def _failed(self, chat_id: int, row_id: int, update: Update, error: Exception) -> bool:
        """Count a handler's failure; True when the update is given up on (apologised for)."""
        log.error("update %s of chat %s failed", update.update_id, chat_id, exc_info=error)
        async with self.services.db.unit_of_work() as uow:
            failures = await uow.inbox.record_failure(row_id)
            if failures < MAX_FAILURES:
                return False
            await uow.inbox.mark_handled(row_id, self.services.clock())
        await apologise(self.services, self.bot, update)
        return True


def bot_id(token: str) -> int:
    """The bot's id, the part of its token before the colon."""
    return int(token.split(":", 1)[0])


def chat_of(update: Update) -> int:
    """The chat an update belongs to (the user's id when it has no chat; 0 when neither)."""
    if update.effective_chat is not None:
        return update.effective_chat.id
    if update.effective_user is not None:
        return update.effective_user.id
    return 0


def is_outage(error: BaseException) -> bool:
    """The database or Telegram is unreachable for now: the update should wait, not fail."""
    outages = OperationalError | InterfaceError | NetworkError | RetryAfter | OSError | TimeoutError
    if isinstance(error, outages):
        return not isinstance(error, BadRequest)
    return isinstance(error, DBAPIError) and error.connection_invalidated


def _brief(error: BaseException) -> str:
    return f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"
