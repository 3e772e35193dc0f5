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

from bot.core.matcher import Candidate, Matcher, MatchResult
from bot.core.models import Section
from bot.core.replies import Reply, compose

#: Sections a conversation remembers.
MEMORY = 5
#: Seconds a conversation is remembered after the bot last answered in it.
REMEMBER_SECONDS = 24 * 3600


class Conversation(NamedTuple):
    """The sections answered in a conversation (oldest first), when the bot last answered, and
    the topics its last reply offered to pick from (so "2" in reply picks one)."""

    sections: tuple[str, ...] = ()
    answered_at: float | None = None
    offered: tuple[str, ...] = ()


def answered_sections(result: MatchResult) -> list[str]:
    """The sections a result showed: what a follow-up may refer to."""
    section = result.section
    return [section.id, *(s.id for s in result.also)] if section else []


def remembered(earlier: Sequence[str], answered: Sequence[str]) -> tuple[str, ...]:
    """`earlier` plus the newly `answered` ids, newest last, each once, at most MEMORY."""
    ids = [i for i in earlier if i not in answered] + list(dict.fromkeys(answered))
    return tuple(ids[-MEMORY:])


#: Words that say which of the topics just offered is meant ("the second one", "option 2").
_ORDINALS = {
    **dict.fromkeys(["1", "1st", "first", "pehla", "pehli", "pahla"], 0),
    **dict.fromkeys(["2", "2nd", "second", "doosra", "dusra", "doosri", "dusri"], 1),
    **dict.fromkeys(["3", "3rd", "third", "teesra", "tisra", "teesri", "tisri"], 2),
    **dict.fromkeys(["4", "4th", "fourth"], 3),
    **dict.fromkeys(["5", "5th", "fifth"], 4),
}
#: Numbers said as words choose only after "option" or "number": "the one" picks nothing.
_CARDINALS = {"one": 0, "two": 1, "three": 2, "four": 3, "five": 4}
_NUMBERING = frozenset(["option", "number", "no", "#", "topic"])
#: What may stand around the choice: "the first one please", "option #2", "no. 3 wala".
_AROUND_A_PICK = frozenset(
    "the one option options topic number no # pick please pls plz that wala wali ok okay "
    "i mean want".split()
)


def picked(text: str, offered: int) -> int | None:
    """Which of the `offered` topics a reply such as "2", "the first one" or "option 3" picks
    (0-based), or None when the text says more than a choice ("what's the first step?")."""
    words = text.lower().replace("#", " # ").replace(",", " ").replace(".", " ").split()
    words = [w.strip("!?:)(") for w in words]
    choices = []
    for position, word in enumerate(words):
        if word.isdigit():
            choices.append(int(word) - 1)  # "12" after a list of every topic
        elif word in _ORDINALS:
            choices.append(_ORDINALS[word])
        elif word in ("last", "final"):
            choices.append(offered - 1)
        elif word in _CARDINALS and position and words[position - 1] in _NUMBERING:
            choices.append(_CARDINALS[word])
    others = [
        w for w in words if w not in _AROUND_A_PICK and w not in _ORDINALS and not w.isdigit()
    ]
    if len(choices) != 1 or any(w not in ("last", "final", *_CARDINALS) for w in others):
        return None
    return choices[0] if 0 <= choices[0] < offered else None


def pick_result(question: str, offered: Sequence[Section]) -> MatchResult | None:
    """The answer a reply like "the second one" asks for, after a reply that offered topics
    to pick from; None when the question is not a choice among them."""
    index = picked(question, len(offered))
    if index is None:
        return None
    return MatchResult(
        query=question,
        cleaned=question,
        status="answer",
        intent="question",
        candidates=(Candidate(offered[index], 100.0),),
    )


class Conversations(Protocol):
    def recall(self, key: str) -> Conversation:
        """What the conversation has been about; an empty Conversation if forgotten."""
        ...

    def remember(
        self, key: str, section_ids: Sequence[str], team: str = "", offered: Sequence[str] = ()
    ) -> None:
        """Note that the bot answered in the conversation, with these sections (maybe none),
        offering these topics to pick from. `team` lets a workspace's conversations be
        forgotten when it uninstalls the app."""
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

    def remember(
        self, key: str, section_ids: Sequence[str], team: str = "", offered: Sequence[str] = ()
    ) -> None:
        with self._lock:
            earlier = self._items.pop(key, Conversation())
            self._items[key] = Conversation(
                remembered(earlier.sections, section_ids), time.time(), tuple(offered)
            )
            while len(self._items) > self._max:
                self._items.popitem(last=False)


class Dialogue:
    """One conversation as the bot holds it, turn by turn: the sections answered so far (for
    follow-ups) and the topics the last reply offered (for picks). The terminal's `chat` and
    `ask --conversation` and the evaluation of blind conversations all go through it."""

    def __init__(
        self, matcher: Matcher, history: Sequence[str] = (), offered: Sequence[str] = ()
    ) -> None:
        self.matcher = matcher
        self.history: tuple[str, ...] = tuple(history)
        #: The topics the last reply offered to pick from ("did you mean ...?").
        self.offered: tuple[Section, ...] = tuple(
            s for s in (matcher.kb.get(i) for i in offered) if s is not None
        )

    @classmethod
    def resumed(cls, matcher: Matcher, conversation: Conversation) -> Dialogue:
        """The dialogue a remembered conversation stands at."""
        return cls(matcher, conversation.sections, conversation.offered)

    def ask(self, question: str, *, handoff: str = "") -> tuple[MatchResult, Reply]:
        """The result and the reply to show; the reply's offered topics are what the next
        message may pick from."""
        result = pick_result(question, self.offered) if self.offered else None
        if result is None:
            result = self.matcher.match(question, self.history)
        self.history = remembered(self.history, answered_sections(result))
        reply = compose(result, self.matcher.kb, handoff=handoff)
        self.offered = reply.options
        return result, reply
