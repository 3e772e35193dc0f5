"""Answer each Slack event once, however often Slack delivers it, on whichever instance.

Slack redelivers an event (HTTP retries with `X-Slack-Retry-Num`, or the same envelope again
in Socket Mode) when it thinks the first try failed, and the copy may reach another worker or
another instance. This process's own memory catches the retries that come back to it before
the acknowledgement; between instances, the store's event log decides who answers (an
insert-if-absent on the event id), in the reply thread, after Slack has been acknowledged, so
that no acknowledgement waits on the database. If the database cannot be reached the bot still
answers, and a retry that reaches another instance may be answered twice (the store logs the
outage once).
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import TYPE_CHECKING, NamedTuple

from slack_bolt import BoltRequest, BoltResponse
from slack_bolt.middleware import Middleware

if TYPE_CHECKING:
    from bot.store.events import EventLog

log = logging.getLogger("tpm_bot")
#: Where a request's context carries the claim on its event, for the listener wrapper
#: (bot.slack.listeners.handled) to make before answering.
CLAIM = "tpm_bot_claim_event"


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


class Claim(NamedTuple):
    """An event to take in the store before answering it."""

    event_id: str
    take: Callable[[str], bool]

    def __call__(self) -> bool:
        return self.take(self.event_id)


class SkipRedeliveredEvents(Middleware):
    """Acknowledge a redelivered event and answer only the first delivery.

    A Middleware subclass rather than an `@app.middleware` function: Bolt calls it directly,
    without inspecting a signature to build keyword arguments on every request.
    """

    def __init__(self, events: EventLog | None = None, recent: RecentEvents | None = None) -> None:
        self.events = events
        self.recent = recent or RecentEvents()

    def note(self, event_id: str) -> bool:
        """A first delivery: answered here; noted in the store for retries to find."""
        assert self.events is not None
        return self.events.note(event_id)

    def claim(self, event_id: str) -> bool:
        """Whether this instance answers the event: the first to take it in the store does (or
        this one, if the store cannot be reached). Called in the reply thread."""
        if self.events is None:
            return True
        from bot.store.events import StoreUnavailable

        try:
            return self.events.take(event_id)
        except StoreUnavailable:
            return True

    def process(
        self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]
    ) -> BoltResponse | None:
        body = req.body
        event_id = body.get("event_id") if isinstance(body, dict) else None
        if event_id and not self.recent.first_time(event_id):
            log.info("kind=retry event_id=%s decision=skipped", event_id)
            return BoltResponse(status=200, body="")
        if event_id and self.events is not None:
            retried = (req.headers.get("x-slack-retry-num") or [""])[0]
            req.context[CLAIM] = Claim(event_id, self.claim if retried else self.note)
        return next()
