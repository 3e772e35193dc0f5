"""Buttons: show a topic, read a whole section, share an ephemeral answer in the channel."""

from __future__ import annotations

import re

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.core.models import Section
from bot.listeners.answering import knowledge
from bot.slack.blocks import SHARE, SHOW_FULL, SHOW_SECTION, Reply, answer_reply
from bot.slack.holder import KnowledgeHolder


def _deliver(body: dict, reply: Reply, respond: Respond, client: WebClient) -> None:
    """Show a reply where the button was clicked: App Home → DM, ephemeral → ephemeral,
    a channel message → its thread."""
    container = body.get("container", {})
    if container.get("type") == "view":
        client.chat_postMessage(channel=body["user"]["id"], **reply.as_kwargs())
    elif container.get("is_ephemeral"):
        respond(response_type="ephemeral", replace_original=False, **reply.as_kwargs())
    else:
        message = body.get("message", {})
        client.chat_postMessage(
            channel=container.get("channel_id") or body["channel"]["id"],
            thread_ts=message.get("thread_ts") or message.get("ts") or container.get("message_ts"),
            **reply.as_kwargs(),
        )


def _clicked_section(holder: KnowledgeHolder, body: dict) -> Section | None:
    """The section a button names (its value), or None if a reload removed it."""
    return knowledge(holder).get(body["actions"][0].get("value", ""))


def register(app: App, holder: KnowledgeHolder) -> None:
    @app.action(re.compile(rf"^{SHOW_SECTION}(:.*)?$"))
    def on_show_section(ack: Ack, body: dict, respond: Respond, client: WebClient) -> None:
        ack()
        if section := _clicked_section(holder, body):
            ephemeral = bool(body.get("container", {}).get("is_ephemeral"))
            reply = answer_reply(section, knowledge(holder), shareable=ephemeral)
            _deliver(body, reply, respond, client)

    @app.action(SHOW_FULL)
    def on_show_full(ack: Ack, body: dict, respond: Respond, client: WebClient) -> None:
        ack()
        if section := _clicked_section(holder, body):
            _deliver(body, answer_reply(section, knowledge(holder), full=True), respond, client)

    @app.action(SHARE)
    def on_share(ack: Ack, body: dict, respond: Respond, client: WebClient) -> None:
        ack()
        if section := _clicked_section(holder, body):
            reply = answer_reply(section, knowledge(holder), shared_by=body["user"]["id"])
            client.chat_postMessage(channel=body["channel"]["id"], **reply.as_kwargs())
            respond(delete_original=True)
