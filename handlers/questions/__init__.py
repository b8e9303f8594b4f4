"""Questions: free text answered by meaning (`ask`, `answers`; /contact: `coordinators`), the
FAQ entries coordinators keep (/faq: `faq`, `faq_add`, `faq_edit`, `faq_views`) and the
questions nothing matched (/unanswered: `unanswered`)."""

from __future__ import annotations

from bot.routing import Route
from handlers.questions import ask, faq
from handlers.questions.ask import free_text

ROUTES: tuple[Route, ...] = (*faq.ROUTES, *ask.ROUTES)

__all__ = ["ROUTES", "free_text"]
