"""What an installed bot carries: a wheel holds the example content the sandbox loads."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from bot.content import read_content
from bot.examples import example_content

ROOT = Path(__file__).parents[1]


def test_the_wheel_carries_the_example_content(tmp_path: Path) -> None:
    subprocess.run(  # noqa: S603 - this interpreter building this source tree
        [sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "--no-build-isolation",
         "--quiet", "--wheel-dir", str(tmp_path)],
        check=True, cwd=tmp_path,
    )  # fmt: skip
    (wheel,) = tmp_path.glob("landscape_bot-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        shipped = archive.read("bot/examples/content.toml")
    assert shipped == example_content().read_bytes()
    assert "bot/ops/server.py" in names


def test_the_example_content_is_found_as_package_data() -> None:
    content = read_content(example_content().read_bytes(), "the example content")
    assert content.programmes
