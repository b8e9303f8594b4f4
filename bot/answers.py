"""The free-text matcher over the built-in intents and every FAQ entry, kept in memory and
rebuilt when FAQ entries change.

Whether they changed is asked of the database with one cheap query per question, so an edit
made through any replica is seen by all of them.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.intents import IntentMatcher, Phrase
from storage.uow import UnitOfWork

FAQ_INTENT = "faq:"  # intents "faq:<id>" answer with that FAQ entry


class AnswerIndex:
    def __init__(self, builtin: Sequence[Phrase]) -> None:
        self._builtin = list(builtin)
        self._revision: object = None
        self._matcher: IntentMatcher | None = None

    async def matcher(self, uow: UnitOfWork) -> IntentMatcher:
        revision = await uow.faq.revision()
        if self._matcher is None or revision != self._revision:
            phrases = list(self._builtin)
            for entry_id, triggers, question in await uow.faq.triggers():
                intent = f"{FAQ_INTENT}{entry_id}"
                phrases += [
                    Phrase(intent, language, text)
                    for language, texts in triggers.items()
                    for text in texts
                ]
                # The question as written is itself a good way to ask it.
                phrases += [Phrase(intent, language, text) for language, text in question.items()]
            self._matcher, self._revision = IntentMatcher(phrases), revision
        return self._matcher
