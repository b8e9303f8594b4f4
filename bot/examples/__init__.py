"""Example content (two programmes, their landscapes, check-in templates and a meeting),
shipped inside the package so that an installed bot, a wheel or the Docker image has it: the
sandbox loads it, and `landscape-bot import` takes its path."""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable


def example_content() -> Traversable:
    """The example content file, wherever the package is installed."""
    return files(__name__) / "content.toml"
