"""Slack listeners: plain module-level functions, one file per kind, registered here in one
place, as in Slack's Bolt starter template. What they share (knowledge, settings, store,
metrics) reaches them in Bolt's context (bot.slack.listeners.services)."""

from __future__ import annotations

from slack_bolt import App

from bot.slack.listeners import actions, assistant, commands, events, shortcuts


def register(app: App) -> None:
    # The assistant first: its middleware claims assistant-thread messages before the plain
    # message listener sees them.
    assistant.register(app)
    events.register(app)
    commands.register(app)
    actions.register(app)
    shortcuts.register(app)
