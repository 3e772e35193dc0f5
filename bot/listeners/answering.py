"""The one path from a question to a reply, and the one log line per handled request."""

from __future__ import annotations

import logging
import time

from bot.core.models import KnowledgeBase
from bot.slack.blocks import Reply, reply_for
from bot.slack.holder import KnowledgeHolder

log = logging.getLogger("tpm_bot")


def log_handled(kind: str, decision: str, section: str, started: float) -> None:
    """One structured line per request: ids and the decision, never the question (it is
    personal)."""
    latency = (time.perf_counter() - started) * 1000
    log.info("kind=%s decision=%s section=%s latency_ms=%.2f", kind, decision, section, latency)


def answer(holder: KnowledgeHolder, question: str, *, kind: str, shareable: bool = False) -> Reply:
    started = time.perf_counter()
    matcher = holder.matcher
    result = matcher.match(question)
    reply = reply_for(result, matcher.kb, shareable=shareable)
    decision = "help" if result.intent == "help" else result.status
    log_handled(kind, decision, result.section.id if result.section else "-", started)
    return reply


def knowledge(holder: KnowledgeHolder) -> KnowledgeBase:
    return holder.matcher.kb
