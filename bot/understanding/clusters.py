"""Grouping questions that ask the same thing, so a coordinator answers a group once."""

from __future__ import annotations

import numpy as np

from bot.understanding.embedding import Vectors

# Rewordings of one question sit at 0.90-0.99 with the default model; different questions in
# the same frame ("where to buy fencing wire in Kampot" / "the price of fertilizer in Kampot")
# reach 0.90, and wrongly merged questions would get one answer: so a high bar. Across
# languages rewordings reach only ~0.85 and stay apart.
SAME_QUESTION = 0.92


def group(vectors: Vectors, threshold: float = SAME_QUESTION) -> list[list[int]]:
    """Positions of `vectors` in groups, in the order given (each group led by its first):
    a vector joins the first group whose mean it is at least `threshold` alike to."""
    groups: list[list[int]] = []
    sums: list[Vectors] = []
    for position, vector in enumerate(vectors):
        for members, total in zip(groups, sums, strict=True):
            centre = total / np.linalg.norm(total)
            if float(centre @ vector) >= threshold:
                members.append(position)
                total += vector
                break
        else:
            groups.append([position])
            sums.append(vector.astype(np.float32, copy=True))
    return groups
