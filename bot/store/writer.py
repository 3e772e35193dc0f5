"""Write-behind: rows the bot only needs later are written in batches, off the reply path.

Counting a question or noting a conversation's sections is one small transaction each, and
under load those transactions (their round trips, and SQLAlchemy's work per statement) cost
more than answering. Nothing reads them within the same second, so they are queued and written
together by one thread, a batch a tick.

Only that thread talks to the database, and the queue's lock is never held while it does: a
stalled database stalls the writer, never a caller. `flush` asks the writer to write now and
waits a bounded time for it. Whatever is still queued at `close` is written within the drain
time or counted as dropped.

A row is dropped, and counted in the log (`kind=store decision=dropped rows=N reason=...`,
at most one line per reason per DROP_LOG_SECONDS) and in `dropped`, when:
- `full`: more than `limit` rows wait while the database is away (the oldest go);
- `bad_row`: the database refuses the row itself (bytes it cannot encode, a value out of
  range); the rest of its batch is written;
- `stopped`: the store closed before the row could be written.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Generic, TypeVar

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import (
    DisconnectionError,
    InterfaceError,
    OperationalError,
    ProgrammingError,
)
from sqlalchemy.exc import TimeoutError as PoolTimeout

from bot.store.database import Health

log = logging.getLogger("tpm_bot")

Row = TypeVar("Row")
#: Seconds between batches.
TICK_SECONDS = 0.25
#: Rows kept waiting at most while the database is away; older ones are dropped (counted).
MAX_WAITING = 10_000
#: Seconds a caller of `flush` waits for the writer at most (a stalled write gives up later).
FLUSH_SECONDS = 2.0
#: Seconds `close` waits for the last rows to be written.
DRAIN_SECONDS = 2.0
#: Seconds between two log lines about dropped rows for the same reason.
DROP_LOG_SECONDS = 10.0

#: Errors that say the database could not be reached or did not answer in time: rows wait.
_UNREACHABLE = (OperationalError, InterfaceError, DisconnectionError, PoolTimeout)


def _away(error: Exception) -> bool:
    """Whether `error` is about the database rather than a row: unreachable, too slow, or its
    schema not there yet (SQLSTATE class 42: the migration is retried, so the rows wait).
    Anything else a batch raises is taken to be about one of its rows."""
    if isinstance(error, _UNREACHABLE):
        return True
    if isinstance(error, ProgrammingError):
        return str(getattr(error.orig, "sqlstate", "") or "").startswith("42")
    return False


class WriteBehind(Generic[Row]):
    def __init__(
        self,
        engine: Engine,
        health: Health,
        name: str,
        write: Callable[[Connection, list[Row]], None],
        tick: float = TICK_SECONDS,
        limit: int = MAX_WAITING,
    ) -> None:
        self.engine = engine
        self.health = health
        self.name = name
        self._write = write
        self._tick = tick
        self._limit = limit
        self._waiting: list[Row] = []
        self._in_flight: list[Row] = []  # the batch being written, until it is committed
        self._lock = threading.Condition()  # guards everything below; never held across I/O
        # Held by the writer thread while it writes (one batch at a time). No caller takes it:
        # a stalled write holds up the writer alone.
        self._writing = threading.Lock()
        self._started = 0  # write attempts begun
        self._finished = 0  # write attempts ended (written, or put back to wait)
        self._wake = threading.Event()
        self._closed = False
        #: Rows dropped so far, by reason, and in all: for the log and for metrics.
        self.dropped_by: dict[str, int] = {}
        self.dropped = 0
        self._unlogged: dict[str, int] = {}
        self._details: dict[str, str] = {}
        self._logged_at: dict[str, float] = {}
        self._thread = threading.Thread(target=self._run, name=f"store-{name}", daemon=True)
        self._thread.start()

    def put(self, row: Row) -> None:
        with self._lock:
            if self._closed:
                self._drop(1, "stopped")
            else:
                self._waiting.append(row)
                self._trim()
            lines = self._due_lines()
        _emit(lines)

    def newest(self, match: Callable[[Row], bool]) -> Row | None:
        """The newest row not yet committed that `match`es, if any: a reader finds what this
        process wrote a moment ago without waiting for the batch to be written."""
        with self._lock:
            for row in reversed(self._waiting):
                if match(row):
                    return row
            for row in reversed(self._in_flight):
                if match(row):
                    return row
        return None

    def discard(self, match: Callable[[Row], bool]) -> int:
        """Forget queued rows that `match` (a workspace being forgotten); how many."""
        with self._lock:
            kept = [row for row in self._waiting if not match(row)]
            gone = len(self._waiting) - len(kept)
            self._waiting = kept
        return gone

    @property
    def waiting(self) -> int:
        """Rows queued or being written."""
        with self._lock:
            return len(self._waiting) + len(self._in_flight)

    def flush(self, timeout: float = FLUSH_SECONDS) -> bool:
        """Have the writer write everything queued so far, waiting at most `timeout` seconds;
        whether it was written. A database that cannot be reached keeps the rows queued."""
        with self._lock:
            if not self._waiting and not self._in_flight:
                return True
            wanted = self._started + 1  # the next attempt takes every row queued now
            self._wake.set()
            self._lock.wait_for(lambda: self._finished >= wanted, timeout)
            return not self._waiting and not self._in_flight

    def stop(self) -> None:
        """Ask the writer to write what is queued and end (`close` waits for it)."""
        with self._lock:
            self._closed = True
        self._wake.set()

    def close(self, timeout: float = DRAIN_SECONDS) -> None:
        """Write what is queued within `timeout` seconds; log and count what could not be."""
        self.stop()
        self._thread.join(timeout)
        with self._lock:
            left = len(self._waiting) + len(self._in_flight)
            self._waiting = []
            if left:
                self._drop(left, "stopped")
            lines = self._due_lines(force=True)
        _emit(lines)

    def _run(self) -> None:
        while True:
            self._wake.wait(self._tick)
            self._wake.clear()
            with self._lock:
                closing = self._closed
            try:
                self._attempt()
            except Exception:  # a writer that dies silently would lose every later row
                log.exception("kind=store decision=write_failed part=%s", self.name)
            with self._lock:
                lines = self._due_lines()
            _emit(lines)
            if closing:
                return

    def _attempt(self) -> None:
        """Write one batch: everything queued now."""
        with self._lock:
            self._started += 1
            batch, self._waiting = self._waiting, []
            self._in_flight = batch
        try:
            if batch:
                with self._writing:
                    self._write_isolating(batch)
        finally:
            with self._lock:
                self._in_flight = []
                self._finished += 1
                self._lock.notify_all()

    def _write_isolating(self, batch: list[Row]) -> None:
        """Write `batch`; if a row is refused, halve the batch until the bad rows are alone,
        drop them and write the others. If the database is away, the unwritten rows wait."""
        pending = [batch]
        bad = 0
        error_name = ""
        while pending:
            part = pending.pop()
            started = time.monotonic()
            try:
                with self.engine.begin() as connection:
                    self._write(connection, part)
            except Exception as error:
                if _away(error):
                    self.health.failed(self.name, error, time.monotonic() - started)
                    rest = [row for chunk in reversed(pending) for row in chunk]
                    self._requeue(part + rest)
                    break
                # Refused for its content: UnicodeEncodeError for a lone surrogate, DataError
                # for a NUL byte or a number out of range, ...
                if len(part) == 1:
                    bad += 1
                    error_name = type(getattr(error, "orig", None) or error).__name__
                    continue
                middle = len(part) // 2
                pending += [part[middle:], part[:middle]]  # the first half is written first
                continue
            self.health.worked()
        if bad:
            with self._lock:
                self._drop(bad, "bad_row", f" error={error_name}")
                lines = self._due_lines()
            _emit(lines)

    def _requeue(self, rows: list[Row]) -> None:
        """Put rows that could not be written back in front of the queue, within the limit."""
        with self._lock:
            self._waiting[:0] = rows
            self._trim()
            lines = self._due_lines()
        _emit(lines)

    def _trim(self) -> None:
        """Keep the queue within its limit (under the lock), dropping the oldest rows."""
        over = len(self._waiting) - self._limit
        if over > 0:
            del self._waiting[:over]
            self._drop(over, "full")

    def _drop(self, rows: int, reason: str, detail: str = "") -> None:
        """Count dropped rows (under the lock); the first of a reason is logged at once, later
        ones together at most every DROP_LOG_SECONDS. The line says how many and why, never
        what the rows held."""
        self.dropped += rows
        self.dropped_by[reason] = self.dropped_by.get(reason, 0) + rows
        self._unlogged[reason] = self._unlogged.get(reason, 0) + rows
        self._details[reason] = detail

    def _due_lines(self, force: bool = False) -> list[str]:
        """The log lines about dropped rows that are due (under the lock; logged after it)."""
        now = time.monotonic()
        lines = []
        for reason, rows in self._unlogged.items():
            last = self._logged_at.get(reason)
            if rows and (force or last is None or now - last >= DROP_LOG_SECONDS):
                lines.append(
                    f"kind=store decision=dropped rows={rows} reason={reason} part={self.name}"
                    + self._details.get(reason, "")
                )
                self._unlogged[reason] = 0
                self._logged_at[reason] = now
        return lines


def _emit(lines: list[str]) -> None:
    for line in lines:
        log.warning("%s", line)
