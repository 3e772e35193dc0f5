"""Render a reply as plain text: the terminal's answer and every Slack message's fallback."""

from __future__ import annotations

import re

from bot.core.models import Section
from bot.core.replies import EXAMPLES_HEADING, Citation, Reply, citation

_BOLD = re.compile(r"(?<![\w*])\*(\S(?:[^*\n]*\S)?)\*(?![\w*])")
_LINK = re.compile(r"<((?:https?|mailto):[^<>|\s]+)\|([^<>]+)>")


def plain(mrkdwn: str) -> str:
    """Drop Slack's *bold* markers and show links as `label (url)`, for places that show raw
    text (terminals, notifications)."""
    return _LINK.sub(r"\2 (\1)", _BOLD.sub(r"\1", mrkdwn))


def citation_text(cite: Citation) -> str:
    parts = [p for p in (cite.publisher, f"“{cite.title}”" if cite.title else "") if p]
    where = ", ".join(parts)
    link = f" ({cite.link})" if cite.link else ""
    return f"Source: {where}{link} — {cite.part}" if where else f"Source: {cite.part}"


def topic_line(section: Section) -> str:
    return f"• {section.title} ({section.id})"


def _section(section: Section, *, whole: bool) -> list[str]:
    lines = [section.title, "=" * len(section.title), plain(section.summary)]
    if section.comparison:
        comparison = section.comparison
        for row in comparison.rows:
            lines += ["", f"{row.aspect}", f"  {comparison.left}: {plain(row.left)}"]
            lines.append(f"  {comparison.right}: {plain(row.right)}")
    elif whole:
        lines += ["", plain(section.body)]
    lines += ["", citation_text(citation(section))]
    return lines


def render_text(
    reply: Reply,
    *,
    full: bool = False,
    picking: bool = False,
    every_topic: str = "Every topic: tpm-bot topics",
) -> str:
    """The whole reply as readable text; `full` shows every section's body whatever its length.
    `picking`: in a conversation, where the next message can pick an offered topic by its
    number, the topics are numbered and the reply says so. `every_topic` says where the whole
    list is (in `chat`, a word to type rather than a command)."""
    lines: list[str] = []
    if reply.lead:
        lines += [reply.lead, ""]
    for section in reply.sections:
        lines += [*_section(section, whole=full or reply.inline_bodies), ""]
    if reply.related:
        lines += ["Related: " + "; ".join(f"{r.title} ({r.id})" for r in reply.related), ""]
    if reply.examples:
        lines += [EXAMPLES_HEADING, *(f"• {q}" for q in reply.examples), ""]
    if reply.options:
        heading = [reply.options_heading] if reply.options_heading else []
        if picking:
            offered = [f"{n}. {s.title} ({s.id})" for n, s in enumerate(reply.options, 1)]
        else:
            offered = list(map(topic_line, reply.options))
        lines += [*heading, *offered, ""]
    if reply.options and picking:
        lines += ["Reply with a number to pick one, or ask again with a few more words."]
    elif reply.more_topics:
        again = "Ask again with a few more words. " if reply.options else ""
        lines += [f"{again}{every_topic}"]
    return "\n".join(lines).strip()


def fallback_text(reply: Reply) -> str:
    """The short text Slack shows in notifications and to clients that cannot show blocks."""
    section = reply.section
    if section is None:
        return reply.lead or section_list(reply.options)
    summary = f"{section.title}: {plain(section.summary)}"
    return f"{reply.lead} {summary}" if reply.lead else summary


def section_list(sections: tuple[Section, ...]) -> str:
    return "; ".join(s.title for s in sections)


_HANGING = re.compile(r"^(\s*(?:[•\-*>]|\d+[.)])?\s*)")
_RULE = re.compile(r"^(.)\1*$")


def wrap_text(text: str, width: int) -> str:
    """`text` folded to `width` columns at spaces, never inside a word (a word or link longer
    than the line keeps a line of its own), because a terminal folds at the last column
    whatever is there ("technical ex" / "pertise"). A bullet's or a number's later lines are
    indented under its text; an underline is cut to the width."""
    import textwrap

    width = max(width, 20)
    out: list[str] = []
    for line in text.split("\n"):
        if len(line) <= width:
            out.append(line)
            continue
        if _RULE.match(line):
            out.append(line[:width])
            continue
        prefix = _HANGING.match(line)
        hanging = " " * len(prefix.group(1)) if prefix else ""
        if len(hanging) > width // 2:
            hanging = ""
        out.extend(
            textwrap.wrap(
                line,
                width=width,
                subsequent_indent=hanging,
                break_long_words=False,
                break_on_hyphens=False,
            )
            or [""]
        )
    return "\n".join(out)
