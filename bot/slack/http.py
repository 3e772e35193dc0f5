"""The HTTP door in front of Bolt: health check, one Slack path, size cap, and the signature.

Anyone on the internet can reach this URL, so a request is authenticated before anything reads
it: the signature and timestamp are checked on the raw bytes, and a refused request costs one
HMAC and, at most, one short log line per reason a minute, with no part of its body. Only a
signed request is parsed and handed to Bolt; a signed but malformed one gets 400, not a
traceback.
"""

from __future__ import annotations

import io
import json
import logging
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl

from slack_sdk.signature import SignatureVerifier

if TYPE_CHECKING:
    from bot.slack.metrics import Metrics

log = logging.getLogger("tpm_bot")

#: Largest request body accepted; Slack's own payloads are far smaller.
MAX_BODY_BYTES = 1_000_000
EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
METRICS_PATH = "/metrics"
#: How old a request's timestamp may be (Slack's advice: five minutes).
MAX_AGE_SECONDS = 300
#: Refusals of one reason are logged once per this many seconds, then counted.
REFUSAL_LOG_INTERVAL = 60.0
#: Visits of the OAuth pages one client address may make a minute (each install visit writes
#: a state row; people need a few).
OAUTH_VISITS_PER_MINUTE = 10

Wsgi = Callable[[dict, Callable], Iterable[bytes]]


