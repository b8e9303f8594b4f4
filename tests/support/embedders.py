"""A small embedder of our own, to show a deployment can plug in another model by a setting."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np

from bot.understanding.embedding import Role, Vectors

DIMENSIONS = 64


class LetterTriples:
    """Hashed letter triples: alike spelling, alike vectors (no meaning at all)."""

    name = "letter-triples"

    def __init__(self) -> None:
        self.calls = 0

    def embed(self, texts: Sequence[str], role: Role) -> Vectors:
        self.calls += 1
        vectors = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        for row, text in enumerate(texts):
            padded = f"  {text.casefold()} "
            for i in range(len(padded) - 2):
                digest = hashlib.blake2b(padded[i : i + 3].encode(), digest_size=2).digest()
                vectors[row, int.from_bytes(digest, "big") % DIMENSIONS] += 1.0
            vectors[row] /= max(float(np.linalg.norm(vectors[row])), 1e-9)
        return vectors


def letter_triples() -> LetterTriples:
    return LetterTriples()
