"""Mentions in channels (answered in a thread), direct messages, and the App Home tab."""

from __future__ import annotations

import logging
import time

from slack_bolt import App
from slack_sdk import WebClient

from bot.listeners.answering import answer, knowledge, log_handled
from bot.slack.blocks import home_view
from bot.slack.holder import KnowledgeHolder


def _from_a_bot(event: dict) -> bool:
    return bool(event.get("bot_id") or event.get("subtype") or event.get("bot_profile"))


def register(app: App, holder: KnowledgeHolder) -> None:
    @app.event("app_mention")
    def on_mention(event: dict, say, logger: logging.Logger) -> None:
        if _from_a_bot(event):
            return
        reply = answer(holder, event.get("text", ""), kind="mention")
        say(**reply.as_kwargs(), thread_ts=event.get("thread_ts") or event["ts"])

    @app.event("message")
    def on_message(event: dict, say) -> None:
        # Only direct messages to the bot; edits, joins and bot posts carry a subtype or bot_id.
        if event.get("channel_type") != "im" or _from_a_bot(event):
            return
        reply = answer(holder, event.get("text", ""), kind="dm")
        say(**reply.as_kwargs())

    @app.event("app_home_opened")
    def on_home_opened(event: dict, client: WebClient) -> None:
        if event.get("tab", "home") != "home":
            return
        started = time.perf_counter()
        view = home_view(knowledge(holder))
        log_handled("home", "publish", "-", started)
        client.views_publish(user_id=event["user"], view=view)
