"""What an installed bot carries: a wheel holds the example content the sandbox loads and the
fonts its charts draw with, and installed alone in a fresh environment it runs the sandbox."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import sysconfig
import tomllib
import venv
import zipfile
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from bot.checkins.charts import bundled_fonts
from bot.content import read_content
from bot.examples import example_content

ROOT = Path(__file__).parents[1]
TIMEOUT = 60.0


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("wheel")
    subprocess.run(  # noqa: S603 - this interpreter building this source tree
        [sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "--no-build-isolation",
         "--quiet", "--wheel-dir", str(folder)],
        check=True, cwd=folder,
    )  # fmt: skip
    (built,) = folder.glob("landscape_bot-*.whl")
    return built


def test_the_wheel_carries_the_example_content(wheel: Path) -> None:
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


@pytest.fixture
def installed(wheel: Path, tmp_path: Path) -> Path:
    """A fresh environment holding the wheel, not this checkout; it borrows the installed
    dependencies through a .pth line, so nothing is fetched. Returns its bin folder."""
    target = tmp_path / "env"
    venv.create(target, with_pip=True)
    python = target / "bin" / "python"
    subprocess.run(  # noqa: S603 - the new environment's pip installing the built wheel
        [str(python), "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", str(wheel)],
        check=True,
    )  # fmt: skip
    site = Path(subprocess.check_output(  # noqa: S603
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        text=True,
    ).strip())  # fmt: skip
    (site / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    where = subprocess.check_output(  # noqa: S603
        [str(python), "-c", "import bot; print(bot.__file__)"], cwd=tmp_path, env=_env(), text=True
    )
    assert Path(where.strip()).is_relative_to(site)
    return target / "bin"


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LANDSCAPE_BOT_", "PYTHON"))}
    return env | {"LANG": "C", "PYTHONUNBUFFERED": "1"}


async def test_the_wheel_installed_in_a_fresh_environment_runs_the_sandbox(
    installed: Path, tmp_path: Path
) -> None:
    """Installed from the wheel alone, the sandbox starts with the example content and answers
    "when is the next meeting?" with the example meeting."""
    process = await asyncio.create_subprocess_exec(
        str(installed / "landscape-bot"), "sandbox", "--as", "coordinator",
        "--database", f"sqlite+aiosqlite:///{tmp_path / 'sandbox.db'}",
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT, cwd=tmp_path, env=_env(),
    )  # fmt: skip
    assert process.stdin is not None
    assert process.stdout is not None
    seen = ""
    try:
        process.stdin.write(b"/next\n")
        await process.stdin.drain()
        async with asyncio.timeout(TIMEOUT):
            while "FLRM progress meeting with the Korea Forest Service" not in seen:
                chunk = await process.stdout.read(4096)
                assert chunk, f"the sandbox ended:\n{seen}"
                seen += chunk.decode(errors="replace")
            process.stdin.write(b":quit\n")
            await process.stdin.drain()
            assert await process.wait() == 0
    finally:
        if process.returncode is None:
            process.kill()
