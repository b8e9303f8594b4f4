"""Waiting for something a background task does, bounded so a test fails instead of hanging."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

STEP = 0.02


async def until(condition: Callable[[], bool], within: float, what: str = "condition") -> None:
    for _ in range(int(within / STEP)):
        if condition():
            return
        await asyncio.sleep(STEP)
    if not condition():
        raise AssertionError(f"{what} not met within {within} s")
