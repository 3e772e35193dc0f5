"""Render a reply as Block Kit, built with slack_sdk's model classes (which check Slack's limits).

Only layout lives here: what to say was decided in bot.core.replies. Knowledge text is escaped
for Slack's mrkdwn (`&`, `<`, `>`), keeping the links the knowledge base means, so "R&D" or
"A > b" reads as written. Topic lists of any length stay within Slack's limits: a few topics are
buttons, more become select menus of up to 100 options each.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextActionsBlock,
    ContextBlock,
    DividerBlock,
    FeedbackButtonObject,
    FeedbackButtonsElement,
    HeaderBlock,
    MarkdownTextObject,
    Option,
    PlainTextObject,
    SectionBlock,
    StaticSelectElement,
)

from bot.core.chunks import (
    ACTIONS_ELEMENTS_LIMIT,
    FIELD_LIMIT,
    HEADER_LIMIT,
    LABEL_LIMIT,
    MESSAGE_BLOCK_LIMIT,
    SELECT_OPTIONS_LIMIT,
    split_text,
)
from bot.core.models import KnowledgeBase, Section
from bot.core.plaintext import fallback_text
from bot.core.replies import Citation, Reply, citation, help_reply

# action_ids. A topic button's or select option's value is a section id.
SHOW_SECTION = "show_section"
PICK_SECTION = "pick_section"
SHOW_FULL = "show_full"
SHOW_TOPICS = "show_topics"
SHARE = "share"
HOME_PAGE = "home_page"
#: The 👍/👎 element, its block, the note shown once a vote is recorded, and the 👎 modal.
FEEDBACK = "feedback"
FEEDBACK_BLOCK = "feedback"
FEEDBACK_NOTE_BLOCK = "feedback_noted"
FEEDBACK_REASON = "feedback_reason"
FEEDBACK_REASON_INPUT = "reason"
#: What a feedback button's value says: helpful or not, the reply's kind, its section.
HELPFUL, NOT_HELPFUL = "good", "bad"
#: Replies that ask for feedback: the ones that answer with a section.
FEEDBACK_KINDS = frozenset({"answer", "partial"})
#: Up to this many topics are offered as buttons; more as select menus.
MAX_TOPIC_BUTTONS = 10
BUTTONS_PER_ROW = 5
#: Topics per page of the App Home tab.
HOME_PAGE_SIZE = 20

_LINK = re.compile(r"<((?:https?|mailto):[^<>|\s]+)(?:\|([^<>]+))?>")


class Message:
    """Blocks plus the plain-text fallback Slack shows in notifications.

    Blocks become JSON-ready dicts once, when built (that is where slack_sdk checks the limits,
    and it costs more than matching); replies depend only on the knowledge base, so renders are
    cached. Treat a Message as read-only.
    """

    __slots__ = ("blocks", "text")

    def __init__(self, blocks: list[Block], text: str) -> None:
        self.blocks = tuple(b.to_dict() for b in blocks)
        self.text = text

    def as_kwargs(self) -> dict[str, Any]:
        return {"blocks": list(self.blocks), "text": self.text}


def escape_mrkdwn(text: str) -> str:
    """Escape Slack's control characters, except inside links the knowledge text means."""
    out, last = [], 0
    for link in _LINK.finditer(text):
        out.append(_escape(text[last : link.start()]))
        target, shown = link.group(1), link.group(2)
        out.append(f"<{target}|{_escape(shown)}>" if shown else f"<{target}>")
        last = link.end()
    out.append(_escape(text[last:]))
    return "".join(out)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def label(text: str, limit: int = LABEL_LIMIT) -> str:
    """Fit a label in `limit` characters, cut at a word with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:-—") + "…"


def _button(text: str, action_id: str, value: str, primary: bool = False) -> ButtonElement:
    return ButtonElement(
        text=PlainTextObject(text=label(text), emoji=True),
        action_id=action_id,
        value=value,
        style="primary" if primary else None,
    )


def _mrkdwn(text: str) -> SectionBlock:
    return SectionBlock(text=MarkdownTextObject(text=text))


def topic_picker(sections: tuple[Section, ...], prefix: str = "") -> list[Block]:
    """A few topics as buttons (5 a row); more as select menus of up to 100 options each."""
    if not sections:
        return []
    if len(sections) <= MAX_TOPIC_BUTTONS:
        return [
            ActionsBlock(
                elements=[
                    _button(s.title, f"{SHOW_SECTION}:{prefix}{start + i}", s.id)
                    for i, s in enumerate(sections[start : start + BUTTONS_PER_ROW])
                ]
            )
            for start in range(0, len(sections), BUTTONS_PER_ROW)
        ]
    menus = []
    for start in range(0, len(sections), SELECT_OPTIONS_LIMIT):
        chunk = sections[start : start + SELECT_OPTIONS_LIMIT]
        placeholder = (
            "Pick a topic"
            if len(sections) <= SELECT_OPTIONS_LIMIT
            else (f"Topics {start + 1}–{start + len(chunk)}")
        )
        menus.append(
            StaticSelectElement(
                placeholder=PlainTextObject(text=placeholder),
                action_id=f"{PICK_SECTION}:{prefix}{start}",
                options=[
                    Option(value=s.id, text=PlainTextObject(text=label(s.title))) for s in chunk
                ],
            )
        )
    return [
        ActionsBlock(elements=menus[start : start + ACTIONS_ELEMENTS_LIMIT])
        for start in range(0, len(menus), ACTIONS_ELEMENTS_LIMIT)
    ]


def _comparison_blocks(section: Section) -> list[Block]:
    comparison = section.comparison
    assert comparison is not None
    left, right = escape_mrkdwn(comparison.left), escape_mrkdwn(comparison.right)
    return [
        SectionBlock(
            fields=[
                MarkdownTextObject(
                    text=f"*{left}: {escape_mrkdwn(row.aspect)}*\n{escape_mrkdwn(row.left)}"[
                        :FIELD_LIMIT
                    ]
                ),
                MarkdownTextObject(
                    text=f"*{right}: {escape_mrkdwn(row.aspect)}*\n{escape_mrkdwn(row.right)}"[
                        :FIELD_LIMIT
                    ]
                ),
            ]
        )
        for row in comparison.rows
    ]


def citation_mrkdwn(cite: Citation) -> str:
    title = escape_mrkdwn(cite.title)
    if title and cite.link:
        title = f"<{cite.link}|{title}>"
    where = ", ".join(
        p for p in (escape_mrkdwn(cite.publisher), f"_{title}_" if title else "") if p
    )
    part = escape_mrkdwn(cite.part)
    return f"Source: {where} — {part}" if where else f"Source: {part}"


def _section_blocks(section: Section, *, whole: bool, budget: int) -> list[Block]:
    blocks: list[Block] = [
        HeaderBlock(text=PlainTextObject(text=label(section.title, HEADER_LIMIT))),
        _mrkdwn(escape_mrkdwn(section.summary)),
    ]
    if section.comparison:
        blocks.extend(_comparison_blocks(section))
    elif whole:
        chunks = split_text(escape_mrkdwn(section.body))
        blocks.extend(_mrkdwn(chunk) for chunk in chunks[: max(budget - len(blocks), 1)])
    return blocks


def feedback_block(reply: Reply) -> ContextActionsBlock:
    """👍 / 👎 (Slack's feedback buttons); each value names the verdict, the kind and section."""
    assert reply.section is not None
    about = f"{reply.kind}:{reply.section.id}"
    return ContextActionsBlock(
        block_id=FEEDBACK_BLOCK,
        elements=[
            FeedbackButtonsElement(
                action_id=FEEDBACK,
                positive_button=FeedbackButtonObject(
                    text="👍", accessibility_label="This helped", value=f"{HELPFUL}:{about}"
                ),
                negative_button=FeedbackButtonObject(
                    text="👎",
                    accessibility_label="This did not help",
                    value=f"{NOT_HELPFUL}:{about}",
                ),
            )
        ],
    )


def feedback_noted(blocks: list[dict[str, Any]], helpful: bool) -> list[dict[str, Any]]:
    """A message's blocks with a note that the vote was recorded, just above the buttons (which
    stay, so a second click changes the vote); an earlier note is replaced."""
    note = ContextBlock(
        block_id=FEEDBACK_NOTE_BLOCK,
        elements=[
            MarkdownTextObject(
                text="Thanks, noted: this helped."
                if helpful
                else "Thanks, noted: this did not help. I'll pass it on to whoever keeps the guide."
            )
        ],
    ).to_dict()
    out: list[dict[str, Any]] = []
    for block in blocks:
        if block.get("block_id") == FEEDBACK_NOTE_BLOCK:
            continue
        if block.get("block_id") == FEEDBACK_BLOCK:
            out.append(note)
        out.append(block)
    return out


def feedback_reason_view(private_metadata: str) -> dict[str, Any]:
    """The modal a 👎 opens: one optional line, "what were you looking for?"."""
    return {
        "type": "modal",
        "callback_id": FEEDBACK_REASON,
        "private_metadata": private_metadata,
        "title": {"type": "plain_text", "text": "Thanks for the feedback"},
        "submit": {"type": "plain_text", "text": "Send"},
        "close": {"type": "plain_text", "text": "Skip"},
        "blocks": [
            {
                "type": "input",
                "block_id": FEEDBACK_REASON_INPUT,
                "optional": True,
                "label": {"type": "plain_text", "text": "What were you looking for?"},
                "hint": {
                    "type": "plain_text",
                    "text": "Optional. Kept without your name; links, emails and numbers are removed.",
                },
                "element": {
                    "type": "plain_text_input",
                    "action_id": FEEDBACK_REASON_INPUT,
                    "max_length": 200,
                },
            }
        ],
    }


@lru_cache(maxsize=1024)
def render_blocks(
    reply: Reply,
    *,
    shareable: bool = False,
    full: bool = False,
    shared_by: str | None = None,
    feedback: bool = False,
) -> Message:
    """A reply as a message. `shareable` adds *Share in channel* (ephemeral answers); `full`
    shows whole sections; `shared_by` credits whoever shared it; `feedback` asks 👍 / 👎 when
    the reply answers with a section."""
    blocks: list[Block] = []
    if reply.lead:
        blocks.append(_mrkdwn(escape_mrkdwn(reply.lead)))
    whole = full or reply.inline_bodies
    # Room left for the sections once the buttons, citation and topic lists have theirs.
    budget = (MESSAGE_BLOCK_LIMIT - 10) // max(len(reply.sections), 1)
    buttons: list[ButtonElement] = []
    for index, section in enumerate(reply.sections):
        if index:
            blocks.append(DividerBlock())
        blocks.extend(_section_blocks(section, whole=whole, budget=budget))
        if not whole and not section.comparison:
            buttons.append(
                _button("Read the full section", f"{SHOW_FULL}:{index}", section.id, primary=True)
            )
    buttons += [
        _button(r.title, f"{SHOW_SECTION}:related:{i}", r.id) for i, r in enumerate(reply.related)
    ]
    if shareable and reply.section is not None:
        buttons.append(_button("Share in channel", SHARE, reply.section.id))
    if buttons:
        blocks.append(ActionsBlock(elements=buttons[:ACTIONS_ELEMENTS_LIMIT]))
    if reply.sections:
        credits = " · ".join(citation_mrkdwn(citation(s)) for s in reply.sections)
        if shared_by:
            credits = f"Shared by <@{shared_by}> · {credits}"
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=credits)]))
    if reply.examples:
        examples = "\n".join(f"• {escape_mrkdwn(q)}" for q in reply.examples)
        blocks.append(_mrkdwn(f"*Ask in your own words*, for example:\n{examples}"))
    if reply.options:
        if reply.options_heading:
            blocks.append(_mrkdwn(f"*{escape_mrkdwn(reply.options_heading)}*"))
        blocks.extend(topic_picker(reply.options))
    if reply.more_topics:
        blocks.append(ActionsBlock(elements=[_button("Browse every topic", SHOW_TOPICS, "all")]))
    if reply.handoff:
        blocks.append(_mrkdwn(handoff_text(reply.handoff)))
    if feedback and reply.kind in FEEDBACK_KINDS and reply.section is not None:
        blocks.append(feedback_block(reply))
    return Message(blocks, fallback_text(reply))


