"""Buttons and menus: show a topic, read a whole section, browse every topic, page the App
Home tab, and share an ephemeral answer in the channel."""

from __future__ import annotations

import json
import re

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.core.models import Section
from bot.core.replies import help_reply, section_reply
from bot.slack.blocks import (
    FEEDBACK,
    FEEDBACK_REASON,
    FEEDBACK_REASON_INPUT,
    HELPFUL,
    HOME_PAGE,
    PICK_SECTION,
    SHARE,
    SHOW_FULL,
    SHOW_SECTION,
    SHOW_TOPICS,
    Message,
    feedback_noted,
    feedback_reason_view,
    handoff_text,
    home_view,
    render_blocks,
)
from bot.slack.listeners.handled import Handled, logged
from bot.slack.listeners.services import services

#: Web API errors that mean the bot may not post in the channel where Share was clicked.
CANNOT_POST = {"not_in_channel", "channel_not_found", "is_archived", "restricted_action"}
CANNOT_SHARE = (
    "I can't post in this channel, so the answer stays visible only to you. "
    "Invite me with `/invite <@{bot}>` and click Share again."
)
NOT_RECORDED = "Sorry, I couldn't record your feedback right now. Please try again later."


def _clicked_value(body: dict) -> str:
    """A button's value, or the option picked in a select menu."""
    action = body["actions"][0]
    return action.get("value") or (action.get("selected_option") or {}).get("value", "")


def _deliver(body: dict, message: Message, respond: Respond, client: WebClient) -> None:
    """Show a reply where the click happened: App Home → DM, ephemeral → ephemeral,
    a channel message → its thread."""
    container = body.get("container", {})
    if container.get("type") == "view":
        client.chat_postMessage(channel=body["user"]["id"], **message.as_kwargs())
    elif container.get("is_ephemeral"):
        respond(response_type="ephemeral", replace_original=False, **message.as_kwargs())
    else:
        posted = body.get("message", {})
        client.chat_postMessage(
            channel=container.get("channel_id") or body["channel"]["id"],
            thread_ts=posted.get("thread_ts") or posted.get("ts") or container.get("message_ts"),
            **message.as_kwargs(),
        )


def _team(body: dict) -> str:
    return str((body.get("team") or {}).get("id") or (body.get("user") or {}).get("team_id") or "")


def clicked_section(body: dict, context: BoltContext) -> Section | None:
    """The section a click names, or None if a reload removed it."""
    return services(context).holder.matcher.kb.get(_clicked_value(body))


def show(
    body: dict, respond: Respond, client: WebClient, context: BoltContext, *, full: bool
) -> Handled:
    section = clicked_section(body, context)
    if section is None:
        return Handled("gone")
    ephemeral = bool(body.get("container", {}).get("is_ephemeral"))
    reply = section_reply(section, services(context).holder.matcher.kb)
    message = render_blocks(reply, shareable=ephemeral and not full, full=full)
    _deliver(body, message, respond, client)
    return Handled("full" if full else "topic", section.id)


def on_show_section(
    ack: Ack, body: dict, respond: Respond, client: WebClient, context: BoltContext
) -> Handled:
    ack()
    return show(body, respond, client, context, full=False)


def on_show_full(
    ack: Ack, body: dict, respond: Respond, client: WebClient, context: BoltContext
) -> Handled:
    ack()
    return show(body, respond, client, context, full=True)


def on_show_topics(
    ack: Ack, body: dict, respond: Respond, client: WebClient, context: BoltContext
) -> Handled:
    ack()
    _deliver(body, render_blocks(help_reply(services(context).holder.matcher.kb)), respond, client)
    return Handled("topics")


def on_home_page(ack: Ack, body: dict, client: WebClient, context: BoltContext) -> Handled:
    ack()
    value = _clicked_value(body)
    page = int(value) if value.isdigit() else 0
    client.views_publish(
        user_id=body["user"]["id"], view=home_view(services(context).holder.matcher.kb, page)
    )
    return Handled(f"page={page}")


