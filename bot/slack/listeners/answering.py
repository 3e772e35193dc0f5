"""The one path from a question to a rendered reply, shared by mentions, DMs and `/tpm`."""

from __future__ import annotations

from bot.core.holder import KnowledgeHolder
from bot.core.replies import compose
from bot.slack.blocks import Message, render_blocks
from bot.slack.listeners.handled import Handled


def answer(
    holder: KnowledgeHolder, question: str, *, shareable: bool = False
) -> tuple[Message, Handled]:
    matcher = holder.matcher
    result = matcher.match(question)
    reply = compose(result, matcher.kb)
    decision = result.intent if result.intent != "question" else result.status
    section = reply.section.id if reply.section else "-"
    return render_blocks(reply, shareable=shareable), Handled(decision, section)
