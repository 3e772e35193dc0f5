"""Buttons: show a topic, read a whole section, share an ephemeral answer in the channel."""

from __future__ import annotations

import re
import time

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.core.models import Section
from bot.listeners.answering import knowledge, log_handled
from bot.slack.blocks import SHARE, SHOW_FULL, SHOW_SECTION, Reply, answer_reply
from bot.slack.holder import KnowledgeHolder

#: Web API errors that mean the bot may not post in the channel where Share was clicked.
CANNOT_POST = {"not_in_channel", "channel_not_found", "is_archived", "restricted_action"}
CANNOT_SHARE = (
    "I can't post in this channel, so the answer stays visible only to you. "
    "Invite me with `/invite <@{bot}>` and click Share again."
)


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
    def show(body: dict, respond: Respond, client: WebClient, *, full: bool) -> None:
        started = time.perf_counter()
        section = _clicked_section(holder, body)
        if not section:
            log_handled("button", "gone", "-", started)
            return
        ephemeral = bool(body.get("container", {}).get("is_ephemeral"))
        reply = answer_reply(
            section, knowledge(holder), shareable=ephemeral and not full, full=full
        )
        log_handled("button", "full" if full else "topic", section.id, started)
        _deliver(body, reply, respond, client)

    @app.action(re.compile(rf"^{SHOW_SECTION}(:.*)?$"))
    def on_show_section(ack: Ack, body: dict, respond: Respond, client: WebClient) -> None:
        ack()
        show(body, respond, client, full=False)

    @app.action(SHOW_FULL)
    def on_show_full(ack: Ack, body: dict, respond: Respond, client: WebClient) -> None:
        ack()
        show(body, respond, client, full=True)

    @app.action(SHARE)
    def on_share(
        ack: Ack, body: dict, respond: Respond, client: WebClient, context: BoltContext
    ) -> None:
        ack()
        started = time.perf_counter()
        section = _clicked_section(holder, body)
        if not section:
            log_handled("button", "gone", "-", started)
            return
        reply = answer_reply(section, knowledge(holder), shared_by=body["user"]["id"])
        log_handled("button", "share", section.id, started)
        try:
            client.chat_postMessage(channel=body["channel"]["id"], **reply.as_kwargs())
        except SlackApiError as error:
            if error.response.get("error") not in CANNOT_POST:
                raise
            text = CANNOT_SHARE.format(bot=context.bot_user_id or "tpm-bot")
            respond(response_type="ephemeral", replace_original=False, text=text)
            raise  # still logged, with its context, by the app's error handler
        respond(delete_original=True)
