"""Block Kit messages built with slack_sdk's model classes, which check Slack's limits for us.

Content and wording come from bot.core.replies, so the terminal and Slack say the same thing.
"""

from __future__ import annotations

from functools import lru_cache

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
    """One message: blocks plus the plain-text fallback Slack shows in notifications.

    The blocks are turned into JSON-ready dicts once, when the reply is built (that is where
    slack_sdk checks the limits, and it costs more than matching). Replies depend only on the
    knowledge base, never on who asked or how, so the builders below are cached: under load most
    messages are a cache hit. Treat a Reply as read-only.
    """

    __slots__ = ("blocks", "text")

    def __init__(self, blocks: list[Block], text: str) -> None:
        self.blocks = tuple(b.to_dict() for b in blocks)
        self.text = text

    def as_kwargs(self) -> dict[str, object]:
        return {"blocks": list(self.blocks), "text": self.text}


#: Distinct replies kept ready; a knowledge base of a few hundred sections fits.
_CACHED_REPLIES = 1024


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


@lru_cache(maxsize=_CACHED_REPLIES)
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
    return _suggest_reply(tuple(suggestions(result)))


@lru_cache(maxsize=_CACHED_REPLIES)
def _suggest_reply(options: tuple[Section, ...]) -> Reply:
    blocks: list[Block] = [_mrkdwn(SUGGEST_INTRO), *_topic_buttons(list(options))]
    text = SUGGEST_INTRO + " " + "; ".join(s.title for s in options)
    return Reply(blocks, text)


@lru_cache(maxsize=8)
def not_covered_reply(kb: KnowledgeBase) -> Reply:
    blocks: list[Block] = [_mrkdwn(f"{NOT_COVERED} Here is what I can answer:")]
    blocks.extend(_topic_buttons(list(kb.sections)))
    return Reply(blocks, NOT_COVERED)


@lru_cache(maxsize=8)
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
