"""The matcher the listeners share."""

from __future__ import annotations

from bot.core.matcher import Matcher


class KnowledgeHolder:
    """Holds the current matcher, so a reload can swap it between questions."""

    def __init__(self, matcher: Matcher) -> None:
        self.matcher = matcher