def handoff_text(channel: str) -> str:
    return f"Still need help? Ask the people in <#{channel}>."


def home_view(kb: KnowledgeBase, page: int = 0) -> dict[str, object]:
    """The App Home tab: welcome, how to ask, and the topics a page at a time."""
    help_ = help_reply(kb)
    pages = max(1, -(-len(kb.sections) // HOME_PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    shown = kb.sections[page * HOME_PAGE_SIZE : (page + 1) * HOME_PAGE_SIZE]
    examples = "\n".join(f"• {escape_mrkdwn(q)}" for q in help_.examples)
    blocks: list[Block] = [
        HeaderBlock(text=PlainTextObject(text="Welcome to tpm-bot")),
        _mrkdwn(escape_mrkdwn(help_.lead)),
        _mrkdwn(
            "*How to ask*\n• Send me a direct message in the Messages tab\n"
            "• Mention me in a channel: `@tpm-bot what does a TPM do?`\n"
            "• Use `/tpm your question` anywhere (only you see the answer)\n\n"
            f"*Try*\n{examples}"
        ),
        DividerBlock(),
        _mrkdwn(
            "*Topics*: click one to read it."
            + (f" Page {page + 1} of {pages}." if pages > 1 else "")
        ),
    ]
    for start in range(0, len(shown), BUTTONS_PER_ROW):
        row = shown[start : start + BUTTONS_PER_ROW]
        blocks.append(
            ActionsBlock(
                elements=[
                    _button(s.title, f"{SHOW_SECTION}:home:{start + i}", s.id)
                    for i, s in enumerate(row)
                ]
            )
        )
    navigation = []
    if page > 0:
        navigation.append(_button("◀ Previous topics", f"{HOME_PAGE}:previous", str(page - 1)))
    if page < pages - 1:
        navigation.append(_button("More topics ▶", f"{HOME_PAGE}:next", str(page + 1)))
    if navigation:
        blocks.append(ActionsBlock(elements=navigation))
    return {"type": "home", "blocks": [b.to_dict() for b in blocks]}
