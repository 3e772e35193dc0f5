"""Prometheus metrics: what an operator graphs and alerts on, served at GET /metrics.

Each runtime has a registry of its own rather than prometheus_client's global one, so that two
apps in one process (the tests build many) never share or clash over a series. Labels are the
bot's own words (a listener's kind and decision, a Web API method, a reload's outcome): never a
user's text and never a Slack id, so no series says who asked what, and the number of series
stays small whatever arrives.

What the rest of the process already knows (the store's health, the sections loaded, reloads,
rows the store dropped) is read when Prometheus scrapes, not copied in as it happens.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.exposition import generate_latest
from prometheus_client.registry import Collector
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
)
from slack_sdk.http_retry.handler import RetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.state import RetryState

if TYPE_CHECKING:
    from bot.core.holder import KnowledgeHolder
    from bot.store.store import Store

#: Acknowledgements must reach Slack within 3 s; the buckets are finest well inside that.
ACK_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0)
#: From an event's arrival to its reply posted: matching is milliseconds, posting is a round trip
#: to Slack, and a rate-limited post waits out Retry-After.
ANSWER_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)

_LABEL_WORD = re.compile(r"[a-z_]{1,32}")


def decision_label(decision: str) -> str:
    """A decision's first word ("ignored subtype=bot_message" → "ignored"), the bounded part."""
    word = decision.split(" ", 1)[0].split("=", 1)[0]
    return word if _LABEL_WORD.fullmatch(word) else "other"


def api_method(url: str) -> str:
    """The Web API method a request URL names (".../api/chat.postMessage" → "chat.postMessage")."""
    method = url.rstrip("/").rsplit("/", 1)[-1].split("?", 1)[0]
    return method if re.fullmatch(r"[A-Za-z.]{1,64}", method) else "other"


class Metrics:
    """The counters and histograms the Slack layer feeds as requests come and go."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.events = Counter(
            "tpm_bot_events",
            "Slack events, commands and clicks handled, by kind and decision",
            ["kind", "decision"],
            registry=self.registry,
        )
        self.api_errors = Counter(
            "tpm_bot_slack_api_errors",
            "Slack Web API calls that failed, by method and Slack's error code",
            ["method", "error"],
            registry=self.registry,
        )
        self.api_retries = Counter(
            "tpm_bot_slack_api_retries",
            "Slack Web API calls tried again, by method and why",
            ["method", "reason"],
            registry=self.registry,
        )
        self.ack_seconds = Histogram(
            "tpm_bot_ack_seconds",
            "Seconds from a request's arrival to Slack's acknowledgement",
            buckets=ACK_BUCKETS,
            registry=self.registry,
        )
        self.answer_seconds = Histogram(
            "tpm_bot_answer_seconds",
            "Seconds from an event's arrival to its reply being posted, by kind",
            ["kind"],
            buckets=ANSWER_BUCKETS,
            registry=self.registry,
        )
        self.dropped_answers = Counter(
            "tpm_bot_answers_dropped",
            "Answers still in flight when a stop ran out of time",
            registry=self.registry,
        )

    def watch(self, holder: KnowledgeHolder, store: Store | None) -> None:
        """Report the knowledge and the store as they are at each scrape."""
        self.registry.register(_StateCollector(holder, store))

    def retry_handlers(self) -> list[RetryHandler]:
        """slack_sdk's own retry handlers for connection errors and rate limits, counting each
        retry they decide on."""
        return [
            _Counted(ConnectionErrorRetryHandler(max_retry_count=2), "connection", self),
            _Counted(RateLimitErrorRetryHandler(max_retry_count=3), "rate_limited", self),
        ]

    def exposition(self) -> tuple[bytes, str]:
        """The text exposition format and its content type, for GET /metrics."""
        return generate_latest(self.registry), CONTENT_TYPE_LATEST


class _Counted(RetryHandler):
    """A slack_sdk retry handler that counts each retry it decides on, then does as it would."""

    def __init__(self, inner: RetryHandler, reason: str, metrics: Metrics) -> None:
        super().__init__(inner.max_retry_count, inner.interval_calculator)
        self.inner, self.reason, self.metrics = inner, reason, metrics

    def _can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: Any = None,
        error: Exception | None = None,
    ) -> bool:
        return self.inner._can_retry(state=state, request=request, response=response, error=error)

    def prepare_for_next_attempt(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: Any = None,
        error: Exception | None = None,
    ) -> None:
        self.metrics.api_retries.labels(api_method(request.url), self.reason).inc()
        self.inner.prepare_for_next_attempt(
            state=state, request=request, response=response, error=error
        )


class _StateCollector(Collector):
    """Gauges and counters read from the holder and the store when Prometheus scrapes."""

    def __init__(self, holder: KnowledgeHolder, store: Store | None) -> None:
        self.holder, self.store = holder, store

    def collect(self) -> Iterator[Metric]:
        matcher = self.holder.matcher
        sections = GaugeMetricFamily(
            "tpm_bot_knowledge_sections", "Sections in the knowledge base serving now"
        )
        sections.add_metric([], len(matcher.kb.sections))
        yield sections
        engine = GaugeMetricFamily(
            "tpm_bot_engine", "The answer engine in use (1 on its label)", labels=["engine"]
        )
        engine.add_metric([matcher.engine], 1)
        yield engine
        reloads = CounterMetricFamily(
            "tpm_bot_knowledge_reloads", "Knowledge reloads, by outcome", labels=["outcome"]
        )
        for outcome in ("loaded", "kept_last_good"):
            reloads.add_metric([outcome], self.holder.reloads[outcome])
        yield reloads
        up = GaugeMetricFamily(
            "tpm_bot_store_up", "1 while the database answers, 0 while it does not"
        )
        up.add_metric([], 1 if self.store is not None and self.store.health.up else 0)
        yield up
        rows = CounterMetricFamily(
            "tpm_bot_store_rows_dropped", "Rows the store could not write and dropped"
        )
        rows.add_metric([], self.store.dropped_rows if self.store is not None else 0)
        yield rows
