"""Slash commands. Replies are ephemeral (career questions are personal) and shareable.

`/tpm` and `/tpm-topics` are the bot's own. Every other command shows the section the knowledge
files name for it (`commands:`), so a team's knowledge base can add its own; a word after such a
command picks one of the section's `parts` (`/tpm-levels senior`, `/tpm-become 2`).
"""

from __future__ import annotations

import re

from slack_bolt import Ack, App, BoltContext, Respond

from bot.core.models import KnowledgeBase, Section
from bot.core.replies import help_reply, section_reply
from bot.core.text import plain_words
from bot.slack.blocks import render_blocks
from bot.slack.listeners.answering import answer
from bot.slack.listeners.handled import Handled, logged
from bot.slack.listeners.services import services

#: Every command a request may name: the bot's own, then any the knowledge files define (the
#: manifest declares those of the shipped guide).
ANY_COMMAND = re.compile(r"^/.+$")


def chosen_part(kb: KnowledgeBase, section: Section, wanted: str) -> Section:
    """The part of `section` that `wanted` names, by its number ("2") or a word of its title
    ("senior", "vp"); the section itself when nothing matches."""
    words = plain_words(wanted)
    parts = [p for p in (kb.get(i) for i in section.parts) if p is not None]
    if not words or not parts:
        return section
    if words[0].isdigit() and 1 <= int(words[0]) <= len(parts):
        return parts[int(words[0]) - 1]
    for part in parts:
        if words[0] in plain_words(part.title):
            return part
    return section


def show_section(respond: Respond, kb: KnowledgeBase, section: Section | None) -> Handled:
    reply = section_reply(section, kb) if section else help_reply(kb)
    respond(response_type="ephemeral", **render_blocks(reply, shareable=True).as_kwargs())
    return Handled("topic", section.id) if section else Handled("help")


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


def on_topics(ack: Ack, respond: Respond, context: BoltContext) -> Handled:
    """`/tpm-topics`: every topic."""
    ack()
    return show_help(respond, context)


def on_topic_command(ack: Ack, command: dict, respond: Respond, context: BoltContext) -> Handled:
    """A command the knowledge files point at a section; unknown ones get the help."""
    ack()
    kb = services(context).holder.matcher.kb
    section = kb.get(kb.commands.get(command.get("command", ""), ""))
    if section is not None:
        section = chosen_part(kb, section, command.get("text", ""))
    return show_section(respond, kb, section)


def register(app: App) -> None:
    app.command("/tpm")(logged("command")(on_tpm))
    app.command("/tpm-topics")(logged("command")(on_topics))
    # Last: Bolt gives a command to the first listener that matches it.
    app.command(ANY_COMMAND)(logged("command")(on_topic_command))
