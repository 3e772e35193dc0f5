"""Split long text where a reader would pause, to fit Slack's per-block length limits."""

from __future__ import annotations

import re

#: Slack's limit for the text of one section block.
SECTION_TEXT_LIMIT = 3000
#: Slack's limit for a header block's text.
HEADER_LIMIT = 150
#: Slack's limit for one field of a section block.
FIELD_LIMIT = 2000
#: Slack's limit for the blocks of one message.
MESSAGE_BLOCK_LIMIT = 50
#: Blocks an answer needs besides its body or comparison: header, summary, buttons, source.
ANSWER_FRAME_BLOCKS = 4
#: A section's body is split into at most this many blocks (the renderer drops the rest).
MAX_BODY_BLOCKS = 40
#: Slack's limit for a button's value, which carries a section id.
BUTTON_VALUE_LIMIT = 2000
#: Slack's limit for a text in a context block, where the source is cited.
CONTEXT_TEXT_LIMIT = 3000
#: Slack's limits for a button's label, a select menu's options and an actions block's elements.
LABEL_LIMIT = 75
SELECT_OPTIONS_LIMIT = 100
ACTIONS_ELEMENTS_LIMIT = 25
#: Characters the citation adds around a section's source and guide title, "Shared by" included.
CITATION_FRAME = 80

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def split_text(text: str, limit: int = SECTION_TEXT_LIMIT) -> list[str]:
    """Cut `text` into pieces of at most `limit` characters.

    Prefers paragraph breaks, then sentence ends, then spaces; only a single unbroken run of
    more than `limit` characters is cut mid-word, which validation reports as a problem.
    """
    if len(text) <= limit:
        return [text]
    for separator in ("\n\n", "\n", _SENTENCE_END, " "):
        parts = (
            separator.split(text) if isinstance(separator, re.Pattern) else text.split(separator)
        )
        if len(parts) > 1:
            joiner = " " if isinstance(separator, re.Pattern) else separator
            return _pack(parts, joiner, limit)
    return [text[i : i + limit] for i in range(0, len(text), limit)]


def _pack(parts: list[str], joiner: str, limit: int) -> list[str]:
    """Greedily join consecutive parts into pieces that fit, splitting any part still too long."""
    pieces: list[str] = []
    current = ""
    for part in parts:
        candidate = f"{current}{joiner}{part}" if current else part
        if len(candidate) <= limit:
            current = candidate
            continue
        if current:
            pieces.append(current)
        if len(part) <= limit:
            current = part
        else:
            *head, current = split_text(part, limit)
            pieces.extend(head)
    if current:
        pieces.append(current)
    return pieces


def longest_unbreakable_run(text: str) -> int:
    """Length of the longest stretch without white space: what `split_text` cannot cut cleanly."""
    return max((len(run) for run in text.split()), default=0)
