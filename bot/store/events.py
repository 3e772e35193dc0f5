"""Slack event ids already taken by some instance, so a retry is acknowledged, not answered.

Taking an event is one `INSERT ... ON CONFLICT DO NOTHING` on its id: whichever instance (or
worker thread) inserts first answers it; the others see no row inserted. Ids are forgotten
after an hour (Slack retries within minutes).
"""

from __future__ import annotations

import time

from sqlalchemy import Engine, delete, text
from sqlalchemy.exc import SQLAlchemyError

from bot.store.database import Health
from bot.store.models import ProcessedEvent

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
    def __init__(self, engine: Engine, health: Health) -> None:
        self.engine = engine
        self.health = health

    def take(self, event_id: str) -> bool:
        """True if this call is the first to take `event_id`; StoreUnavailable if unknown."""
        try:
            with self.engine.begin() as connection:
                found = connection.execute(_TAKE, {"event_id": event_id[:100], "at": time.time()})
                # RETURNING, not rowcount: psycopg does not always report a count here.
                inserted = found.first() is not None
        except SQLAlchemyError as error:
            self.health.failed("event", error)
            raise StoreUnavailable from error
        self.health.worked()
        return inserted

    def purge(self, now: float | None = None) -> int:
        cutoff = (now or time.time()) - EVENT_SECONDS
        with self.engine.begin() as connection:
            result = connection.execute(
                delete(ProcessedEvent).where(ProcessedEvent.seen_at < cutoff)
            )
        return int(result.rowcount or 0)
