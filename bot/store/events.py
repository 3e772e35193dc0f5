"""Slack event ids already taken by some instance, so a retry is acknowledged, not answered.

Taking an event is one `INSERT ... ON CONFLICT DO NOTHING` on its id: whichever instance (or
worker thread) inserts first answers it; the others see no row inserted. Ids are forgotten
after an hour (Slack retries within minutes).
"""

from __future__ import annotations

import time

from sqlalchemy import Connection, Engine, delete, text
from sqlalchemy.exc import SQLAlchemyError

from bot.store.database import Health
from bot.store.models import ProcessedEvent
from bot.store.writer import WriteBehind

#: Seconds an event id is remembered.
EVENT_SECONDS = 3600
#: Taking an event: the same SQL in SQLite and PostgreSQL, written once. It runs before every
#: acknowledgement, where building the statement with SQLAlchemy's expression language each
#: time cost five times what the database itself took.
_TAKE = text(
    "INSERT INTO processed_events (event_id, seen_at) VALUES (:event_id, :at) "
    "ON CONFLICT (event_id) DO NOTHING RETURNING event_id"
)


class StoreUnavailable(Exception):
    """The database could not be reached (or refused the statement); the caller carries on."""


class EventLog:
    """Which instance answers an event: every event is taken before it is answered (in the
    reply thread, after the acknowledgement, bot.slack.dedupe), and whichever instance inserts
    its id first answers it, so a retry reaching another instance finds it whenever it
    arrives. `note` queues an id to be written a moment later, for an event answered while the
    database could not say."""

    def __init__(self, engine: Engine, health: Health) -> None:
        self.engine = engine
        self.autocommit = engine.execution_options(isolation_level="AUTOCOMMIT")
        self.health = health
        self.writer: WriteBehind[dict[str, object]] = WriteBehind(engine, health, "event", _note)

    def note(self, event_id: str) -> bool:
        """Record a first delivery, a moment later; this instance answers it (True)."""
        self.writer.put({"event_id": event_id[:100], "at": time.time()})
        return True

    def take(self, event_id: str) -> bool:
        """True if this call is the first to take `event_id`; StoreUnavailable if unknown
        (within the engine's deadline: see bot.store.database).

        This instance's own first deliveries count as taken. They are looked up in the queue
        rather than flushed first: a flush would wait on the writer, and a writer stalled on
        the database would hold every retry up with it.

        When the database cannot say, the caller answers (fails open), so the id is queued to
        be written once the database is back: a later retry reaching another instance then
        finds it taken.
        """
        event_id = event_id[:100]
        if self.writer.newest(lambda row: row["event_id"] == event_id) is not None:
            return False
        if self.health.stalled:  # the last try waited a whole deadline: do not wait again
            self.writer.put({"event_id": event_id, "at": time.time()})
            raise StoreUnavailable("the database stalled a moment ago")
        started = time.monotonic()
        try:
            # One statement, committed by itself: one round trip instead of three (BEGIN,
            # INSERT, COMMIT), for every Slack event.
            with self.autocommit.connect() as connection:
                found = connection.execute(_TAKE, {"event_id": event_id, "at": time.time()})
                # RETURNING, not rowcount: psycopg does not always report a count here.
                inserted = found.first() is not None
        except SQLAlchemyError as error:
            self.health.failed("event", error, time.monotonic() - started)
            self.writer.put({"event_id": event_id, "at": time.time()})
            raise StoreUnavailable from error
        self.health.worked()
        return inserted

    def purge(self, now: float | None = None) -> int:
        self.writer.flush()
        cutoff = (now or time.time()) - EVENT_SECONDS
        with self.engine.begin() as connection:
            result = connection.execute(
                delete(ProcessedEvent).where(ProcessedEvent.seen_at < cutoff)
            )
        return int(result.rowcount or 0)


def _note(connection: Connection, rows: list[dict[str, object]]) -> None:
    connection.execute(_TAKE, rows)
