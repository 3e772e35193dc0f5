"""The one path from a question to a rendered reply, shared by mentions, DMs, thread follow-ups,
assistant threads and `/tpm`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from bot.core.holder import KnowledgeHolder
from bot.core.matcher import MatchResult
from bot.core.replies import compose
from bot.slack.blocks import Message, render_blocks
from bot.slack.listeners.handled import Handled


class Answered(NamedTuple):
    message: Message
    handled: Handled
    result: MatchResult


def answer(
    holder: KnowledgeHolder,
    question: str,
    *,
    history: Sequence[str] = (),
    shareable: bool = False,
    handoff: str = "",
) -> Answered:
    """Match `question` (with the conversation's earlier sections) and render the reply."""
    matcher = holder.matcher
    result = matcher.match(question, history)
    reply = compose(result, matcher.kb, handoff=handoff)
    decision = result.intent if result.intent != "question" else result.status
    section = reply.section.id if reply.section else "-"
    return Answered(render_blocks(reply, shareable=shareable), Handled(decision, section), result)
