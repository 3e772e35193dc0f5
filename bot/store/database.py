"""Open the database: an engine that survives the database going away and coming back, and
never keeps a caller waiting on it for long.

Every use of a PostgreSQL connection has a deadline, because the bot's decisions (is this a
retry? what did this thread talk about?) sit on the reply path and fail open: waiting longer
than a couple of seconds for the database costs more than deciding without it.

- Connecting gives up after CONNECT_TIMEOUT seconds (libpq `connect_timeout`); waiting for a
  pooled connection, after POOL_TIMEOUT.
- The server cancels a statement after STATEMENT_SECONDS (`statement_timeout`), so a lock
  wait or a slow plan ends there.
- TCP keepalives and `tcp_user_timeout` make the kernel give up on a link that stopped
  acknowledging (a black hole) in seconds instead of the ~15 minutes of TCP's retransmissions.
- None of that helps when the link stalls but the far end still acknowledges (a saturated
  proxy, a stopped server process): the statement's cancellation never arrives. So a
  `Watchdog` shuts down the socket of any connection checked out for longer than
  DEADLINE_SECONDS: the blocked call fails at once with a disconnection, the pool drops the
  connection, and the caller fails open.

SQLite waits for another writer at most its busy timeout.
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import logging
import os
import socket
import threading
import time
from typing import Any

from sqlalchemy import URL, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError

log = logging.getLogger("tpm_bot")

#: Seconds to wait for PostgreSQL to accept a connection (libpq's smallest useful value is 2).
CONNECT_TIMEOUT = 2
#: Seconds to wait for a connection from the pool when every one is in use.
POOL_TIMEOUT = 2
#: Seconds the server lets one statement run before cancelling it.
STATEMENT_SECONDS = 2.0
#: Seconds a connection may stay checked out before the watchdog breaks it: a little more than
#: the statement timeout, so a healthy server's own cancellation normally comes first.
DEADLINE_SECONDS = STATEMENT_SECONDS + 0.5
#: An idle link is probed after this many seconds, every KEEPALIVE_INTERVAL, given up after
#: KEEPALIVE_COUNT unanswered probes.
KEEPALIVE_IDLE = 5
KEEPALIVE_INTERVAL = 1
KEEPALIVE_COUNT = 3
#: Milliseconds sent data may stay unacknowledged before the kernel drops the connection.
TCP_USER_TIMEOUT_MS = 3000
#: Seconds SQLite waits for another writer before giving up, on the reply path...
SQLITE_BUSY_SECONDS = 2.0
#: ...and for maintenance (migrations), which may wait behind another instance's.
SQLITE_MAINTENANCE_BUSY_SECONDS = 10.0


def sqlite_path(url: str | URL) -> str | None:
    """The file of a SQLite URL (None for other databases or an in-memory one)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    return parsed.database or None


def open_engine(url: str | URL, deadline: float | None = DEADLINE_SECONDS) -> Engine:
    """An engine for `url`. A SQLite file (and its folder) is created on first use.

    `deadline` bounds every use of a connection (see the module's docstring); None is for
    maintenance that may legitimately take long or wait on a lock (migrations, reports): it
    keeps the connect timeout and keepalives but sets no statement timeout or watchdog.

    A connection that has been used before is pinged when it is checked out (one round trip,
    as `pool_pre_ping` does, but inside the deadline: SQLAlchemy's own ping runs before any
    event a watchdog could hook, so a stalled link would hold it forever). After the database
    restarts, the ping finds the dead connection and the pool reconnects, instead of the
    first statement failing.
    """
    path = sqlite_path(url)
    if path is not None:
        folder = os.path.dirname(os.path.abspath(path))
        os.makedirs(folder, exist_ok=True)
        busy = SQLITE_MAINTENANCE_BUSY_SECONDS if deadline is None else SQLITE_BUSY_SECONDS
        engine = create_engine(
            url,
            connect_args={"timeout": busy, "check_same_thread": False},
        )

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection: Any, record: object) -> None:
            cursor = dbapi_connection.cursor()
            # WAL: readers never block the writer, and several processes can share the file.
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        return engine
    # Commits do not wait for the disk: a crash of the database server may lose the last
    # fraction of a second of event ids and votes (a retry then answered twice), which is
    # worth a commit costing a round trip instead of an fsync on every Slack event.
    options = "-c synchronous_commit=off"
    if deadline is not None:
        # A client that went away mid-transaction must not hold its locks for long either.
        options += (
            f" -c statement_timeout={int(STATEMENT_SECONDS * 1000)}"
            f" -c idle_in_transaction_session_timeout={int(deadline * 4000)}"
        )
    engine = create_engine(
        url,
        pool_size=8,
        max_overflow=24,
        pool_timeout=POOL_TIMEOUT,
        connect_args={
            "connect_timeout": CONNECT_TIMEOUT,
            "keepalives": 1,
            "keepalives_idle": KEEPALIVE_IDLE,
            "keepalives_interval": KEEPALIVE_INTERVAL,
            "keepalives_count": KEEPALIVE_COUNT,
            "tcp_user_timeout": TCP_USER_TIMEOUT_MS,
            "options": options,
        },
    )
    if deadline is not None:
        _guard(engine, deadline)
    return engine