class RefusalLog:
    """Logs refused requests without letting a flood of them flood the log.

    The first refusal of each reason in an interval is logged at once; the rest are counted and
    reported in one line when the next interval begins.
    """

    def __init__(
        self,
        interval: float = REFUSAL_LOG_INTERVAL,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._interval = interval
        self._clock = clock
        self._lock = threading.Lock()
        self._window_end = 0.0
        self._counts: Counter[str] = Counter()

    def refused(self, reason: str, status: int) -> None:
        with self._lock:
            now = self._clock()
            if now >= self._window_end:
                suppressed = {r: n - 1 for r, n in self._counts.items() if n > 1}
                self._counts.clear()
                self._window_end = now + self._interval
            else:
                suppressed = {}
            self._counts[reason] += 1
            first = self._counts[reason] == 1
        for earlier, count in suppressed.items():
            log.warning(
                "kind=refused reason=%s count=%d interval_s=%d", earlier, count, self._interval
            )
        if first:
            log.warning("kind=refused reason=%s status=%d", reason, status)


def _respond(
    start_response: Callable, status: str, text: str | bytes, content_type: str = "text/plain"
) -> list[bytes]:
    body = text.encode() if isinstance(text, str) else text
    start_response(status, [("Content-Type", content_type), ("Content-Length", str(len(body)))])
    return [body]


def _metrics_page(metrics: Metrics, start_response: Callable) -> list[bytes]:
    page, content_type = metrics.exposition()
    return _respond(start_response, "200 OK", page, content_type)


def metrics_door(metrics: Metrics) -> Wsgi:
    """GET /metrics and /healthz alone: Socket Mode's page on METRICS_PORT."""

    def application(environ: dict, start_response: Callable) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path == METRICS_PATH:
            return _metrics_page(metrics, start_response)
        if path == HEALTH_PATH:
            return _respond(start_response, "200 OK", "ok")
        return _respond(start_response, "404 Not Found", "not found")

    return application


class VisitLimit:
    """At most `per_minute` visits a minute from one client address (a sliding minute)."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self._per_minute = per_minute
        self._clock = clock
        self._lock = threading.Lock()
        self._visits: dict[str, list[float]] = {}

    def allows(self, client: str) -> bool:
        now = self._clock()
        with self._lock:
            if len(self._visits) > 10_000:  # a flood of addresses: start over, not grow
                self._visits.clear()
            recent = [t for t in self._visits.get(client, ()) if now - t < 60]
            if len(recent) >= self._per_minute:
                self._visits[client] = recent
                return False
            self._visits[client] = [*recent, now]
            return True


def signature_problem(
    verifier: SignatureVerifier, body: bytes, timestamp: str, signature: str
) -> str:
    """Why a request is not from Slack ("" when it is)."""
    if not timestamp or not signature:
        return "unsigned"
    if not timestamp.isdigit():
        return "bad_timestamp"
    if abs(time.time() - int(timestamp)) > MAX_AGE_SECONDS:
        return "stale_timestamp"
    valid = verifier.is_valid(body=body, timestamp=timestamp, signature=signature)
    return "" if valid else "bad_signature"


def body_problem(body: bytes, content_type: str) -> str:
    """Why a signed body cannot be a Slack request ("" when it can)."""
    try:
        text = body.decode("utf-8")
        # As Bolt reads it: JSON when it says so, or when it starts with a brace, whatever the
        # content type claims.
        if content_type.startswith("application/json") or text.startswith("{"):
            return "" if isinstance(json.loads(text), dict) else "malformed_body"
        fields = dict(parse_qsl(text, keep_blank_values=True))
        if "payload" in fields and not isinstance(json.loads(fields["payload"]), dict):
            return "malformed_body"
        return "" if fields else "malformed_body"
    except ValueError:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        return "malformed_body"
    except RecursionError:  # JSON nested deeper than Python's stack
        return "too_deep"


def slack_door(
    bolt_handler: Wsgi,
    signing_secret: str,
    refusals: RefusalLog | None = None,
    extra_paths: Iterable[str] = (),
    metrics: Metrics | None = None,
) -> Wsgi:
    """Bolt's WSGI handler behind the checks above. `extra_paths` (OAuth) go to Bolt as they are.
    With `metrics`, GET /metrics serves them and every acknowledgement is timed."""
    verifier = SignatureVerifier(signing_secret)
    refusals = refusals or RefusalLog()
    passthrough = frozenset(extra_paths)
    visits = VisitLimit(OAUTH_VISITS_PER_MINUTE)

    def refuse(start_response: Callable, reason: str, status: str) -> list[bytes]:
        refusals.refused(reason, int(status[:3]))
        return _respond(start_response, status, "refused")

    def oauth_page(environ: dict, start_response: Callable) -> Iterable[bytes]:
        """The OAuth flow's pages, for browsers: a few visits a minute per address, and a
        page that says to come back when the database does not answer (never a traceback,
        never a state value in the log)."""
        if not visits.allows(environ.get("REMOTE_ADDR", "-")):
            refusals.refused("oauth_visits", 429)
            return _respond(
                start_response, "429 Too Many Requests", "Too many visits; wait a minute."
            )
        try:
            return bolt_handler(environ, start_response)
        except Exception:
            refusals.refused("oauth_unavailable", 503)
            return _respond(
                start_response,
                "503 Service Unavailable",
                "Installing is unavailable for a moment; please try again in a minute.",
            )

    def application(environ: dict, start_response: Callable) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path == HEALTH_PATH:
            return _respond(start_response, "200 OK", "ok")
        if path == METRICS_PATH and metrics is not None:
            return _metrics_page(metrics, start_response)
        if path in passthrough:
            return oauth_page(environ, start_response)
        if path != EVENTS_PATH:
            return _respond(start_response, "404 Not Found", "not found")
        if environ.get("REQUEST_METHOD") != "POST":
            return refuse(start_response, "not_post", "405 Method Not Allowed")
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return refuse(start_response, "bad_length", "400 Bad Request")
        if length > MAX_BODY_BYTES:
            return refuse(start_response, "too_large", "413 Payload Too Large")
        body = environ["wsgi.input"].read(length) if length > 0 else b""
        try:  # Slack sends UTF-8, and slack_sdk's signature check decodes before it hashes
            body.decode("utf-8")
        except UnicodeDecodeError:
            return refuse(start_response, "not_utf8", "400 Bad Request")
        problem = signature_problem(
            verifier,
            body,
            environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP", ""),
            environ.get("HTTP_X_SLACK_SIGNATURE", ""),
        )
        if problem:
            return refuse(start_response, problem, "401 Unauthorized")
        problem = body_problem(body, environ.get("CONTENT_TYPE", ""))
        if problem:
            return refuse(start_response, problem, "400 Bad Request")
        environ["wsgi.input"] = io.BytesIO(body)
        try:
            return bolt_handler(environ, start_response)
        except Exception:
            # Bolt answers its listeners' errors itself; what escapes is Bolt failing to read a
            # signed body whose fields have the wrong types (`"user": false`).
            return refuse(start_response, "malformed_fields", "400 Bad Request")

    if metrics is None:
        return application
    timed = metrics.ack_seconds

    def timed_application(environ: dict, start_response: Callable) -> Iterable[bytes]:
        started = time.perf_counter()
        try:
            return application(environ, start_response)
        finally:
            if environ.get("PATH_INFO") == EVENTS_PATH:
                timed.observe(time.perf_counter() - started)

    return timed_application

    return application
