"""What every listener needs besides Bolt's own arguments, handed to it in Bolt's context.

Listeners are plain module-level functions (Slack's Bolt starter template), so the knowledge,
settings, conversations, store and metrics reach them the way Bolt hands data from middleware
to listeners: in `context`. A unit test builds a context with its own Services and calls a
listener directly.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, NamedTuple

from slack_bolt import BoltContext, BoltRequest, BoltResponse
from slack_bolt.middleware import Middleware

from bot.core.conversations import Conversations
from bot.core.holder import KnowledgeHolder
from bot.settings import Settings
from bot.slack.dedupe import EventClaims

if TYPE_CHECKING:
    from bot.slack.metrics import Metrics
    from bot.store.store import Store

#: Where a request's context carries the Services, and the moment the request arrived.
SERVICES = "tpm_bot_services"
ARRIVED = "tpm_bot_arrived"


class Services(NamedTuple):
    holder: KnowledgeHolder
    settings: Settings
    conversations: Conversations
    store: Store | None = None
    metrics: Metrics | None = None
    #: Retry de-duplication; None answers every delivery (a unit test calling one listener).
    claims: EventClaims | None = None


def services(context: BoltContext) -> Services:
    """The Services of the app this request reached."""
    found: Services = context[SERVICES]
    return found


class ProvideServices(Middleware):
    """Put the app's Services and the arrival time in every request's context.

    A Middleware subclass rather than an `@app.middleware` function: Bolt calls it directly,
    without inspecting a signature to build keyword arguments on every request."""

    def __init__(self, provided: Services) -> None:
        self.provided = provided

    def process(
        self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]
    ) -> BoltResponse | None:
        req.context[ARRIVED] = time.perf_counter()
        req.context[SERVICES] = self.provided
        return next()
