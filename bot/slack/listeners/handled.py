"""One wrapper around every listener: claim the event, run the listener, log one line.

A listener returns what it decided (`Handled`); the wrapper times it and logs ids and the
decision, never what anybody typed. Before that, in the reply thread (after Slack has been
acknowledged), it claims the event in the store when the retry middleware asked it to
(bot.slack.dedupe): a retry that reached another instance first is skipped here.

Bolt passes a listener the arguments its signature names. The wrapper's signature is the
listener's plus `context`, where the claim travels, so a listener need not name it.
"""

from __future__ import annotations

import inspect
import logging
import time
from collections.abc import Callable
from typing import Any, NamedTuple, TypeVar

from slack_bolt import BoltContext

from bot.slack.dedupe import CLAIM

log = logging.getLogger("tpm_bot")

Listener = TypeVar("Listener", bound=Callable[..., "Handled | None"])


class Handled(NamedTuple):
    """What a listener did: its decision ("answer", "ignored", ...) and the section, if any."""

    decision: str
    section: str = "-"


def logged(kind: str) -> Callable[[Listener], Listener]:
    """Claim the event, then log `kind=... decision=... section=... latency_ms=...` once the
    listener returns."""

    def wrap(listener: Listener) -> Listener:
        signature = inspect.signature(listener)
        wants_context = "context" in signature.parameters

        def run(**kwargs: Any) -> None:
            started = time.perf_counter()
            context: BoltContext | None = kwargs.get("context")
            claim = context.get(CLAIM) if context is not None else None
            if claim is not None and not claim():
                log.info("kind=retry event_id=%s decision=skipped", claim.event_id)
                return
            if not wants_context:
                kwargs.pop("context", None)
            outcome = listener(**kwargs)
            if outcome is not None:
                log.info(
                    "kind=%s decision=%s section=%s latency_ms=%.2f",
                    kind,
                    outcome.decision,
                    outcome.section,
                    (time.perf_counter() - started) * 1000,
                )

        run.__name__ = getattr(listener, "__name__", "listener")
        run.__doc__ = listener.__doc__
        parameters = list(signature.parameters.values())
        if not wants_context:
            parameters.append(
                inspect.Parameter(
                    "context", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=BoltContext
                )
            )
        run.__signature__ = signature.replace(parameters=parameters)  # type: ignore[attr-defined]
        return run  # type: ignore[return-value]

    return wrap
