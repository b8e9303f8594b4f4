"""Reading a content file: TOML syntax, then the schema, with every problem named by entry and
field ("events[2] (glf-soils).ends: must be after starts")."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any, cast

from pydantic import ValidationError

from bot.content.schema import Content
from bot.i18n import without_controls

MAX_FILE_BYTES = 2_000_000


class ContentError(Exception):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def read_content_file(path: Path) -> Content:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ContentError([f"{path}: file not found"]) from None
    return read_content(data, str(path))


def read_content(data: bytes, source: str) -> Content:
    if len(data) > MAX_FILE_BYTES:
        raise ContentError([f"{source}: larger than {MAX_FILE_BYTES:,} bytes"])
    try:
        raw: dict[str, Any] = _plain(tomllib.loads(data.decode("utf-8")))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ContentError([f"{source}: not valid TOML: {error}"]) from None
    except RecursionError:
        raise ContentError([f"{source}: not valid TOML: nested too deeply"]) from None
    try:
        return Content.model_validate(raw)
    except ValidationError as error:
        problems = [_describe(raw, e["loc"], e["msg"]) for e in error.errors()]
        raise ContentError(list(dict.fromkeys(problems))) from None


def _plain(value: Any) -> Any:
    """Strings without control characters (TOML's escapes allow a NUL, which no database
    column takes)."""
    if isinstance(value, str):
        return without_controls(value)
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {without_controls(key): _plain(item) for key, item in value.items()}
    return value


def _describe(raw: dict[str, Any], loc: tuple[int | str, ...], message: str) -> str:
    """ "checkin_templates[0] (flrm).questions[2] (area).max: ..." from Pydantic's location."""
    where, node = "", cast(object, raw)
    for step in loc:
        if isinstance(step, int):
            node = node[step] if isinstance(node, list) and step < len(node) else None
            where += f"[{step}]"
            if isinstance(node, dict):
                where += f" ({_name_of(node)})"
            continue
        # Pydantic names the union member it tried ("str", "dict[...]"); readers need the field.
        if step == "[key]" or step.startswith(
            ("dict[", "str", "constrained", "function-after[", "literal[")
        ):
            continue
        where += f".{step}" if where else step
        node = node.get(step) if isinstance(node, dict) else None
    return f"{where}: {message.removeprefix('Value error, ')}"


def _name_of(entry: dict[str, Any]) -> str:
    for field in ("slug", "key", "programme"):
        if isinstance(entry.get(field), str):
            return str(entry[field])
    return "?"
