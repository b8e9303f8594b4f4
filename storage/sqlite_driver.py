"""aiosqlite with one hand-off a statement.

aiosqlite runs each call on the connection's own thread, and SQLAlchemy's adapter makes four
calls a statement (open a cursor, execute, fetch, close), plus a rollback each time a
connection goes back to the pool: each call is a trip to that thread and back through the event
loop, and those trips were a fifth of the process's CPU. Here a statement is one trip (the
cursor opened, executed, read and closed on the database thread), and a commit or rollback with
no transaction open is not sent at all (there is nothing for it to do; `in_transaction` is
read, not changed, from this thread). Same SQL, same transactions, same thread doing the work.
"""

from __future__ import annotations

import collections
import sqlite3
from typing import Any

import aiosqlite
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
)
from sqlalchemy.util.concurrency import await_


class _Done:
    """What a statement left behind, read on the database thread before its cursor closed."""

    __slots__ = ("arraysize", "description", "lastrowid", "rowcount")

    def __init__(self) -> None:
        self.description: Any = None
        self.rowcount = -1
        self.lastrowid: int | None = None
        self.arraysize = 1

    def close(self) -> None:
        pass


def _run(
    connection: sqlite3.Connection, done: _Done, many: bool, operation: Any, parameters: Any
) -> list[Any]:
    cursor = connection.cursor()
    try:
        if many:
            cursor.executemany(operation, parameters)
        elif parameters is None:
            cursor.execute(operation)
        else:
            cursor.execute(operation, parameters)
        done.description = cursor.description
        rows = cursor.fetchall() if cursor.description else []
        done.rowcount, done.lastrowid = cursor.rowcount, cursor.lastrowid
        return rows
    finally:
        cursor.close()


class LeanCursor(AsyncAdapt_aiosqlite_cursor):
    __slots__ = ()
    _awaitable_cursor_close = False

    def _make_new_cursor(self, connection: Any) -> Any:
        return _Done()

    def _aenter_cursor(self, cursor: Any) -> Any:
        return cursor

    def close(self) -> None:
        self._rows.clear()

    async def _execute_async(self, operation: Any, parameters: Any) -> Any:
        return await self._once(False, operation, parameters)

    async def _executemany_async(self, operation: Any, seq_of_parameters: Any) -> Any:
        return await self._once(True, operation, seq_of_parameters)

    async def _once(self, many: bool, operation: Any, parameters: Any) -> None:
        connection: Any = self._connection  # an aiosqlite.Connection
        async with self._adapt_connection._execute_mutex:
            rows = await connection._execute(
                _run, connection._conn, self._cursor, many, operation, parameters
            )
        self._rows = collections.deque(rows)


class LeanConnection(AsyncAdapt_aiosqlite_connection):
    __slots__ = ()
    _cursor_cls = LeanCursor

    def _open(self) -> bool:
        inner = self._connection._connection
        return inner is not None and inner.in_transaction

    def rollback(self) -> None:
        if self._open():
            super().rollback()

    def commit(self) -> None:
        if self._open():
            super().commit()


class LeanDbapi(AsyncAdapt_aiosqlite_dbapi):
    def connect(self, *arg: Any, **kw: Any) -> LeanConnection:
        connection: Any = aiosqlite.connect(*arg, **kw)
        connection._thread.daemon = True  # as SQLAlchemy's own adapter does
        return LeanConnection(self, await_(connection))


def lean_aiosqlite() -> LeanDbapi:
    """The DBAPI module to give `create_async_engine(..., module=...)` for sqlite+aiosqlite."""
    return LeanDbapi(aiosqlite, sqlite3)
