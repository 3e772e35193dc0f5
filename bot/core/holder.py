"""The matcher every request shares, and reloading it without a restart.

A reload builds a complete new matcher first and swaps it in with one assignment, so a question
being answered keeps the matcher it started with and the next one gets the new knowledge. A broken
edit never replaces a working knowledge base: the problems are logged and the last good one keeps
serving until the files are fixed.
"""

from __future__ import annotations

import ctypes
import gc
import logging
import threading
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

from bot.core.cache import knowledge_stamp, load_matcher
from bot.core.matcher import Matcher
from bot.core.models import KnowledgeError

log = logging.getLogger("tpm_bot")

#: Seconds between checks of the knowledge files' sizes and modification times.
WATCH_INTERVAL = 1.0


def release_freed_memory() -> None:
    """Give the old knowledge's memory back to the system after a reload.

    A reload runs on a thread of its own, and glibc keeps what each thread's arena freed: 30
    reloads grew `serve` by 60 MB that no object held. Collecting, then trimming the heap,
    keeps the process at its first size. A no-op where there is no glibc.
    """
    gc.collect()
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.malloc_trim(0)
    except (OSError, AttributeError):
        pass


class KnowledgeHolder:
    """The one place a process keeps its knowledge: every reload, whether asked for by a signal
    or by a changed file, goes through it, so the last good knowledge base is never lost."""

    def __init__(
        self,
        matcher: Matcher,
        paths: Sequence[str] = (),
        cache_dir: str = "",
        encoder: bool = True,
    ) -> None:
        self.matcher = matcher
        self.encoder = encoder
        #: Extra knowledge files and folders (the shipped guide is always included).
        self.paths = list(paths)
        self.cache_dir = cache_dir
        self._stamp = knowledge_stamp(self.paths)
        self._lock = threading.Lock()
        self._reloader: ThreadPoolExecutor | None = None
        #: Reloads so far by outcome ("loaded", "kept_last_good"), for the metrics page.
        self.reloads: Counter[str] = Counter()

    @classmethod
    def load(
        cls, paths: Sequence[str], cache_dir: str = "", encoder: bool = True
    ) -> KnowledgeHolder:
        """Load the shipped guide plus `paths`; raises KnowledgeError listing every problem."""
        return cls(load_matcher(paths, cache_dir, encoder), paths, cache_dir, encoder)

    def reload(self, reason: str, stamp: str | None = None) -> bool:
        """Load the knowledge files again; True if the new knowledge base is now serving."""
        with self._lock:
            # Stamp before loading: an edit made during the load is picked up by the next check.
            stamp = stamp or knowledge_stamp(self.paths)
            try:
                matcher = load_matcher(self.paths, self.cache_dir, self.encoder)
            except KnowledgeError as error:
                self._stamp = stamp  # do not retry the same broken files every second
                self.reloads["kept_last_good"] += 1
                log.error(
                    "kind=reload reason=%s decision=kept_last_good problems=%d sections=%d",
                    reason,
                    len(error.problems),
                    len(self.matcher.kb.sections),
                )
                for problem in error.problems:
                    log.error("kind=reload problem=%s", problem)
                return False
            self.matcher = matcher
            self._stamp = stamp
            self.reloads["loaded"] += 1
            release_freed_memory()
            log.info(
                "kind=reload reason=%s decision=loaded sections=%d",
                reason,
                len(matcher.kb.sections),
            )
            return True

    def reload_soon(self, reason: str) -> None:
        """Reload on the holder's one reload thread, off the caller's (a signal handler's).

        Always the same thread: glibc gives each new thread's allocations an arena of their
        own and keeps what it frees, so a fresh thread per reload grew `serve` by about 50 MB
        over 30 reloads before levelling off; one thread reuses one arena.
        """
        with self._lock:
            if self._reloader is None:
                self._reloader = ThreadPoolExecutor(max_workers=1, thread_name_prefix="reload")
        self._reloader.submit(self.reload, reason)

    def reload_if_changed(self) -> bool | None:
        """Reload if a knowledge file changed since the last load; None if nothing changed."""
        stamp = knowledge_stamp(self.paths)
        if stamp == self._stamp:
            return None
        return self.reload("file_changed", stamp)

    def watch(self, interval: float = WATCH_INTERVAL) -> threading.Thread:
        """Check for edited knowledge files in the background, for the life of the process."""

        def run() -> None:
            stop = threading.Event()
            while not stop.wait(interval):
                try:
                    self.reload_if_changed()
                except Exception:  # a watcher that dies silently would be worse than a log line
                    log.exception("kind=reload reason=file_changed decision=error")

        thread = threading.Thread(target=run, name="knowledge-watch", daemon=True)
        thread.start()
        return thread
