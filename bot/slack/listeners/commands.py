"""Slash commands. Replies are ephemeral (career questions are personal) and shareable."""

from __future__ import annotations

from slack_bolt import Ack, App, BoltContext, Respond

from bot.core.replies import help_reply, section_reply
from bot.slack.blocks import render_blocks
from bot.slack.listeners.answering import answer
from bot.slack.listeners.handled import Handled, logged
from bot.slack.listeners.services import services

#: Commands that always show one topic: command -> section id.
TOPIC_COMMANDS = {
    "/tpm-salary": "salary-india",
    "/tpm-become": "how-to-become",
    "/tpm-vs-pm": "pm-vs-tpm",
    "/tpm-role": "what-is-a-tpm",
}
LEVELS = {
    "mid": "level-mid",
    "senior": "level-senior",
    "director": "level-director-vp",
    "vp": "level-director-vp",
}
COMMANDS = ("/tpm", "/tpm-levels", "/tpm-topics", *TOPIC_COMMANDS)


def show_topic(respond: Respond, context: BoltContext, section_id: str) -> Handled:
    kb = services(context).holder.matcher.kb
    section = kb.get(section_id)
    reply = section_reply(section, kb) if section else help_reply(kb)
    respond(response_type="ephemeral", **render_blocks(reply, shareable=True).as_kwargs())
    return Handled("topic" if section else "help", section_id if section else "-")


def show_help(respond: Respond, context: BoltContext) -> Handled:
    reply = help_reply(services(context).holder.matcher.kb)
    respond(response_type="ephemeral", **render_blocks(reply).as_kwargs())
    return Handled("help")


def on_tpm(ack: Ack, command: dict, respond: Respond, context: BoltContext) -> Handled:
    """`/tpm <question>`: the answer, for the asker only, with a Share button."""
    ack()
    question = command.get("text", "").strip()
    if not question or question.lower() == "help":
        return show_help(respond, context)
    tpm = services(context)
    answered = answer(
        tpm.holder,
        question,
        shareable=True,
        handoff=tpm.settings.help_channel,
        store=tpm.store,
        team=command.get("team_id", ""),
    )
    respond(response_type="ephemeral", **answered.message.as_kwargs())
    return answered.handled


def on_levels(ack: Ack, command: dict, respond: Respond, context: BoltContext) -> Handled:
    """`/tpm-levels [mid|senior|director|vp]`."""
    ack()
    words = command.get("text", "").strip().lower().split()
    return show_topic(respond, context, LEVELS.get(words[0] if words else "", "levels"))


def on_topics(ack: Ack, respond: Respond, context: BoltContext) -> Handled:
    """`/tpm-topics`: every topic."""
    ack()
    return show_help(respond, context)


def on_topic_command(ack: Ack, command: dict, respond: Respond, context: BoltContext) -> Handled:
    """A command that always shows one topic (TOPIC_COMMANDS)."""
    ack()
    return show_topic(respond, context, TOPIC_COMMANDS.get(command.get("command", ""), ""))


def register(app: App) -> None:
    app.command("/tpm")(logged("command")(on_tpm))
    app.command("/tpm-levels")(logged("command")(on_levels))
    app.command("/tpm-topics")(logged("command")(on_topics))
    for name in TOPIC_COMMANDS:
        app.command(name)(logged("command")(on_topic_command))
