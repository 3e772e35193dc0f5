"""Remember recently handled Slack events, so a retried delivery is not answered twice."""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from slack_bolt import BoltRequest, BoltResponse
from slack_bolt.middleware import Middleware

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
    """Slack redelivers an event when it thinks the first try failed; acknowledge the copy and
    answer only the first.

    A Middleware subclass rather than an `@app.middleware` function: Bolt calls it directly,
    without inspecting a signature to build keyword arguments on every request.
    """

    def __init__(self, recent: RecentEvents | None = None) -> None:
        self.recent = recent or RecentEvents()

    def process(
        self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]
    ) -> BoltResponse | None:
        body = req.body
        event_id = body.get("event_id") if isinstance(body, dict) else None
        if event_id and not self.recent.first_time(event_id):
            log.info("kind=retry event_id=%s decision=skipped", event_id)
            return BoltResponse(status=200, body="")
        return next()
