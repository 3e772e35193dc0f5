"""The matcher every request shares, and reloading it without a restart.

A reload builds a complete new matcher first and swaps it in with one assignment, so a question
being answered keeps the matcher it started with and the next one gets the new knowledge. A broken
edit never replaces a working knowledge base: the problems are logged and the last good one keeps
serving until the files are fixed.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence

from bot.core.cache import knowledge_stamp, load_matcher
from bot.core.matcher import Matcher
from bot.core.models import KnowledgeError

log = logging.getLogger("tpm_bot")

#: Seconds between checks of the knowledge files' sizes and modification times.
WATCH_INTERVAL = 1.0


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
            log.info(
                "kind=reload reason=%s decision=loaded sections=%d",
                reason,
                len(matcher.kb.sections),
            )
            return True

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
