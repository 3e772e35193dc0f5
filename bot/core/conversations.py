"""What each conversation has been about, so a follow-up ("and for seniors?") can be understood.

A conversation is a Slack thread or DM (or a terminal session), named by a key. The matcher only
needs the ids of the sections answered in it, oldest first; the Slack layer also needs to know
when the bot last answered there, to stay out of threads that have gone quiet. This module holds
the contract and the in-process memory; the SQL store implements the same contract so that every
instance shares it.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Sequence
from typing import NamedTuple, Protocol

from bot.core.matcher import MatchResult

#: Sections a conversation remembers.
MEMORY = 5
#: Seconds a conversation is remembered after the bot last answered in it.
REMEMBER_SECONDS = 24 * 3600


class Conversation(NamedTuple):
    """The sections answered in a conversation (oldest first) and when the bot last answered."""

    sections: tuple[str, ...] = ()
    answered_at: float | None = None


def answered_sections(result: MatchResult) -> list[str]:
    """The sections a result showed: what a follow-up may refer to."""
    section = result.section
    return [section.id, *(s.id for s in result.also)] if section else []


def remembered(earlier: Sequence[str], answered: Sequence[str]) -> tuple[str, ...]:
    """`earlier` plus the newly `answered` ids, newest last, each once, at most MEMORY."""
    ids = [i for i in earlier if i not in answered] + list(dict.fromkeys(answered))
    return tuple(ids[-MEMORY:])


class Conversations(Protocol):
    def recall(self, key: str) -> Conversation:
        """What the conversation has been about; an empty Conversation if forgotten."""
        ...

    def remember(self, key: str, section_ids: Sequence[str], team: str = "") -> None:
        """Note that the bot answered in the conversation, with these sections (maybe none).
        `team` lets a workspace's conversations be forgotten when it uninstalls the app."""
        ...


class MemoryConversations:
    """Conversations kept in this process: bounded in number and forgotten after a while."""

    def __init__(
        self, max_conversations: int = 10_000, remember_seconds: float = REMEMBER_SECONDS
    ) -> None:
        self._items: OrderedDict[str, Conversation] = OrderedDict()
        self._lock = threading.Lock()
        self._max = max_conversations
        self._ttl = remember_seconds

    def recall(self, key: str) -> Conversation:
        with self._lock:
            found = self._items.get(key)
        if found is None or found.answered_at is None:
            return Conversation()
        if time.time() - found.answered_at > self._ttl:
            return Conversation()
        return found

    def put(self, key: str, conversation: Conversation) -> None:
        """Set what a conversation remembers (as read from elsewhere)."""
        with self._lock:
            self._items.pop(key, None)
            self._items[key] = conversation
            while len(self._items) > self._max:
                self._items.popitem(last=False)

    def remember(self, key: str, section_ids: Sequence[str], team: str = "") -> None:
        with self._lock:
            earlier = self._items.pop(key, Conversation())
            self._items[key] = Conversation(remembered(earlier.sections, section_ids), time.time())
            while len(self._items) > self._max:
                self._items.popitem(last=False)
