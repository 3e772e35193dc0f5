"""Slash commands. Replies are ephemeral (career questions are personal) and shareable."""

from __future__ import annotations

import time

from slack_bolt import Ack, App, Respond

from bot.listeners.answering import answer, knowledge, log_handled
from bot.slack.blocks import answer_reply, help_reply
from bot.slack.holder import KnowledgeHolder

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


def _respond_with_section(holder: KnowledgeHolder, respond: Respond, section_id: str) -> None:
    started = time.perf_counter()
    kb = knowledge(holder)
    reply = answer_reply(kb[section_id], kb, shareable=True)
    log_handled("command", "topic", section_id, started)
    respond(response_type="ephemeral", **reply.as_kwargs())


def _respond_with_help(holder: KnowledgeHolder, respond: Respond) -> None:
    started = time.perf_counter()
    reply = help_reply(knowledge(holder))
    log_handled("command", "help", "-", started)
    respond(response_type="ephemeral", **reply.as_kwargs())


def register(app: App, holder: KnowledgeHolder) -> None:
    @app.command("/tpm")
    def on_tpm(ack: Ack, command: dict, respond: Respond) -> None:
        ack()
        question = command.get("text", "").strip()
        if not question or question.lower() == "help":
            _respond_with_help(holder, respond)
        else:
            reply = answer(holder, question, kind="command", shareable=True)
            respond(response_type="ephemeral", **reply.as_kwargs())

    @app.command("/tpm-levels")
    def on_levels(ack: Ack, command: dict, respond: Respond) -> None:
        ack()
        word = command.get("text", "").strip().lower().split(" ")[0]
        _respond_with_section(holder, respond, LEVELS.get(word, "levels"))

    @app.command("/tpm-topics")
    def on_topics(ack: Ack, respond: Respond) -> None:
        ack()
        _respond_with_help(holder, respond)

    def topic_command(section_id: str):
        def handler(ack: Ack, respond: Respond) -> None:
            ack()
            _respond_with_section(holder, respond, section_id)

        return handler

    for name, section_id in TOPIC_COMMANDS.items():
        app.command(name)(topic_command(section_id))
