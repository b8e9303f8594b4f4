"""The bot caps glibc's malloc arenas at start, so threads share what they free."""

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
