"""Open the database: an engine that survives the database going away and coming back."""

from __future__ import annotations

import logging
import os
import threading

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

log = logging.getLogger("tpm_bot")

#: Seconds to wait for PostgreSQL to accept a connection; requests wait on it, so keep it short.
CONNECT_TIMEOUT = 3
#: Seconds SQLite waits for another writer before giving up.
SQLITE_BUSY_SECONDS = 10


def sqlite_path(url: str) -> str | None:
    """The file of a SQLite URL (None for other databases or an in-memory one)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    return parsed.database or None


def open_engine(url: str) -> Engine:
    """An engine for `url`. A SQLite file (and its folder) is created on first use.

    No `pool_pre_ping`: it costs a round trip on every use of a connection, on the path of
    every Slack event. SQLAlchemy notices a dropped connection when it fails and empties the
    pool, so after the database restarts the first statement fails (the bot answers anyway,
    see Health) and the next one reconnects.
    """
    path = sqlite_path(url)
    if path is not None:
        folder = os.path.dirname(os.path.abspath(path))
        os.makedirs(folder, exist_ok=True)
        engine = create_engine(
            url,
            connect_args={"timeout": SQLITE_BUSY_SECONDS, "check_same_thread": False},
        )

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection: object, record: object) -> None:
            cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
            # WAL: readers never block the writer, and several processes can share the file.
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        return engine
    return create_engine(
        url,
        pool_size=8,
        max_overflow=24,
        pool_timeout=CONNECT_TIMEOUT,
        # Commits do not wait for the disk: a crash of the database server may lose the last
        # fraction of a second of event ids and votes (a retry then answered twice), which is
        # worth a commit costing a round trip instead of an fsync on every Slack event.
        connect_args={
            "connect_timeout": CONNECT_TIMEOUT,
            "options": "-c synchronous_commit=off",
        },
    )


class Health:
    """Whether the database answered the last time it was asked; logs each change once.

    "The database is unreachable" is one line when it happens and one when it is back, however
    many requests meet it in between.
    """

    def __init__(self) -> None:
        self._up = True
        self._lock = threading.Lock()

    @property
    def up(self) -> bool:
        return self._up

    def failed(self, what: str, error: Exception) -> None:
        with self._lock:
            was_up, self._up = self._up, False
        if was_up:
            log.warning(
                "kind=store decision=unreachable during=%s error=%s", what, type(error).__name__
            )

    def worked(self) -> None:
        if self._up:
            return
        with self._lock:
            was_up, self._up = self._up, True
        if not was_up:
            log.warning("kind=store decision=reachable")
