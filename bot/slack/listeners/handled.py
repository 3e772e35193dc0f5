"""The one log line per handled request, written by one wrapper around every listener.

A listener returns what it decided (`Handled`); the wrapper times it and logs ids and the
decision, never what anybody typed. Bolt finds the listener's arguments through the wrapper
(`inspect.unwrap`), so wrapped listeners take the same arguments as plain ones.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable
from typing import NamedTuple, TypeVar

log = logging.getLogger("tpm_bot")

Listener = TypeVar("Listener", bound=Callable[..., "Handled | None"])


class Handled(NamedTuple):
    """What a listener did: its decision ("answer", "ignored", ...) and the section, if any."""

    decision: str
    section: str = "-"


def logged(kind: str) -> Callable[[Listener], Listener]:
    """Log `kind=... decision=... section=... latency_ms=...` once the listener returns."""

    def wrap(listener: Listener) -> Listener:
        @functools.wraps(listener)
        def run(*args: object, **kwargs: object) -> None:
            started = time.perf_counter()
            outcome = listener(*args, **kwargs)
            if outcome is not None:
                log.info(
                    "kind=%s decision=%s section=%s latency_ms=%.2f",
                    kind,
                    outcome.decision,
                    outcome.section,
                    (time.perf_counter() - started) * 1000,
                )

        return run  # type: ignore[return-value]

    return wrap
