"""How the process holds its memory.

Fewer malloc arenas: glibc gives each thread that allocates its own arena, and each keeps what
was freed in it. The model embeds in worker threads and every aiosqlite connection has a thread,
so after indexing the example content a process held 266 MiB with glibc's default (eight arenas
a core) and 210 MiB with two, for the same work (`benchmarks.load` shows the whole bot's RSS).

What was imported, out of the cyclic collector's sight: the modules, classes and functions the
bot imports are ~175,000 of the ~215,000 objects the collector tracks once it runs, and they live
as long as the process; yet every full collection walked them all, holding every thread for
100–250 ms on a small host (the loop-lag warnings during a broadcast). Frozen once imported,
they are skipped; what the bot builds afterwards (content, index, rows) is collected as before.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
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


def freeze_imports() -> int:
    """Move every object alive now into the collector's permanent generation; call once the bot
    is imported and before it builds anything an edit may replace (frozen garbage is never
    collected). Returns how many objects were frozen."""
    gc.collect()  # what import-time work left behind goes now, not frozen for good
    gc.freeze()
    return gc.get_freeze_count()
