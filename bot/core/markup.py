"""Turn a raw Slack message into the plain words a person typed.

Slack delivers mentions, links and formatting as markup (`<@U123>`, `<https://x|label>`,
`*bold*`, `&amp;`). None of it says anything about the question, and some of it (user ids)
would look like unknown words to the matcher, so it is removed before matching.
"""

from __future__ import annotations

import re

#: Longest message we look at. Capping first keeps a 40,000-character paste as cheap to handle
#: as a normal question; a longer message keeps its opening and its end, where a question sits
#: (after the asker's story, usually), and loses the middle.
MAX_QUESTION_CHARS = 3_000
_OPENING_CHARS = 1_000

_ANGLE = re.compile(r"<([^<>\n]{0,500})>")
_EMOJI = re.compile(r":[a-z0-9_+'\-]{1,60}:", re.IGNORECASE)
_FORMAT_CHARS = re.compile(r"[*_~`]+")
_QUOTE_MARKER = re.compile(r"^\s*(?:&gt;|>)+\s?", re.MULTILINE)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
_SPACES = re.compile(r"\s+")


def _replace_angle(match: re.Match[str]) -> str:
    """Keep what a reader would see of a `<...>` token: a link's label, else nothing."""
    inner = match.group(1)
    if inner[:1] in "@#!":
        # User, channel and special mentions (<@U1>, <#C1|general>, <!here>) name people and
        # places, not topics.
        return " "
    target, _, label = inner.partition("|")
    if label:
        return f" {label} "
    if re.match(r"(?:https?|mailto|tel):", target):
        return " "
    return f" {inner} "


def clean_slack_text(text: str) -> str:
    """Return the question inside a Slack message as plain, single-spaced text."""
    if len(text) > MAX_QUESTION_CHARS:
        ending = MAX_QUESTION_CHARS - _OPENING_CHARS - 1
        text = f"{text[:_OPENING_CHARS]}\n{text[-ending:]}"
    text = _CONTROL.sub(" ", text)
    text = _QUOTE_MARKER.sub("", text)
    text = _ANGLE.sub(_replace_angle, text)
    text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    text = _EMOJI.sub(" ", text)
    text = _FORMAT_CHARS.sub(" ", text)
    return _SPACES.sub(" ", text).strip()
