"""Slash commands. Replies are ephemeral (career questions are personal) and shareable."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from slack_bolt import Ack, App, Respond

from bot.core.holder import KnowledgeHolder
from bot.core.replies import help_reply, section_reply
from bot.settings import Settings
from bot.slack.blocks import render_blocks
from bot.slack.listeners.answering import answer
from bot.slack.listeners.handled import Handled, logged

if TYPE_CHECKING:
    from bot.store.store import Store

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


def register(
    app: App, holder: KnowledgeHolder, settings: Settings, store: Store | None = None
) -> None:
    def show_topic(respond: Respond, section_id: str) -> Handled:
        kb = holder.matcher.kb
        section = kb.get(section_id)
        reply = section_reply(section, kb) if section else help_reply(kb)
        respond(response_type="ephemeral", **render_blocks(reply, shareable=True).as_kwargs())
        return Handled("topic" if section else "help", section_id if section else "-")

    def show_help(respond: Respond) -> Handled:
        reply = help_reply(holder.matcher.kb)
        respond(response_type="ephemeral", **render_blocks(reply).as_kwargs())
        return Handled("help")

    @app.command("/tpm")
    @logged("command")
    def on_tpm(ack: Ack, command: dict, respond: Respond) -> Handled:
        ack()
        question = command.get("text", "").strip()
        if not question or question.lower() == "help":
            return show_help(respond)
        answered = answer(
            holder,
            question,
            shareable=True,
            handoff=settings.help_channel,
            store=store,
            team=command.get("team_id", ""),
        )
        respond(response_type="ephemeral", **answered.message.as_kwargs())
        return answered.handled

    @app.command("/tpm-levels")
    @logged("command")
    def on_levels(ack: Ack, command: dict, respond: Respond) -> Handled:
        ack()
        words = command.get("text", "").strip().lower().split()
        return show_topic(respond, LEVELS.get(words[0] if words else "", "levels"))

    @app.command("/tpm-topics")
    @logged("command")
    def on_topics(ack: Ack, respond: Respond) -> Handled:
        ack()
        return show_help(respond)

    def topic_command(section_id: str) -> Callable[..., Handled | None]:
        @logged("command")
        def on_topic_command(ack: Ack, respond: Respond) -> Handled:
            ack()
            return show_topic(respond, section_id)

        return on_topic_command

    for name, section_id in TOPIC_COMMANDS.items():
        app.command(name)(topic_command(section_id))
