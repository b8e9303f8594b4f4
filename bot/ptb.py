"""python-telegram-bot's generic types with their parameters filled in once, as this bot
builds them: the context jobs and error handlers get, its job queue, the application."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from telegram.ext import Application, CallbackContext, ExtBot, JobQueue

# PTB's default context (ContextTypes.DEFAULT_TYPE): user, chat and bot data as plain dicts.
Context = CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]
Jobs = JobQueue[Context]
# The application's bot is typed by its rate limiter's per-call argument (ReplyLimiter's:
# the retries, an int).
App = Application[ExtBot[int], Context, dict[Any, Any], dict[Any, Any], dict[Any, Any], Jobs]
Job = Callable[[Context], Coroutine[Any, Any, None]]
