"""Slack listeners, registered by kind as in Slack's Bolt starter template."""

from __future__ import annotations

from slack_bolt import App

from bot.core.holder import KnowledgeHolder
from bot.slack.listeners import actions, commands, events


def register(app: App, holder: KnowledgeHolder) -> None:
    events.register(app, holder)
    commands.register(app, holder)
    actions.register(app, holder)
