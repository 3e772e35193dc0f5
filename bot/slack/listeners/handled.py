"""One wrapper around every listener: decide on retries, run the listener, log one line, count.

A listener returns what it decided (`Handled`); the wrapper times it and logs ids and the
decision, never what anybody typed. Before that, in the reply thread (after Slack has been
acknowledged), it asks the app's EventClaims whether this process answers the event: a
redelivery, or a retry that another instance took first, is skipped here, the one place retries
are decided.

Bolt passes a listener the arguments its signature names. The wrapper's signature is the
listener's plus `context` and `body`, so a listener need not name them.
"""

from __future__ import annotations

import inspect
import logging
import time
from collections.abc import Callable
from typing import Any, NamedTuple, TypeVar

from slack_bolt import BoltContext

from bot.slack.listeners.services import ARRIVED, SERVICES, Services
from bot.slack.metrics import decision_label

log = logging.getLogger("tpm_bot")

Listener = TypeVar("Listener", bound=Callable[..., "Handled | None"])


class Handled(NamedTuple):
    """What a listener did: its decision ("answer", "ignored", ...) and the section, if any."""

    decision: str
    section: str = "-"


def _event_id(body: Any) -> str | None:
    if isinstance(body, dict) and body.get("type") == "event_callback":
        event_id = body.get("event_id")
        return event_id if isinstance(event_id, str) else None
    return None


def logged(kind: str) -> Callable[[Listener], Listener]:
    """Skip a retry, then log `kind=... decision=... section=... latency_ms=...` and count the
    decision once the listener returns."""

    def wrap(listener: Listener) -> Listener:
        signature = inspect.signature(listener)
        wanted = set(signature.parameters)

        def run(**kwargs: Any) -> None:
            started = time.perf_counter()
            context: BoltContext | None = kwargs.get("context")
            provided: Services | None = context.get(SERVICES) if context is not None else None
            metrics = provided.metrics if provided is not None else None
            event_id = _event_id(kwargs.get("body"))
            claims = provided.claims if provided is not None else None
            if event_id and claims is not None and not claims.first(event_id):
                log.info("kind=retry event_id=%s decision=skipped", event_id)
                if metrics is not None:
                    metrics.events.labels(kind, "retry").inc()
                return
            outcome = listener(**{k: v for k, v in kwargs.items() if k in wanted})
            if outcome is None:
                return
            log.info(
                "kind=%s decision=%s section=%s latency_ms=%.2f",
                kind,
                outcome.decision,
                outcome.section,
                (time.perf_counter() - started) * 1000,
            )
            if metrics is not None:
                metrics.events.labels(kind, decision_label(outcome.decision)).inc()
                arrived = context.get(ARRIVED) if context is not None else None
                if isinstance(arrived, float):
                    metrics.answer_seconds.labels(kind).observe(time.perf_counter() - arrived)

        run.__name__ = getattr(listener, "__name__", "listener")
        run.__doc__ = listener.__doc__
        parameters = list(signature.parameters.values())
        for extra in ("context", "body"):
            if extra not in wanted:
                parameters.append(inspect.Parameter(extra, inspect.Parameter.POSITIONAL_OR_KEYWORD))
        run.__signature__ = signature.replace(parameters=parameters)  # type: ignore[attr-defined]
        return run  # type: ignore[return-value]

    return wrap
