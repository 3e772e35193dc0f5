"""The one path from a question to a rendered reply, shared by mentions, DMs, thread follow-ups,
assistant threads and `/tpm`.

With a store, every question is counted (its decision and section, never who asked) and an
answer asks for 👍 / 👎; questions the guide did not fully answer keep their terms for the
knowledge-gap report (see bot.store.questions).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, NamedTuple

from bot.core.holder import KnowledgeHolder
from bot.core.matcher import MatchResult
from bot.core.replies import compose
from bot.slack.blocks import Message, render_blocks
from bot.slack.listeners.handled import Handled

if TYPE_CHECKING:
    from bot.store.store import Store


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
    store: Store | None = None,
    team: str = "",
    record: bool = True,
) -> Answered:
    """Match `question` (with the conversation's earlier sections) and render the reply.
    `record=False` leaves counting it to the caller (which may decide to stay quiet)."""
    matcher = holder.matcher
    result = matcher.match(question, history)
    reply = compose(result, matcher.kb, handoff=handoff)
    decision = result.intent if result.intent != "question" else result.status
    section = reply.section.id if reply.section else "-"
    if record:
        record_question(store, team, result, question)
    message = render_blocks(reply, shareable=shareable, feedback=store is not None)
    return Answered(message, Handled(decision, section), result)


def record_question(store: Store | None, team: str, result: MatchResult, question: str) -> None:
    """Count a question for the report (its decision and section, never who asked)."""
    if store is not None and result.intent == "question":
        section = result.section.id if result.section else None
        store.questions.record(team, result.status, section, question)
