"""Slack listeners, registered by kind as in Slack's Bolt starter template."""

from __future__ import annotations

from typing import TYPE_CHECKING

from slack_bolt import App

from bot.core.holder import KnowledgeHolder
from bot.slack.listeners import actions, commands, events

if TYPE_CHECKING:
    from bot.store.store import Store


def register(app: App, holder: KnowledgeHolder, store: Store | None = None) -> None:
    events.register(app, holder, store)
    commands.register(app, holder, store)
    actions.register(app, holder, store)
