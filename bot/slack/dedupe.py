"""Answer each Slack event once, however often Slack delivers it, on whichever instance.

Slack delivers an event again (HTTP retries with `X-Slack-Retry-Num`, or the same envelope again
in Socket Mode) when it thinks the first try failed, and the copy may reach another instance.
Every event is decided here, in one place, in the reply thread after Slack has been
acknowledged (so no acknowledgement waits on the database): first this process's memory, then
the store's event log, where the first instance to insert the event's id answers it. Taking
every event, first deliveries included, leaves no window in which a retry reaching another
instance finds nothing. If the database cannot be reached in time the bot still answers (fail
open) and notes the event to be written when the database is back; a retry that reaches
another instance during the outage may be answered twice. The store logs the outage once.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.store.events import EventLog


class RecentEvents:
    """A bounded, time-limited set of event ids, safe to share between threads."""

    def __init__(self, max_size: int = 10_000, ttl_seconds: float = 3600.0) -> None:
        self._seen: OrderedDict[str, float] = OrderedDict()
        self._lock = threading.Lock()
        self._max_size = max_size
        self._ttl = ttl_seconds

    def first_time(self, event_id: str) -> bool:
        """Record `event_id`; True only the first time it is seen within the time limit."""
        now = time.monotonic()
        with self._lock:
            while self._seen:
                oldest, seen_at = next(iter(self._seen.items()))
                if now - seen_at < self._ttl and len(self._seen) < self._max_size:
                    break
                self._seen.pop(oldest)
            if event_id in self._seen:
                return False
            self._seen[event_id] = now
            return True


class EventClaims:
    """Whether this process answers an event: the only question retries raise."""

    def __init__(self, events: EventLog | None = None, recent: RecentEvents | None = None) -> None:
        self.events = events
        self.recent = recent or RecentEvents()

    def first(self, event_id: str) -> bool:
        """True if this process answers `event_id`: it has not seen it, and no other instance
        took it first (or the store could not say in time)."""
        if not self.recent.first_time(event_id):
            return False
        if self.events is None:
            return True
        from bot.store.events import StoreUnavailable

        try:
            return self.events.take(event_id)
        except StoreUnavailable:
            # Answered without the store's word: noted to be written once the database is
            # back, so a retry arriving after that is still caught.
            self.events.note(event_id)
            return True
