"""Fewer malloc arenas: glibc gives each thread that allocates its own arena, and each keeps what
was freed in it. The model embeds in worker threads and every aiosqlite connection has a thread,
so after indexing the example content a process held 266 MiB with glibc's default (eight arenas
a core) and 210 MiB with two, for the same work (`benchmarks.load` shows the whole bot's RSS).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import platform

M_ARENA_MAX = -8  # glibc's mallopt parameter (malloc.h)
ARENAS = 2


def limit_malloc_arenas(arenas: int = ARENAS) -> bool:
    """Cap glibc's arenas; call before threads start (arenas already made stay). Returns whether
    the cap was set: elsewhere than glibc there is nothing to do."""
    if platform.libc_ver()[0] != "glibc":
        return False
    libc = ctypes.CDLL(ctypes.util.find_library("c"))
    return bool(libc.mallopt(M_ARENA_MAX, arenas))
