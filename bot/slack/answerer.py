"""Answer Slack events in a second process, so that acknowledgements never wait on answers.

Slack times every acknowledgement (3 seconds, then it retries), and in one Python process the
request threads that acknowledge share one interpreter lock with the threads that match, read
the store and send replies: under a burst of questions the answers slow the acknowledgements.
So `tpm-bot serve` acknowledges an event as soon as its signature checks out and hands it, as
Slack sent it, to an answering process running the same Bolt app (listeners, retry
de-duplication, the store). Slash commands, buttons and the OAuth pages stay in the serving
process: their response is part of the acknowledgement.

The answering process stops when the serving process tells it to (after finishing its replies
in flight) or when the serving process is gone. If it dies, the serving process logs it, answers
what it left, and starts another (three times in ten minutes at most; past that it answers
events itself). An event whose answer failed before its listener ran (in OAuth mode, the
workspace's token could not be read from the database) is tried again a few times, as Slack
would have retried it had the acknowledgement failed.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import multiprocessing
import os
import pickle
import queue
import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from multiprocessing.connection import Connection
    from multiprocessing.process import BaseProcess
    from multiprocessing.synchronize import Event

    from slack_bolt import App

    from bot.core.matcher import Matcher
    from bot.settings import Settings

log = logging.getLogger("tpm_bot")

#: Seconds the serving process waits for the answering one to start before it answers alone.
START_SECONDS = 60.0
#: Seconds the answering process may take to finish its replies at shutdown (platforms give
#: about 30 in all).
STOP_SECONDS = 25.0
#: Answering processes started again after one died, at most, in RESTART_WINDOW seconds.
RESTARTS = 3
RESTART_WINDOW = 600
#: Seconds between tries of an event whose answer could not start (see the module's docstring).
RETRY_DELAYS = (1.0, 5.0, 30.0)

#: What travels to the answering process: the request body as Slack sent it, and its headers.
Delivery = tuple[bytes, dict[str, str]]


def forwarded_headers(environ: dict[str, Any]) -> dict[str, str]:
    """The request's headers as Bolt names them (lower case, dashes), read by Bolt's own WSGI
    adapter, so the answering process sees what Bolt would have seen here."""
    from slack_bolt.adapter.wsgi.http_request import WsgiHttpRequest

    return {k: str(v) for k, v in WsgiHttpRequest(environ).get_headers().items()}


class _Child:
    """One answering process and what feeds it: a pipe, written by one sender thread from a
    local queue, so that an acknowledgement only puts the event in the queue."""

    def __init__(self, process: BaseProcess, receiver: Connection, sender: Connection) -> None:
        self.process = process
        self.receiver = receiver  # this process's copy of the read end, to drain if it dies
        self.sender = sender
        self.outbox: queue.SimpleQueue[Delivery | None] = queue.SimpleQueue()
        self.dead = threading.Event()
        self.sending: threading.Thread | None = None


class _Pending(NamedTuple):
    """A launched answering process, not yet known to be ready."""

    process: BaseProcess
    receiver: Connection
    sender: Connection
    ready: Event


class AnswerProcess:
    """The serving process's handle on the answering process.

    If the answering process dies, a watcher notices at once, logs it, and answers here
    whatever was still on its way (in the queue or in the pipe): only an event that process had
    already taken is lost with it. Then it starts another, RESTARTS times in RESTART_WINDOW
    seconds at most; past that, or if one cannot start, the serving process answers alone.
    """

    def __init__(self, settings: Settings, matcher: Matcher) -> None:
        # spawn, not fork: the serving process already runs threads (the store's writers), and
        # a forked copy of a held lock would never be released.
        self._context = multiprocessing.get_context("spawn")
        self._settings = settings
        self._matcher = matcher
        self._answer_here: Callable[[Delivery], None] = lambda delivery: None
        self._pending: _Pending | None = None
        self._lock = threading.Lock()  # forward() against the watcher: no event slips between
        self._child: _Child | None = None  # None while none is answering
        self._stopping = threading.Event()
        self._restarts: list[float] = []

    def launch(self) -> None:
        """Start it without waiting: it loads while the serving process sets itself up."""
        self._pending = self._launch()

    def start(
        self, answer_here: Callable[[Delivery], None], timeout: float = START_SECONDS
    ) -> bool:
        """Wait until it answers (launching it first if need be); False (and logged) if it
        could not start. `answer_here` answers an event in the serving process, for the times
        no answering process runs."""
        self._answer_here = answer_here
        pending, self._pending = self._pending or self._launch(), None
        if not self._adopt(pending, timeout):
            return False
        threading.Thread(target=self._watch, name="answers-watch", daemon=True).start()
        return True

    def forward(self, delivery: Delivery) -> bool:
        """Hand an event over; False when no answering process is running (answer it here)."""
        with self._lock:
            if self._child is None:
                return False
            self._child.outbox.put(delivery)
            return True

    def reload(self) -> None:
        """Pass SIGHUP on: the answering process reloads its own copy of the knowledge."""
        child = self._child
        if child is not None and child.process.pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(child.process.pid, signal.SIGHUP)

    def stop(self, timeout: float = STOP_SECONDS) -> None:
        """Let it finish every event handed over and every reply in flight, then end it; one
        never ready has nothing to finish. Safe to call more than once."""
        self._stopping.set()
        pending, self._pending = self._pending, None
        if pending is not None and pending.process.is_alive():
            pending.process.kill()
            pending.process.join(5)
        with self._lock:
            child, self._child = self._child, None
        if child is None:
            return
        child.outbox.put(None)  # after every event already queued: the process's cue to finish
        child.process.join(timeout)
        if child.process.is_alive():
            log.warning("kind=answerer decision=killed_at_shutdown")
            child.process.kill()
            child.process.join(5)

    def _launch(self) -> _Pending:
        receiver, sender = self._context.Pipe(duplex=False)
        ready = self._context.Event()
        process = self._context.Process(
            target=_run,
            args=(self._settings, self._matcher, receiver, ready, os.getpid()),
            name="tpm-bot-answers",
        )
        process.start()
        return _Pending(process, receiver, sender, ready)

    def _adopt(self, pending: _Pending, timeout: float) -> bool:
        """Wait for a launched process to be ready, then send it events."""
        process = pending.process
        deadline = time.monotonic() + timeout
        while not pending.ready.wait(0.1):
            if not process.is_alive() or time.monotonic() > deadline:
                if process.is_alive():
                    process.kill()
                process.join(5)
                self._log_gone("did_not_start", process.exitcode)
                return False
        child = _Child(process, pending.receiver, pending.sender)
        child.sending = threading.Thread(
            target=self._send, args=(child,), name="answers-send", daemon=True
        )
        with self._lock:
            if self._stopping.is_set():  # a replacement made ready while shutting down
                process.kill()
                process.join(5)
                return False
            self._child = child
        child.sending.start()
        log.info("kind=answerer decision=started pid=%s", process.pid)
        return True

    def _send(self, child: _Child) -> None:
        while True:
            delivery = child.outbox.get()
            if child.dead.is_set():
                if delivery is None:
                    return
                self._answer_here(delivery)
                continue
            child.sender.send(delivery)  # waits while the pipe is full
            if delivery is None:
                return

    def _watch(self) -> None:
        while True:
            child = self._child
            if child is None:
                return
            child.process.join()
            if self._stopping.is_set():
                return
            with self._lock:
                self._child = None  # from now on, events are answered here
                child.dead.set()
                child.outbox.put(None)  # the sender answers the rest of its queue here
            self._log_gone("exited", child.process.exitcode)
            self._drain(child)
            if not self._may_restart():
                log.error(
                    "kind=answerer decision=not_restarted restarts=%d window_s=%d",
                    len(self._restarts),
                    RESTART_WINDOW,
                )
                return
            if not self._adopt(self._launch(), START_SECONDS):
                return

    def _drain(self, child: _Child) -> None:
        """Answer here what the dead process left in the pipe, until its sender has stopped."""
        while True:
            sending = child.sending is not None and child.sending.is_alive()
            while child.receiver.poll(0.05):
                try:
                    delivery = child.receiver.recv()
                except (EOFError, OSError, ValueError, pickle.UnpicklingError):
                    return  # a message the dead process had started to read
                if delivery is not None:
                    self._answer_here(delivery)
            if not sending:
                return

    def _may_restart(self) -> bool:
        now = time.monotonic()
        self._restarts = [t for t in self._restarts if now - t < RESTART_WINDOW]
        if len(self._restarts) >= RESTARTS:
            return False
        self._restarts.append(now)
        return True

    def _log_gone(self, why: str, exitcode: int | None) -> None:
        log.error(
            "kind=answerer decision=%s exitcode=%s answering=in_serving_process", why, exitcode
        )


class Answering:
    """Runs the Bolt app on a delivery the serving process has already acknowledged."""

    def __init__(self, app: App, delays: Sequence[float] = RETRY_DELAYS) -> None:
        self.app = app
        self.delays = delays

    def __call__(self, delivery: Delivery, tries: int = 0) -> None:
        from slack_bolt.request import BoltRequest

        body, headers = delivery
        try:
            request = BoltRequest(body=body.decode("utf-8"), headers=dict(headers.items()))
            response = self.app.dispatch(request)
        except Exception as error:  # Bolt answers its own errors; this is the last resort
            log.error("kind=server_error error=%s", type(error).__name__)
            return
        # A 5xx is what Slack would have retried had it been the acknowledgement.
        if response.status >= 500 and tries < len(self.delays):
            timer = threading.Timer(self.delays[tries], self, args=(delivery, tries + 1))
            timer.daemon = True
            timer.start()


def _run(
    settings: Settings,
    matcher: Matcher,
    deliveries: Connection,
    ready: Event,
    parent: int,
) -> None:
    """The answering process: the Bolt app, fed the events the serving process acknowledged."""
    # A terminal's Ctrl-C and a platform's SIGTERM reach the whole process group; the serving
    # process decides when this one stops, after it has finished the replies in flight.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    from bot.core.holder import KnowledgeHolder
    from bot.settings import StartupError
    from bot.slack.app import build_app
    from bot.slack.logs import configure_logging
    from bot.slack.server import REPLY_THREADS, drain, open_store, reload_in_background

    configure_logging(settings.log_level, settings.secrets(), process="answers")
    holder = KnowledgeHolder(
        matcher, settings.knowledge_paths, settings.cache_dir, settings.encoder
    )
    replies = ThreadPoolExecutor(REPLY_THREADS, thread_name_prefix="reply")
    stopping = threading.Event()
    try:
        store = open_store(settings, stopping, purge=False)  # the serving process purges
        app = build_app(settings, holder, replies, store)
    except StartupError as error:  # the serving process says it answers alone from now on
        for line in error.lines:
            log.error("kind=answerer decision=cannot_start reason=%s", line)
        return
    signal.signal(signal.SIGHUP, lambda *_: reload_in_background(holder))
    if settings.reload_on_change:
        holder.watch()
    gc.freeze()
    ready.set()

    answer = Answering(app)

    while True:
        if not deliveries.poll(1.0):
            if os.getppid() != parent:  # the serving process is gone: nobody will send more
                break
            continue
        try:
            delivery = deliveries.recv()
        except (EOFError, OSError):
            break
        if delivery is None:
            break
        answer(delivery)
    drain(replies)
    stopping.set()
    store.close()