def on_share(
    ack: Ack, body: dict, respond: Respond, client: WebClient, context: BoltContext
) -> Handled:
    ack()
    section = clicked_section(body, context)
    if section is None:
        return Handled("gone")
    reply = section_reply(section, services(context).holder.matcher.kb)
    message = render_blocks(reply, shared_by=body["user"]["id"])
    try:
        client.chat_postMessage(channel=body["channel"]["id"], **message.as_kwargs())
    except SlackApiError as error:
        if error.response.get("error") not in CANNOT_POST:
            raise
        text = CANNOT_SHARE.format(bot=context.bot_user_id or "tpm-bot")
        respond(response_type="ephemeral", replace_original=False, text=text)
        raise  # still logged, with its context, by the app's error handler
    respond(delete_original=True)
    return Handled("share", section.id)


def on_feedback(
    ack: Ack, body: dict, respond: Respond, client: WebClient, context: BoltContext
) -> Handled:
    ack()
    verdict, _, about = _clicked_value(body).partition(":")
    kind, _, section_id = about.partition(":")
    helpful = verdict == HELPFUL
    container = body.get("container", {})
    channel = container.get("channel_id") or (body.get("channel") or {}).get("id", "")
    answer_key = f"{channel}:{container.get('message_ts', '')}"
    team, user = _team(body), body["user"]["id"]
    from bot.store.events import StoreUnavailable

    store = services(context).store
    try:
        if store is None:
            raise StoreUnavailable
        store.feedback.vote(
            answer=answer_key,
            team=team,
            user=user,
            section=section_id,
            decision=kind,
            helpful=helpful,
        )
    except StoreUnavailable:
        respond(response_type="ephemeral", replace_original=False, text=NOT_RECORDED)
        return Handled("not_recorded", section_id or "-")
    # Show it was noted in the message itself (no new message); the buttons stay, so a
    # second click changes the vote.
    posted = body.get("message") or {}
    if posted.get("blocks"):
        blocks, text = posted["blocks"], posted.get("text", "")
    else:  # an ephemeral answer: its payload has no copy of the message, so render it again
        section = services(context).holder.matcher.kb.get(section_id)
        if section is None:
            return Handled("helpful" if helpful else "not_helpful", section_id or "-")
        again = render_blocks(
            section_reply(section, services(context).holder.matcher.kb),
            shareable=True,
            feedback=True,
        )
        blocks, text = list(again.blocks), again.text
    respond(replace_original=True, blocks=feedback_noted(blocks, helpful), text=text)
    help_channel = services(context).settings.help_channel
    if not helpful and help_channel:
        respond(
            response_type="ephemeral",
            replace_original=False,
            text=handoff_text(help_channel),
        )
    if not helpful and body.get("trigger_id"):
        about_vote = json.dumps({"answer": answer_key, "team": team})
        client.views_open(trigger_id=body["trigger_id"], view=feedback_reason_view(about_vote))
    return Handled("helpful" if helpful else "not_helpful", section_id or "-")


def on_feedback_reason(ack: Ack, body: dict, view: dict, context: BoltContext) -> Handled:
    values = (view.get("state") or {}).get("values") or {}
    text = ((values.get(FEEDBACK_REASON_INPUT) or {}).get(FEEDBACK_REASON_INPUT) or {}).get(
        "value"
    ) or ""
    if not text.strip():
        ack()
        return Handled("skipped")
    try:
        about = json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        about = {}
    from bot.store.events import StoreUnavailable

    store = services(context).store
    try:
        if store is None:
            raise StoreUnavailable
        store.feedback.reason(
            answer=str(about.get("answer", "")),
            team=str(about.get("team", "")) or _team(body),
            user=body["user"]["id"],
            text=text,
        )
    except StoreUnavailable:
        ack(response_action="errors", errors={FEEDBACK_REASON_INPUT: NOT_RECORDED})
        return Handled("not_recorded")
    ack()
    return Handled("noted")


def register(app: App) -> None:
    app.action(re.compile(rf"^(?:{SHOW_SECTION}|{PICK_SECTION})(?::.*)?$"))(
        logged("button")(on_show_section)
    )
    app.action(re.compile(rf"^{SHOW_FULL}(?::.*)?$"))(logged("button")(on_show_full))
    app.action(SHOW_TOPICS)(logged("button")(on_show_topics))
    app.action(re.compile(rf"^{HOME_PAGE}(?::.*)?$"))(logged("button")(on_home_page))
    app.action(SHARE)(logged("button")(on_share))
    app.action(FEEDBACK)(logged("feedback")(on_feedback))
    app.view(FEEDBACK_REASON)(logged("feedback_reason")(on_feedback_reason))