def _guard(engine: Engine, deadline: float) -> None:
    """Arm the watchdog for every checkout of `engine`, and ping reused connections under it."""
    dialect = engine.dialect
    errors = dialect.loaded_dbapi.Error

    @event.listens_for(engine, "checkout")
    def _checkout(dbapi_connection: Any, record: Any, proxy: object) -> None:
        token = WATCHDOG.arm(dbapi_connection.fileno(), deadline)
        record.info["watchdog"] = token
        if record.info.get("used"):
            try:
                dialect.do_ping(dbapi_connection)
            except errors as error:
                if not WATCHDOG.disarm(token):
                    raise  # the deadline passed: a stalled link, give up now
                # A dead connection (the server restarted): the pool opens a new one.
                raise DisconnectionError(type(error).__name__) from error
        record.info["used"] = True

    def _disarm(dbapi_connection: object, record: Any, *rest: object) -> None:
        token = record.info.pop("watchdog", None) if record is not None else None
        if token is not None:
            WATCHDOG.disarm(token)

    # Checked in (after the pool's rollback, which the deadline also covers), or dropped:
    # either way the socket may be closed and its number reused, so the watchdog lets go.
    event.listen(engine, "checkin", _disarm)
    event.listen(engine, "invalidate", _disarm)
    event.listen(engine, "soft_invalidate", _disarm)
    event.listen(engine, "close", _disarm)


class Watchdog:
    """Shuts down the socket of a connection used past its deadline.

    One thread for the whole process, sleeping until the nearest deadline; arming and
    disarming are a dictionary operation under a lock, so the reply path pays next to nothing.
    `shutdown()` (unlike `close()`) wakes a thread blocked reading the socket, which then sees
    the connection end; the file descriptor stays the driver's to close.
    """

    def __init__(self) -> None:
        self._lock = threading.Condition()
        self._armed: dict[int, int] = {}  # token -> file descriptor
        self._heap: list[tuple[float, int]] = []  # (deadline, token)
        self._tokens = itertools.count(1)
        self._thread: threading.Thread | None = None
        #: Connections broken so far (for tests and metrics).
        self.fired = 0

    def arm(self, fd: int, seconds: float) -> int:
        with self._lock:
            token = next(self._tokens)
            self._armed[token] = fd
            heapq.heappush(self._heap, (time.monotonic() + seconds, token))
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="store-watchdog")
                self._thread.daemon = True
                self._thread.start()
            elif self._heap[0][1] == token:
                self._lock.notify()
        return token

    def disarm(self, token: int) -> bool:
        """Stop watching; False if the deadline had already passed (the socket is shut down)."""
        with self._lock:
            return self._armed.pop(token, None) is not None

    def _run(self) -> None:
        while True:
            with self._lock:
                now = time.monotonic()
                while self._heap and (
                    self._heap[0][0] <= now or self._heap[0][1] not in self._armed
                ):
                    _, token = heapq.heappop(self._heap)
                    fd = self._armed.pop(token, None)
                    if fd is not None:
                        self.fired += 1
                        _shut_down(fd)  # under the lock: the fd cannot be disarmed and reused
                wait = self._heap[0][0] - now if self._heap else None
                self._lock.wait(wait)


def _shut_down(fd: int) -> None:
    with contextlib.suppress(OSError):
        sock = socket.socket(fileno=os.dup(fd))
        try:
            sock.shutdown(socket.SHUT_RDWR)
        finally:
            sock.close()


#: The process's watchdog, shared by every engine.
WATCHDOG = Watchdog()


#: A failure that took this many seconds was a deadline (a stalled link), not a refusal.
SLOW_FAILURE_SECONDS = 1.0
#: Seconds after such a failure during which decisions on the reply path do not ask the
#: database at all (`Health.stalled`).
STALLED_SECONDS = 5.0


class Health:
    """Whether the database answered the last time it was asked; logs each change once.

    "The database is unreachable" is one line when it happens and one when it is back, however
    many requests meet it in between.

    A refused connection fails in a millisecond, so asking again costs nothing; a stalled one
    costs each caller the whole deadline, and an answer asks more than once (is this a retry?
    what did this thread talk about?). So after a failure that took long, `stalled` tells the
    reply path to decide without the database for STALLED_SECONDS. The writers keep trying in
    the background: each slow failure of theirs extends the window, and their first success
    ends it.
    """

    def __init__(self) -> None:
        self._up = True
        self._lock = threading.Lock()
        self._stalled_until = 0.0

    @property
    def up(self) -> bool:
        return self._up

    @property
    def stalled(self) -> bool:
        """Whether a recent failure took a deadline to happen (skip the database for now)."""
        return self._stalled_until > time.monotonic()

    def failed(self, what: str, error: Exception, took: float = 0.0) -> None:
        """Note a failure; `took` is how many seconds the failed call waited."""
        with self._lock:
            was_up, self._up = self._up, False
            if took >= SLOW_FAILURE_SECONDS:
                self._stalled_until = time.monotonic() + STALLED_SECONDS
        if was_up:
            log.warning(
                "kind=store decision=unreachable during=%s error=%s", what, type(error).__name__
            )

    def worked(self) -> None:
        if self._up and not self._stalled_until:
            return
        with self._lock:
            was_up, self._up = self._up, True
            self._stalled_until = 0.0
        if not was_up:
            log.warning("kind=store decision=reachable")
