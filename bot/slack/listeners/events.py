"""Events: mentions in channels (answered in a thread), direct messages, the App Home tab, and
the app's own uninstall and token revocation."""

from __future__ import annotations

from typing import TYPE_CHECKING

from slack_bolt import App, BoltContext, Say
from slack_sdk import WebClient

from bot.core.holder import KnowledgeHolder
from bot.slack.blocks import home_view
from bot.slack.listeners.answering import answer
from bot.slack.listeners.handled import Handled, logged

if TYPE_CHECKING:
    from bot.store.store import Store

#: Message subtypes a person sends with a question in them: a plain message, one also sent to
#: the channel from a thread, one with a file attached, and a `/me` message. Every other subtype
#: (edits, deletions, joins, topic changes, bot posts...) is a system or bot message.
HUMAN_SUBTYPES = frozenset({"thread_broadcast", "file_share", "me_message"})


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


def register(app: App, holder: KnowledgeHolder, store: Store | None = None) -> None:
    @app.event("app_mention")
    @logged("mention")
    def on_mention(event: dict, say: Say, context: BoltContext) -> Handled:
        if not from_a_person(event, context):
            return ignored(event)
        message, handled = answer(
            holder, event.get("text", ""), store=store, team=context.team_id or ""
        )
        say(**message.as_kwargs(), thread_ts=event.get("thread_ts") or event["ts"])
        return handled

    @app.event("message")
    @logged("dm")
    def on_message(event: dict, say: Say, context: BoltContext) -> Handled:
        # Channel messages reach the bot as app_mention; here only direct messages count.
        if event.get("channel_type") != "im" or not from_a_person(event, context):
            return ignored(event)
        message, handled = answer(
            holder, event.get("text", ""), store=store, team=context.team_id or ""
        )
        say(**message.as_kwargs(), thread_ts=event.get("thread_ts"))
        return handled

    @app.event("app_home_opened")
    @logged("home")
    def on_home_opened(event: dict, client: WebClient) -> Handled:
        if event.get("tab", "home") != "home":
            return Handled("ignored tab=messages")
        client.views_publish(user_id=event["user"], view=home_view(holder.matcher.kb))
        return Handled("publish")

    def forget(body: dict) -> Handled:
        """The workspace removed the app: delete what the store keeps about it."""
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

    @app.event("app_uninstalled")
    @logged("app_uninstalled")
    def on_uninstalled(body: dict) -> Handled:
        return forget(body)

    @app.event("tokens_revoked")
    @logged("tokens_revoked")
    def on_tokens_revoked(body: dict) -> Handled:
        return forget(body)
