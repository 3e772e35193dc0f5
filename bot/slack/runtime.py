"""What `serve` (HTTP) and `socket` (Socket Mode) share, written once: the store, the reply pool,
the Bolt app, the metrics, SIGHUP and file-watch reloads, and an orderly stop.

One process answers everything. Bolt acknowledges an event before its listener runs, and the
listener runs on the reply pool, so an acknowledgement never waits on an answer; matching costs
milliseconds, and Slack caps a workspace at about 8 events a second, far below what one process
answers. A stop (SIGTERM, as platforms send before they kill, about 30 s later) first stops
taking requests, then gives the answers in flight DRAIN_SECONDS to finish, and logs how many it
had to drop.
"""

from __future__ import annotations

import gc
import logging
import signal
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from slack_bolt import App

from bot.core.holder import KnowledgeHolder
from bot.settings import Settings, StartupError
from bot.slack.app import build_app
from bot.slack.metrics import Metrics
from bot.store.store import Store

#: Threads that compute and send replies after the ack. Sending is mostly waiting on Slack,
#: and a rate-limited send sleeps for its Retry-After, so there are more threads than cores.
REPLY_THREADS = 32
#: Seconds a stop waits for the answers in flight (platforms kill about 30 s after SIGTERM).
DRAIN_SECONDS = 25.0

log = logging.getLogger("tpm_bot")


class ReplyPool(ThreadPoolExecutor):
    """Bolt's listener executor, counting the answers in flight so that a stop can wait for
    them with a deadline and say how many it dropped."""

    def __init__(self, threads: int = REPLY_THREADS) -> None:
        super().__init__(threads, thread_name_prefix="reply")
        self._in_flight = 0
        self._changed = threading.Condition()

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        with self._changed:
            self._in_flight += 1
        try:
            future = super().submit(fn, *args, **kwargs)
        except RuntimeError:  # stopping: no new work
            self._finished(None)
            raise
        future.add_done_callback(self._finished)
        return future

    def _finished(self, _: Future[Any] | None) -> None:
        with self._changed:
            self._in_flight -= 1
            self._changed.notify_all()

    @property
    def in_flight(self) -> int:
        return self._in_flight

    def drain(self, seconds: float) -> int:
        """Take no new work, wait up to `seconds` for the work in flight, cancel what has not
        started by then, and return how many answers did not finish."""
        self.shutdown(wait=False)
        with self._changed:
            self._changed.wait_for(lambda: self._in_flight == 0, timeout=seconds)
            left = self._in_flight
        if left:
            self.shutdown(wait=False, cancel_futures=True)
        return left


def open_store(settings: Settings, stop: threading.Event) -> Store:
    """The store, migrated to the shipped schema (under the migration lock), with expired rows
    purged in the background. A database that cannot be reached does not stop the bot: it
    answers without the store and tries the migration again later."""
    try:
        store = Store.configured(settings)
    except OSError as error:  # the SQLite file's folder cannot be created
        raise StartupError(
            [f"cannot create the database {settings.database_shown} ({error.strerror})"]
        ) from None
    store.try_upgrade()
    store.purge_in_background(stop)
    return store


def warm_up(holder: KnowledgeHolder) -> None:
    """Load, before the first event, what the first question would otherwise load while Slack
    waits: the sentence model (about 0.2 s) and the word lists that keep a gap question's terms
    (bot.store.questions). Measured under a cold flood, they held up the first answers."""
    from bot.store.questions import gap_terms

    holder.matcher.match("how do I become a technical product manager?")
    gap_terms("warm up")


class Runtime:
    """One serving process's state, from start to an orderly stop.

    `store` and `threads` are for tests, which bring a database of their own and need fewer
    threads. Raises StartupError when Slack refuses the bot token or cannot be reached."""

    def __init__(
        self,
        settings: Settings,
        holder: KnowledgeHolder,
        *,
        store: Store | None = None,
        threads: int = REPLY_THREADS,
    ) -> None:
        self.settings = settings
        self.holder = holder
        self.stopping = threading.Event()
        self.replies = ReplyPool(threads)
        self._own_store = store is None
        self.store = store if store is not None else open_store(settings, self.stopping)
        self.metrics = Metrics()
        self.metrics.watch(holder, self.store)
        self.app: App = build_app(settings, holder, self.replies, self.store, self.metrics)
        warm_up(holder)

    def handle_signals(self, stop: Callable[[], None]) -> None:
        """SIGTERM and SIGINT call `stop`; SIGHUP reloads the knowledge off the signal handler;
        with TPM_BOT_RELOAD=1 an edited knowledge file is reloaded on its own."""
        signal.signal(signal.SIGTERM, lambda *_: stop())
        signal.signal(signal.SIGINT, lambda *_: stop())
        signal.signal(signal.SIGHUP, lambda *_: self.holder.reload_soon("sighup"))
        if self.settings.reload_on_change:
            self.holder.watch()
        # Everything built so far (the knowledge index, Bolt) lives as long as the process: take
        # it out of the garbage collector's full sweeps, which otherwise walk it again under load.
        gc.freeze()

    def started(self, mode: str, where: str) -> None:
        settings, matcher = self.settings, self.holder.matcher
        log.info(
            "kind=start mode=%s %s sections=%d knowledge_files=%d engine=%s "
            "reload_on_change=%s database=%s",
            mode,
            where,
            len(matcher.kb.sections),
            len(matcher.kb.files),
            matcher.engine,
            "on" if settings.reload_on_change else "off",
            settings.database_shown,
        )

    def close(self, drain_seconds: float = DRAIN_SECONDS) -> None:
        """Finish the answers in flight (or count those that ran out of time), then close the
        store, flushing what it buffered."""
        log.info("kind=shutdown decision=draining answers=%d", self.replies.in_flight)
        left = self.replies.drain(drain_seconds)
        if left:
            self.metrics.dropped_answers.inc(left)
            log.warning("kind=shutdown decision=dropped answers=%d", left)
        log.info("kind=shutdown decision=drained")
        self.stopping.set()
        if self._own_store:
            self.store.close()
