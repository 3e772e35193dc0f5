"""Answer each Slack event once, however often Slack delivers it, on whichever instance.

Slack redelivers an event (HTTP retries with `X-Slack-Retry-Num`, or the same envelope again
in Socket Mode) when it thinks the first try failed, and the copy may reach another worker or
another instance. The store's event log decides who answers (an insert-if-absent on the event
id). If the database cannot be reached the bot still answers; this process's own memory then
catches the retries that come back to it, and a retry that reaches another instance may be
answered twice (the store logs the outage once).
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import TYPE_CHECKING

from slack_bolt import BoltRequest, BoltResponse
from slack_bolt.middleware import Middleware

if TYPE_CHECKING:
    from bot.store.events import EventLog

log = logging.getLogger("tpm_bot")


class RecentEvents:
    """A bounded, time-limited set of event ids, safe to share between request threads."""

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


class SkipRedeliveredEvents(Middleware):
    """Acknowledge a redelivered event and answer only the first delivery.

    A Middleware subclass rather than an `@app.middleware` function: Bolt calls it directly,
    without inspecting a signature to build keyword arguments on every request.
    """

    def __init__(self, events: EventLog | None = None, recent: RecentEvents | None = None) -> None:
        self.events = events
        self.recent = recent or RecentEvents()

    def first_time(self, event_id: str) -> bool:
        here = self.recent.first_time(event_id)
        if self.events is None:
            return here
        from bot.store.events import StoreUnavailable

        try:
            return self.events.take(event_id)
        except StoreUnavailable:
            return here

    def process(
        self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]
    ) -> BoltResponse | None:
        body = req.body
        event_id = body.get("event_id") if isinstance(body, dict) else None
        if event_id and not self.first_time(event_id):
            log.info("kind=retry event_id=%s decision=skipped", event_id)
            return BoltResponse(status=200, body="")
        return next()
