"""Conversation state on SQL: the bot.core.conversations contract, shared by every instance.

A conversation (a thread or a DM, named by its key) remembers the sections the bot answered in
it, newest last, and the topics its last reply offered, for a day after the bot last answered
there. Both live in the `sections` column, offered topics after a "|" ("levels level-mid |
level-senior pm-vs-tpm"): section ids never hold one, and a row written before offers were
remembered reads as sections alone.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import NamedTuple

from sqlalchemy import Connection, Engine, bindparam, delete, select
from sqlalchemy.exc import SQLAlchemyError

from bot.core.conversations import (
    REMEMBER_SECONDS,
    Conversation,
    MemoryConversations,
    remembered,
)
from bot.store.database import Health
from bot.store.events import StoreUnavailable
from bot.store.models import ConversationState
from bot.store.pseudonyms import Pseudonyms
from bot.store.upsert import insert_for
from bot.store.writer import WriteBehind

#: Between the sections a conversation remembers and the topics its last reply offered.
OFFERED = "|"
#: Built once: composing the query for every follow-up cost more than the database's answer.
_RECALL = select(ConversationState.sections, ConversationState.answered_at).where(
    ConversationState.key == bindparam("key")
)


class SqlConversations:
    """Implements bot.core.conversations.Conversations. Failures raise StoreUnavailable, so a
    caller can fall back to MemoryConversations (or answer without context). Writes go out in
    batches a moment later (bot.store.writer); a read finds what is still queued there first."""

    def __init__(
        self,
        engine: Engine,
        health: Health,
        remember_seconds: float = REMEMBER_SECONDS,
        pseudonyms: Pseudonyms | None = None,
    ) -> None:
        self.engine = engine
        self.health = health
        #: Conversation keys name a channel (a DM's names a person): only pseudonyms are stored.
        self.pseudonyms = pseudonyms or Pseudonyms()
        self.ttl = remember_seconds
        self.writer: WriteBehind[_Noted] = WriteBehind(engine, health, "conversation", _write)

    def recall(self, key: str) -> Conversation:
        key = self.pseudonyms.of("conversation", key)
        # What this process noted a moment ago and has not written yet is the newest memory;
        # reading it from the queue spares the reply a wait on the writer.
        noted = self.writer.newest(lambda row: row.key == key)
        if noted is not None:
            return self._fresh(noted.sections, noted.answered_at)
        if self.health.stalled:  # the last try waited a whole deadline: do not wait again
            raise StoreUnavailable("the database stalled a moment ago")
        started = time.monotonic()
        try:
            with self.engine.connect() as connection:
                row = connection.execute(_RECALL, {"key": key}).first()
        except SQLAlchemyError as error:
            self.health.failed("conversation", error, time.monotonic() - started)
            raise StoreUnavailable from error
        self.health.worked()
        if row is None:
            return Conversation()
        return self._fresh(row.sections, row.answered_at)

    def _fresh(self, stored: str, answered_at: float) -> Conversation:
        """The memory, unless it is older than the time conversations are remembered."""
        if time.time() - answered_at > self.ttl:
            return Conversation()
        sections, _, offered = stored.partition(OFFERED)
        return Conversation(tuple(sections.split()), answered_at, tuple(offered.split()))

    def remember(
        self, key: str, section_ids: Sequence[str], team: str = "", offered: Sequence[str] = ()
    ) -> None:
        """Add `section_ids` to what the conversation remembers. Two instances answering in the
        same thread at once may each keep their own sections; the newer write wins."""
        self.note(key, remembered(self.recall(key).sections, section_ids), team, offered)

    def note(
        self, key: str, sections: Sequence[str], team: str = "", offered: Sequence[str] = ()
    ) -> None:
        """Store the conversation's whole memory (already merged by the caller), a moment later."""
        stored = " ".join(sections) + (f" {OFFERED} " + " ".join(offered) if offered else "")
        stored_key = self.pseudonyms.of("conversation", key)
        self.writer.put(_Noted(stored_key, team[:32], stored[:1000], time.time()))

    def purge(self, now: float | None = None) -> int:
        self.writer.flush()
        cutoff = (now or time.time()) - self.ttl
        with self.engine.begin() as connection:
            result = connection.execute(
                delete(ConversationState).where(ConversationState.answered_at < cutoff)
            )
        return int(result.rowcount or 0)

    def forget_team(self, team: str) -> None:
        self.writer.flush()
        with self.engine.begin() as connection:
            connection.execute(delete(ConversationState).where(ConversationState.team == team))


class _Noted(NamedTuple):
    key: str
    team: str
    sections: str
    answered_at: float


def _write(connection: Connection, batch: list[_Noted]) -> None:
    """Upsert each conversation once, with its newest memory."""
    newest = {noted.key: noted for noted in batch}
    statement = insert_for(connection, ConversationState)
    statement = statement.on_conflict_do_update(
        index_elements=["key"],
        set_={
            "sections": statement.excluded.sections,
            "answered_at": statement.excluded.answered_at,
        },
    )
    connection.execute(statement, [noted._asdict() for noted in newest.values()])


class SharedConversations:
    """Conversations shared through the store, falling back to this process's memory while the
    database cannot be reached: a follow-up is still understood where it was answered, and no
    question waits on a database that is down."""

    def __init__(self, shared: SqlConversations) -> None:
        self.shared = shared
        self.local = MemoryConversations()

    def recall(self, key: str) -> Conversation:
        try:
            found = self.shared.recall(key)
        except StoreUnavailable:
            return self.local.recall(key)
        self.local.put(key, found)  # what another instance answered counts here too
        return found

    def remember(
        self, key: str, section_ids: Sequence[str], team: str = "", offered: Sequence[str] = ()
    ) -> None:
        self.local.remember(key, section_ids, team, offered)
        self.shared.note(key, self.local.recall(key).sections, team, offered)
