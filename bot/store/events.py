"""Slack event ids already taken by some instance, so a retry is acknowledged, not answered.

Taking an event is one `INSERT ... ON CONFLICT DO NOTHING` on its id: whichever instance (or
worker thread) inserts first answers it; the others see no row inserted. Ids are forgotten
after an hour (Slack retries within minutes).
"""

from __future__ import annotations

import time

from sqlalchemy import Engine, delete
from sqlalchemy.exc import SQLAlchemyError

from bot.store.database import Health
from bot.store.models import ProcessedEvent
from bot.store.upsert import insert_for

#: Seconds an event id is remembered.
EVENT_SECONDS = 3600


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
                statement = (
                    insert_for(connection, ProcessedEvent)
                    .values(event_id=event_id[:100], seen_at=time.time())
                    .on_conflict_do_nothing(index_elements=["event_id"])
                    .returning(ProcessedEvent.event_id)
                )
                # RETURNING, not rowcount: psycopg does not always report a count here.
                inserted = connection.execute(statement).first() is not None
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
