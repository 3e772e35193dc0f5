"""Block Kit messages built with slack_sdk's model classes, which check Slack's limits for us.

Content and wording come from bot.core.replies, so the terminal and Slack say the same thing.
"""

from __future__ import annotations

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

from bot.core.chunks import FIELD_LIMIT, HEADER_LIMIT, split_text
from bot.core.matcher import MatchResult
from bot.core.models import KnowledgeBase, Section
from bot.core.replies import (
    EXAMPLE_QUESTIONS,
    HELP_INTRO,
    NOT_COVERED,
    SUGGEST_INTRO,
    citation,
    plain,
    related_sections,
    suggestions,
)

# action_id prefixes; every button's value is a section id.
SHOW_SECTION = "show_section"
SHOW_FULL = "show_full"
SHARE = "share"
#: Slack allows 50 blocks in a message; leave room for the header, summary and buttons.
MAX_BODY_BLOCKS = 40
MAX_RELATED = 3


class Reply:
    """One message: blocks plus the plain-text fallback Slack shows in notifications."""

    __slots__ = ("blocks", "text")

    def __init__(self, blocks: list[Block], text: str) -> None:
        self.blocks = blocks
        self.text = text

    def as_kwargs(self) -> dict[str, object]:
        return {"blocks": [b.to_dict() for b in self.blocks], "text": self.text}


def _button(label: str, action_id: str, value: str, primary: bool = False) -> ButtonElement:
    return ButtonElement(
        text=PlainTextObject(text=label[:75], emoji=True),
        action_id=action_id,
        value=value,
        style="primary" if primary else None,
    )


def _topic_buttons(sections: list[Section], prefix: str = SHOW_SECTION) -> list[ActionsBlock]:
    """Buttons for sections, 5 per row; each action_id is unique within the message."""
    rows = []
    for start in range(0, len(sections), 5):
        rows.append(
            ActionsBlock(
                elements=[
                    _button(s.title, f"{prefix}:{start + i}", s.id)
                    for i, s in enumerate(sections[start : start + 5])
                ]
            )
        )
    return rows


def _mrkdwn(text: str) -> SectionBlock:
    return SectionBlock(text=MarkdownTextObject(text=text))


def _comparison_blocks(section: Section) -> list[Block]:
    comparison = section.comparison
    assert comparison is not None
    blocks: list[Block] = []
    for row in comparison.rows:
        fields = [
            MarkdownTextObject(text=f"*{comparison.left}: {row.aspect}*\n{row.left}"[:FIELD_LIMIT]),
            MarkdownTextObject(
                text=f"*{comparison.right}: {row.aspect}*\n{row.right}"[:FIELD_LIMIT]
            ),
        ]
        blocks.append(SectionBlock(fields=fields))
    return blocks


def answer_reply(
    section: Section,
    kb: KnowledgeBase,
    *,
    shareable: bool = False,
    full: bool = False,
    shared_by: str | None = None,
) -> Reply:
    """A section as a message: title, excerpt (or whole text), buttons and the source."""
    blocks: list[Block] = [HeaderBlock(text=PlainTextObject(text=section.title[:HEADER_LIMIT]))]
    blocks.append(_mrkdwn(section.summary))
    if section.comparison:
        blocks.extend(_comparison_blocks(section))
    elif full:
        blocks.extend(_mrkdwn(chunk) for chunk in split_text(section.body)[:MAX_BODY_BLOCKS])
    buttons: list[ButtonElement] = []
    if not full and not section.comparison:
        buttons.append(_button("Read the full section", SHOW_FULL, section.id, primary=True))
    for index, related in enumerate(related_sections(section, kb)[:MAX_RELATED]):
        buttons.append(_button(related.title, f"{SHOW_SECTION}:related:{index}", related.id))
    if shareable:
        buttons.append(_button("Share in channel", SHARE, section.id))
    if buttons:
        blocks.append(ActionsBlock(elements=buttons))
    context = citation(section)
    if shared_by:
        context = f"Shared by <@{shared_by}> · {context}"
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=context)]))
    return Reply(blocks, f"{section.title}: {plain(section.summary)}")


def suggest_reply(result: MatchResult) -> Reply:
    options = suggestions(result)
    blocks: list[Block] = [_mrkdwn(SUGGEST_INTRO), *_topic_buttons(options)]
    text = SUGGEST_INTRO + " " + "; ".join(s.title for s in options)
    return Reply(blocks, text)


def not_covered_reply(kb: KnowledgeBase) -> Reply:
    blocks: list[Block] = [_mrkdwn(f"{NOT_COVERED} Here is what I can answer:")]
    blocks.extend(_topic_buttons(list(kb.sections)))
    return Reply(blocks, NOT_COVERED)


def help_reply(kb: KnowledgeBase) -> Reply:
    examples = "\n".join(f"• {q}" for q in EXAMPLE_QUESTIONS)
    blocks: list[Block] = [
        _mrkdwn(f"{HELP_INTRO}\n\n*Ask in your own words*, for example:\n{examples}"),
        _mrkdwn("*Topics*"),
        *_topic_buttons(list(kb.sections)),
    ]
    return Reply(blocks, HELP_INTRO)


def reply_for(result: MatchResult, kb: KnowledgeBase, *, shareable: bool = False) -> Reply:
    """The message for a matcher result, whatever its decision."""
    if result.intent == "help":
        return help_reply(kb)
    if result.status == "answer" and result.section is not None:
        return answer_reply(result.section, kb, shareable=shareable)
    if result.status == "suggest":
        return suggest_reply(result)
    return not_covered_reply(kb)


def home_view(kb: KnowledgeBase) -> dict[str, object]:
    """The App Home tab: welcome, how to ask, and a button per topic."""
    examples = "\n".join(f"• {q}" for q in EXAMPLE_QUESTIONS)
    blocks: list[Block] = [
        HeaderBlock(text=PlainTextObject(text="Welcome to tpm-bot")),
        _mrkdwn(HELP_INTRO),
        _mrkdwn(
            "*How to ask*\n• Send me a direct message in the Messages tab\n"
            "• Mention me in a channel: `@tpm-bot what does a TPM do?`\n"
            "• Use `/tpm your question` anywhere (only you see the answer)\n\n"
            f"*Try*\n{examples}"
        ),
        DividerBlock(),
        _mrkdwn("*Topics*: click one to read it."),
        *_topic_buttons(list(kb.sections)),
    ]
    return {"type": "home", "blocks": [b.to_dict() for b in blocks]}
