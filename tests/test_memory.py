"""The bot caps glibc's malloc arenas at start, so threads share what they free, and keeps what
it imported out of the cyclic collector's walks."""

import subprocess
import sys
import textwrap
from pathlib import Path

# A process that starts eight threads which each allocate from malloc (blocks too large for
# Python's own allocator) while all are alive, then asks glibc how many arenas (heaps) it made.
COUNT_HEAPS = """
import ctypes, ctypes.util, sys, threading
from bot.ops.memory import limit_malloc_arenas
if sys.argv[1] == "capped":
    assert limit_malloc_arenas()
held = []
together = threading.Barrier(8)  # none ends (freeing its arena for the next) before all allocate
def allocate():
    held.extend(bytes(8192) for _ in range(200))
    together.wait()
threads = [threading.Thread(target=allocate) for _ in range(8)]
for thread in threads: thread.start()
for thread in threads: thread.join()
libc = ctypes.CDLL(ctypes.util.find_library("c"))
libc.fopen.restype = ctypes.c_void_p
out = libc.fopen(sys.argv[2].encode(), b"w")
libc.malloc_info(0, ctypes.c_void_p(out))
libc.fclose(ctypes.c_void_p(out))
"""


def heaps(tmp_path: Path, mode: str) -> int:
    report = tmp_path / f"{mode}.xml"
    subprocess.run(  # noqa: S603 - our own interpreter and fixed arguments
        [sys.executable, "-c", textwrap.dedent(COUNT_HEAPS), mode, str(report)],
        check=True,
        cwd=Path(__file__).parents[1],
    )
    return report.read_text().count("<heap nr=")


def test_threads_share_two_arenas_once_capped(tmp_path: Path) -> None:
    assert heaps(tmp_path, "default") > 2  # the check can tell: threads get arenas of their own
    assert heaps(tmp_path, "capped") <= 2


# A process that imports the bot, optionally freezes it, then counts what a full collection
# would walk, and whether a cycle made afterwards is still collected.
COUNT_TRACKED = """
import gc, sys
import bot.runner
from bot.ops.memory import freeze_imports
if sys.argv[1] == "frozen":
    freeze_imports()
walked = len(gc.get_objects())
class Node: pass
a, b = Node(), Node()
a.other, b.other = b, a
del a, b
print(walked, gc.collect())
"""


def tracked(mode: str) -> tuple[int, int]:
    out = subprocess.run(  # noqa: S603 - our own interpreter and fixed arguments
        [sys.executable, "-c", textwrap.dedent(COUNT_TRACKED), mode],
        check=True,
        capture_output=True,
        text=True,
        cwd=Path(__file__).parents[1],
    ).stdout.split()
    return int(out[0]), int(out[1])


def test_a_full_collection_skips_what_was_imported_and_still_collects_later_cycles() -> None:
    walked_as_imported, _ = tracked("imported")
    walked_frozen, collected = tracked("frozen")
    assert walked_frozen * 20 < walked_as_imported  # ~175,000 objects, almost none walked
    assert collected >= 2  # the two nodes of the cycle made after the freeze
