"""What may be kept of a question: nothing that says who asked or how to reach anyone.

Questions the guide does not fully answer are kept for the knowledge base's maintainers, by
default as normalised terms only (the words that carry the topic, lower-case, sorted, each
once), or as cleaned text when a team chooses it. Either way, Slack mentions and links, email
addresses, URLs, @handles and every number (phone numbers, salaries, ids) are removed first.
"""

from __future__ import annotations

import re

from bot.core.text import STOPWORDS, Normaliser

#: Characters of cleaned text kept at most.
MAX_KEPT_CHARS = 300

_SLACK_TOKEN = re.compile(r"<[^<>\n]{0,500}>")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_URL = re.compile(r"\b(?:https?://|www\.)\S+|\b[\w-]+(?:\.[\w-]+)*\.(?:com|org|net|io|in|co)\b\S*")
_HANDLE = re.compile(r"[@#]\w[\w.-]*")
_NUMBER = re.compile(r"[₹$€£]?\d[\d,._:/-]*\w*")
#: Control characters (C0 and C1), zero-width and bidirectional marks, lone surrogate halves
#: (a UTF-16 pair split by a client or a cut: no encoding can store one, so a row holding it
#: would be refused by the database) and the byte-order mark.
_CONTROL = re.compile(
    r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufeff]"
)
_SPACES = re.compile(r"\s+")
#: The text pipeline without the matcher's word list: enough to fold abbreviations together.
_TEXT = Normaliser()


def scrub(text: str) -> str:
    """The text without mentions, links, emails, URLs, handles or numbers, single-spaced; no
    control character or lone surrogate survives, so the result can always be stored."""
    text = _CONTROL.sub(" ", text[:2000])
    for pattern in (_SLACK_TOKEN, _EMAIL, _URL, _HANDLE, _NUMBER):
        text = pattern.sub(" ", text)
    text = text.replace("&lt;", " ").replace("&gt;", " ").replace("&amp;", "&")
    text = re.sub(r"[<>*_~`+]", " ", text)
    return _SPACES.sub(" ", text).strip()[:MAX_KEPT_CHARS]


def question_terms(text: str) -> str:
    """The question's topic words: scrubbed, canonical, without filler, sorted, each once."""
    words = set(_TEXT.canonical_words(_TEXT.split_words(scrub(text))))
    return " ".join(sorted(w for w in words if w not in STOPWORDS and w.isalpha()))[:MAX_KEPT_CHARS]
