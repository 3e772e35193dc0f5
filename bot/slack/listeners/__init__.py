"""Slack listeners, registered by kind as in Slack's Bolt starter template."""

from __future__ import annotations

from slack_bolt import App

from bot.core.conversations import Conversations
from bot.core.holder import KnowledgeHolder
from bot.settings import Settings
from bot.slack.listeners import actions, assistant, commands, events


def register(
    app: App, holder: KnowledgeHolder, settings: Settings, conversations: Conversations
) -> None:
    assistant.register(app, holder, settings, conversations)
    events.register(app, holder, settings, conversations)
    commands.register(app, holder, settings)
    actions.register(app, holder)
