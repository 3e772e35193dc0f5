"""Slack's agent surface: assistant threads, handled by Bolt's Assistant class.

A new assistant thread gets a greeting and the knowledge base's most useful questions as
suggested prompts; a question in it shows a "looking that up" status, then the answer, with the
thread's earlier sections as context, like any other conversation.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable

from slack_bolt import App, Assistant, BoltContext, BoltRequest, BoltResponse, Say, SetStatus
from slack_bolt.context.set_suggested_prompts import SetSuggestedPrompts
from slack_bolt.request.payload_utils import is_assistant_event
from slack_sdk.errors import SlackApiError

from bot.core.replies import HELP_INTRO, suggested_questions
from bot.slack.listeners.answering import conversation_key, conversation_replies
from bot.slack.listeners.handled import Handled, logged
from bot.slack.listeners.services import services

GREETING = f"Hi! {HELP_INTRO} Ask in your own words, or pick a suggestion."
STATUS = "is looking that up in the guide…"


class TpmAssistant(Assistant):
    """Bolt's Assistant, except that a DM message also sent to the conversation from a thread
    (`thread_broadcast`) is a question like any other, not a system message to swallow."""

    def process(
        self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]
    ) -> BoltResponse | None:
        event = req.body.get("event") if isinstance(req.body, dict) else None
        if isinstance(event, dict) and event.get("subtype") == "thread_broadcast":
            return next()
        if not is_assistant_event(req.body):
            # Most requests are not about assistant threads: pass them on before the Assistant
            # runs its listeners' matchers on each, which cost more than the rest of the ack.
            return next()
        return super().process(req=req, resp=resp, next=next)


def on_thread_started(
    say: Say, set_suggested_prompts: SetSuggestedPrompts, context: BoltContext
) -> Handled:
    """Greet, and suggest the knowledge base's most useful questions."""
    say(GREETING)
    set_suggested_prompts(prompts=list(suggested_questions(services(context).holder.matcher.kb)))
    return Handled("greeted")


def on_question(payload: dict, say: Say, set_status: SetStatus, context: BoltContext) -> Handled:
    """A question in an assistant thread, answered with the thread's earlier sections."""
    with contextlib.suppress(SlackApiError):  # a plain DM thread has no assistant status
        set_status(STATUS)
    thread = payload.get("thread_ts")
    key = conversation_key(context, payload.get("channel", ""), thread)
    return conversation_replies(context).reply(key, payload.get("text", ""), say, thread)


def register(app: App) -> None:
    assistant = TpmAssistant()
    assistant.thread_started(logged("assistant")(on_thread_started))
    assistant.user_message(logged("assistant")(on_question))
    app.assistant(assistant)
