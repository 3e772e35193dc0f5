"""Events: mentions (answered in a thread), follow-ups in threads the bot answered in, direct
messages with memory, the App Home tab, and the app's own uninstall and token revocation."""

from __future__ import annotations

import re
import time

from slack_bolt import App, BoltContext, Say
from slack_sdk import WebClient

from bot.core.replies import suggested_questions
from bot.slack.blocks import home_view
from bot.slack.listeners.answering import conversation_key, conversation_replies
from bot.slack.listeners.handled import Handled, logged
from bot.slack.listeners.services import services

#: Message subtypes a person sends with a question in them: a plain message, one also sent to
#: the channel from a thread, one with a file attached, and a `/me` message. Every other subtype
#: (edits, deletions, joins, topic changes, bot posts...) is a system or bot message.
HUMAN_SUBTYPES = frozenset({"thread_broadcast", "file_share", "me_message"})
_USER_MENTION = re.compile(r"<@([A-Z0-9]+)(?:\|[^>]*)?>")
PROMPTS_TITLE = "Try asking"


def from_a_person(event: dict, context: BoltContext) -> bool:
    """Whether a person wrote this message: not a bot, not the bot itself, not a system event."""
    if event.get("bot_id") or event.get("bot_profile"):
        return False
    if context.bot_user_id and event.get("user") == context.bot_user_id:
        return False
    subtype = event.get("subtype")
    return subtype is None or subtype in HUMAN_SUBTYPES


def ignored(event: dict) -> Handled:
    return Handled(f"ignored subtype={event.get('subtype') or '-'}")


def mentioned_users(text: str) -> set[str]:
    return set(_USER_MENTION.findall(text))


def on_mention(event: dict, say: Say, context: BoltContext) -> Handled:
    """A mention is answered in a thread under it; a mention inside a thread continues it."""
    if not from_a_person(event, context):
        return ignored(event)
    thread = event.get("thread_ts") or event["ts"]
    key = conversation_key(context, event.get("channel", ""), thread)
    return conversation_replies(context).reply(
        key, event.get("text", ""), say, thread, new="thread_ts" not in event
    )


def on_message(event: dict, say: Say, context: BoltContext) -> Handled:
    """A DM is always a question; a channel message only in a thread the bot answered in."""
    if not from_a_person(event, context):
        return ignored(event)
    if event.get("channel_type") == "im":
        thread = event.get("thread_ts")
        return conversation_replies(context).reply(
            conversation_key(context, event.get("channel", ""), thread),
            event.get("text", ""),
            say,
            thread,
        )
    return follow_up(event, say, context)


def follow_up(event: dict, say: Say, context: BoltContext) -> Handled:
    """A message in a channel thread: answered without a mention only where the bot has
    answered recently, and only when it is not addressed to somebody else."""
    thread = event.get("thread_ts")
    if not thread:
        return Handled("quiet not_in_thread")
    text = event.get("text", "")
    mentioned = mentioned_users(text)
    if context.bot_user_id in mentioned:
        return Handled("quiet mention_answered_as_app_mention")
    if mentioned:
        return Handled("quiet addressed_to_someone_else")
    tpm = services(context)
    key = conversation_key(context, event.get("channel", ""), thread)
    conversation = tpm.conversations.recall(key)
    if conversation.answered_at is None:
        return Handled("quiet not_our_thread")
    if time.time() - conversation.answered_at > tpm.settings.thread_hours * 3600:
        return Handled("quiet thread_went_quiet")
    # The memory just read is the conversation: reading it again would cost a second query.
    return conversation_replies(context).reply(
        key, text, say, thread, quiet=True, conversation=conversation
    )


def on_home_opened(event: dict, client: WebClient, context: BoltContext) -> Handled:
    """The Messages tab suggests questions; the Home tab shows the topics."""
    kb = services(context).holder.matcher.kb
    if event.get("tab") == "messages":
        prompts = [{"title": q, "message": q} for q in suggested_questions(kb)]
        client.assistant_threads_setSuggestedPrompts(
            channel_id=event["channel"], prompts=prompts, title=PROMPTS_TITLE
        )
        return Handled("prompts")
    client.views_publish(user_id=event["user"], view=home_view(kb))
    return Handled("publish")


def on_uninstalled(body: dict, context: BoltContext) -> Handled:
    """The workspace removed the app (or revoked its tokens): delete what the store keeps
    about it."""
    store = services(context).store
    team = body.get("team_id") or ""
    if store is None or not team:
        return Handled(f"noted team={team or '-'}")
    from sqlalchemy.exc import SQLAlchemyError

    try:
        store.forget_team(team)
    except SQLAlchemyError as error:
        store.health.failed("forget", error)
        return Handled(f"not_forgotten team={team}")
    return Handled(f"forgotten team={team}")


def register(app: App) -> None:
    app.event("app_mention")(logged("mention")(on_mention))
    app.event("message")(logged("message")(on_message))
    app.event("app_home_opened")(logged("home")(on_home_opened))
    app.event("app_uninstalled")(logged("app_uninstalled")(on_uninstalled))
    app.event("tokens_revoked")(logged("tokens_revoked")(on_uninstalled))
