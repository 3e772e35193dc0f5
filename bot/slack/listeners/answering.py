"""The one path from a question to a rendered reply, shared by mentions, DMs and `/tpm`.

With a store, every question is counted (its decision and section, never who asked) and an
answer asks for 👍 / 👎; questions the guide did not fully answer keep their terms for the
knowledge-gap report (see bot.store.questions).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.core.holder import KnowledgeHolder
from bot.core.replies import compose
from bot.slack.blocks import Message, render_blocks
from bot.slack.listeners.handled import Handled

if TYPE_CHECKING:
    from bot.store.store import Store


def answer(
    holder: KnowledgeHolder,
    question: str,
    *,
    shareable: bool = False,
    store: Store | None = None,
    team: str = "",
) -> tuple[Message, Handled]:
    matcher = holder.matcher
    result = matcher.match(question)
    reply = compose(result, matcher.kb)
    decision = result.intent if result.intent != "question" else result.status
    section = reply.section.id if reply.section else "-"
    if store is not None and result.intent == "question":
        store.questions.record(
            team, result.status, reply.section.id if reply.section else None, question
        )
    message = render_blocks(reply, shareable=shareable, feedback=store is not None)
    return message, Handled(decision, section)
