"""What an installed bot carries: a wheel holds the example content the sandbox loads and the
fonts its charts draw with."""

from __future__ import annotations

import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from bot.checkins.charts import bundled_fonts
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
    # The chart fonts and their licence: Korean and Khmer charts draw no boxes when installed.
    assert {f"bot/checkins/fonts/{font.name}" for font in bundled_fonts()} <= names
    assert "bot/checkins/fonts/OFL-NotoSansKR.txt" in names


def test_the_example_content_is_found_as_package_data() -> None:
    content = read_content(example_content().read_bytes(), "the example content")
    assert content.programmes


def test_every_dependency_is_pinned_in_the_lock_file() -> None:
    """A dependency added to pyproject.toml without re-locking would install unpinned in CI and
    the image; the lock must name each one (dev tools included)."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = [*project["dependencies"], *project["optional-dependencies"]["dev"]]
    pinned = {
        canonicalize_name(line.split("==")[0])
        for line in (ROOT / "requirements.lock").read_text().splitlines()
        if "==" in line and not line.startswith("#")
    }
    names = {canonicalize_name(Requirement(spec).name) for spec in wanted}
    assert names <= pinned, names - pinned
