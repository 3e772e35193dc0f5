"""What the bot says, as plain text: the terminal's reply and every Slack message's fallback.

Slack's Block Kit renderer (bot/slack/blocks.py) lays the same content out richly; the words
themselves live here so the two never drift apart.
"""

from __future__ import annotations

import re

from bot.core.matcher import MatchResult
from bot.core.models import KnowledgeBase, Section

BOT_NAME = "tpm-bot"
HELP_INTRO = (
    "I answer questions about the Technical Product Manager (TPM) role from the guide "
    "“Who is a Technical Product Manager? A Complete Guide”."
)
EXAMPLE_QUESTIONS = (
    "What does a TPM do?",
    "How is a TPM different from a product manager?",
    "What does a senior TPM do?",
    "How much does a TPM earn in India?",
    "How do I become a TPM?",
)
NOT_COVERED = "The guide doesn't cover that, so I'd rather not guess."
SUGGEST_INTRO = "I'm not sure which topic you mean. Did you mean one of these?"
#: How many "did you mean" options a reply offers.
MAX_SUGGESTIONS = 3

_BOLD = re.compile(r"(?<![\w*])\*(\S(?:[^*\n]*\S)?)\*(?![\w*])")


def plain(mrkdwn: str) -> str:
    """Drop Slack's *bold* markers for places that show raw text (terminals, notifications)."""
    return _BOLD.sub(r"\1", mrkdwn)


def citation(section: Section) -> str:
    """Where the answer comes from, so a reader can check it."""
    guide = f" of “{section.guide.title}”" if section.guide.title else ""
    return f"Source: “{section.source}”{guide}"


def related_sections(section: Section, kb: KnowledgeBase) -> list[Section]:
    return [kb[r] for r in section.related if r in kb]


def suggestions(result: MatchResult) -> list[Section]:
    return [c.section for c in result.candidates[:MAX_SUGGESTIONS]]


def topic_lines(kb: KnowledgeBase) -> list[str]:
    return [f"• {s.title} ({s.id})" for s in kb.sections]


def section_text(section: Section, kb: KnowledgeBase) -> str:
    """A whole section as readable text: title, summary, body, source and related topics."""
    parts = [
        section.title,
        "=" * len(section.title),
        plain(section.summary),
        "",
        plain(section.body),
    ]
    parts += ["", citation(section)]
    related = related_sections(section, kb)
    if related:
        parts.append("Related: " + "; ".join(f"{r.title} ({r.id})" for r in related))
    return "\n".join(parts)


def help_text(kb: KnowledgeBase) -> str:
    lines = [HELP_INTRO, "", "Ask in your own words, for example:"]
    lines += [f"• {q}" for q in EXAMPLE_QUESTIONS]
    lines += ["", "Topics I know:", *topic_lines(kb)]
    return "\n".join(lines)


def reply_text(result: MatchResult, kb: KnowledgeBase) -> str:
    """The full reply to a question as plain text."""
    if result.intent == "help":
        return help_text(kb)
    if result.status == "answer" and result.section:
        return section_text(result.section, kb)
    if result.status == "suggest":
        options = [f"• {s.title} ({s.id})" for s in suggestions(result)]
        return "\n".join(
            [SUGGEST_INTRO, *options, "", "Ask again with a few more words, or pick one."]
        )
    return "\n".join([NOT_COVERED, "", "Topics I can answer:", *topic_lines(kb)])
