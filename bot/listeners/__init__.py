"""Slack listeners, registered by kind as in Slack's Bolt starter template."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.listeners import actions, commands, events

if TYPE_CHECKING:
    from slack_bolt import App

    from bot.slack.holder import KnowledgeHolder


def register(app: App, holder: KnowledgeHolder) -> None:
    events.register(app, holder)
    commands.register(app, holder)
    actions.register(app, holder)
