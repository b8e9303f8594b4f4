"""Understanding partners' questions by meaning, in every language, from everything the
partnership has written: `Understanding.read` gives a `Reading` (answer, guesses or none, and
the time window and places a question narrows to)."""

from bot.understanding.corpus import EVENT, FAQ, PROGRAMME
from bot.understanding.service import Reading, Understanding
from bot.understanding.verdict import Verdict

__all__ = ["EVENT", "FAQ", "PROGRAMME", "Reading", "Understanding", "Verdict"]
