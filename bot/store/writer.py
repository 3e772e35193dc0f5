"""Write-behind: rows the bot only needs later are written in batches, off the reply path.

Counting a question or noting a conversation's sections is one small transaction each, and
under load those transactions (their round trips, and SQLAlchemy's work per statement) cost
more than answering. Nothing reads them within the same second, so they are queued and written
together by one thread, a batch a tick; whatever is queued is written at shutdown, and before
a read that needs it (`flush`).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from bot.store.database import Health

log = logging.getLogger("tpm_bot")

Row = TypeVar("Row")
#: Seconds between batches.
TICK_SECONDS = 0.25
#: Rows kept waiting at most while the database is away; older ones are dropped (counted).
MAX_WAITING = 10_000


class WriteBehind(Generic[Row]):
    def __init__(
        self,
        engine: Engine,
        health: Health,
        name: str,
        write: Callable[[Connection, list[Row]], None],
        tick: float = TICK_SECONDS,
    ) -> None:
        self.engine = engine
        self.health = health
        self.name = name
        self._write = write
        self._tick = tick
        self._waiting: list[Row] = []
        self._in_flight: list[Row] = []  # the batch being written, until it is committed
        self._lock = threading.Lock()  # guards _waiting and _in_flight
        self._writing = threading.Lock()  # one batch at a time, in order
        self._wake = threading.Event()
        self._closed = False
        self._thread = threading.Thread(target=self._run, name=f"store-{name}", daemon=True)
        self._thread.start()

    def put(self, row: Row) -> None:
        with self._lock:
            self._waiting.append(row)
            if len(self._waiting) > MAX_WAITING:
                del self._waiting[: len(self._waiting) - MAX_WAITING]

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

    def flush(self) -> None:
        """Write everything queued so far, now; a database that cannot be reached keeps it queued."""
        with self._writing:
            with self._lock:
                batch, self._waiting = self._waiting, []
                self._in_flight = batch
            if not batch:
                return
            try:
                with self.engine.begin() as connection:
                    self._write(connection, batch)
            except SQLAlchemyError as error:
                self.health.failed(self.name, error)
                with self._lock:
                    self._waiting[:0] = batch[-MAX_WAITING:]
                    self._in_flight = []
                return
            finally:
                with self._lock:
                    if self._in_flight is batch:
                        self._in_flight = []
            self.health.worked()

    def close(self) -> None:
        self._closed = True
        self._wake.set()
        self._thread.join(timeout=10)
        self.flush()

    def _run(self) -> None:
        while not self._closed:
            self._wake.wait(self._tick)
            try:
                self.flush()
            except Exception:  # a writer that dies silently would lose every later row
                log.exception("kind=store decision=write_failed part=%s", self.name)
