"""Slack listeners, registered by kind as in Slack's Bolt starter template."""

from __future__ import annotations

from typing import TYPE_CHECKING

from slack_bolt import App

from bot.core.conversations import Conversations
from bot.core.holder import KnowledgeHolder
from bot.settings import Settings
from bot.slack.listeners import actions, assistant, commands, events

if TYPE_CHECKING:
    from bot.store.store import Store


def register(
    app: App,
    holder: KnowledgeHolder,
    settings: Settings,
    conversations: Conversations,
    store: Store | None = None,
) -> None:
    assistant.register(app, holder, settings, conversations, store)
    events.register(app, holder, settings, conversations, store)
    commands.register(app, holder, settings, store)
    actions.register(app, holder, settings, store)
