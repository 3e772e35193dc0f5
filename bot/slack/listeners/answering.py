"""The one path from a question to a rendered reply, shared by mentions, DMs, thread follow-ups,
assistant threads and `/tpm`.

With a store, every question is counted (its decision and section, never who asked) and an
answer asks for 👍 / 👎; questions the guide did not fully answer keep their terms for the
knowledge-gap report (see bot.store.questions).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, NamedTuple

from slack_bolt import BoltContext, Say

from bot.core.conversations import Conversation, Conversations, Dialogue, answered_sections
from bot.core.holder import KnowledgeHolder
from bot.core.matcher import MatchResult
from bot.core.replies import compose
from bot.slack.blocks import Message, render_blocks
from bot.slack.listeners.handled import Handled
from bot.slack.listeners.services import services

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


def conversation_key(context: BoltContext, channel: str, thread_ts: str | None) -> str:
    """A thread is a conversation; so is a DM outside threads."""
    where = f"{context.team_id or '-'}:{channel or '-'}"
    return f"{where}:{thread_ts}" if thread_ts else where


def conversation_replies(context: BoltContext) -> ConversationReplies:
    """Answering in the conversation this request belongs to, with the app's services."""
    tpm = services(context)
    return ConversationReplies(tpm.holder, tpm.conversations, tpm.settings.help_channel, tpm.store)


class ConversationReplies(NamedTuple):
    """Answering inside a conversation (a thread, a DM, an assistant thread): with what it has
    been about, remembering what was answered."""

    holder: KnowledgeHolder
    conversations: Conversations
    handoff: str = ""
    store: Store | None = None

    def reply(
        self,
        key: str,
        question: str,
        say: Say,
        thread_ts: str | None,
        *,
        quiet: bool = False,
        new: bool = False,
        conversation: Conversation | None = None,
    ) -> Handled:
        """`quiet`: say nothing unless the question matched (an unmentioned follow-up may be
        chatter); `new`: the conversation starts here, so there is nothing to recall;
        `conversation`: what it remembers, when the caller has just read it."""
        if conversation is None:
            conversation = Conversation() if new else self.conversations.recall(key)
        team = key.split(":", 1)[0]
        # The same conversation model as the terminal's: a reply picking from what the last
        # one offered ("2"), a part of the last answer ("the middle one"), or a new question.
        dialogue = Dialogue.resumed(self.holder.matcher, conversation)
        result, reply = dialogue.ask(question, handoff=self.handoff)
        decision = result.intent if result.intent != "question" else result.status
        if quiet and (result.section is None and result.intent != "thanks"):
            return Handled(f"quiet {decision}")  # chatter is not a gap either
        record_question(self.store, team, result, question)
        # Remembered before sending: a follow-up that arrives while the reply is still on its
        # way (a rate-limited post waits out Retry-After) already finds the thread answered.
        self.conversations.remember(
            key, answered_sections(result), team=team, offered=[s.id for s in dialogue.offered]
        )
        message = render_blocks(reply, feedback=self.store is not None)
        say(**message.as_kwargs(), thread_ts=thread_ts)
        return Handled(decision, reply.section.id if reply.section else "-")
