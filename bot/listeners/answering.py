"""The one path from a question to a reply, shared by every kind of listener."""

from __future__ import annotations

import logging
import time

from bot.core.models import KnowledgeBase
from bot.slack.blocks import Reply, reply_for
from bot.slack.holder import KnowledgeHolder

log = logging.getLogger("tpm_bot")


def answer(holder: KnowledgeHolder, question: str, *, kind: str, shareable: bool = False) -> Reply:
    """Match and render, logging ids and the decision, never the question (it is personal)."""
    started = time.perf_counter()
    matcher = holder.matcher
    result = matcher.match(question)
    reply = reply_for(result, matcher.kb, shareable=shareable)
    section = result.section.id if result.section else "-"
    decision = "help" if result.intent == "help" else result.status
    log.info(
        "kind=%s decision=%s section=%s latency_ms=%.2f",
        kind,
        decision,
        section,
        (time.perf_counter() - started) * 1000,
    )
    return reply


def knowledge(holder: KnowledgeHolder) -> KnowledgeBase:
    return holder.matcher.kb
