"""👍 / 👎 on answers: one vote per user per answer (a second click replaces it), and the
optional "what were you looking for?" after a 👎.

Users are kept only as a salted hash (HMAC-SHA256 of workspace and user id), so votes can be
counted once per person without the database saying who voted. The salt is
TPM_BOT_ENCRYPTION_KEY when set, else a random secret the store makes once and keeps.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time

from sqlalchemy import Engine, delete, select, update
from sqlalchemy.exc import SQLAlchemyError

from bot.core.privacy import scrub
from bot.store.database import Health
from bot.store.events import StoreUnavailable
from bot.store.models import FeedbackVote, StoreSecret
from bot.store.upsert import insert_for

SALT_NAME = "user_hash_salt"


class FeedbackLog:
    def __init__(self, engine: Engine, health: Health, key: str = "") -> None:
        self.engine = engine
        self.health = health
        self._salt = key.encode() if key else b""
        self._lock = threading.Lock()

    def _stored_salt(self) -> bytes:
        with self._lock:
            if self._salt:
                return self._salt
            with self.engine.begin() as connection:
                connection.execute(
                    insert_for(connection, StoreSecret)
                    .values(name=SALT_NAME, value=secrets.token_urlsafe(32))
                    .on_conflict_do_nothing(index_elements=["name"])
                )
                value = connection.execute(
                    select(StoreSecret.value).where(StoreSecret.name == SALT_NAME)
                ).scalar_one()
            self._salt = value.encode()
            return self._salt

    def user_hash(self, team: str, user: str) -> str:
        digest = hmac.new(self._stored_salt(), f"{team}:{user}".encode(), hashlib.sha256)
        return digest.hexdigest()[:40]

    def vote(
        self, *, answer: str, team: str, user: str, section: str, decision: str, helpful: bool
    ) -> None:
        """Record (or change) `user`'s vote on `answer`; StoreUnavailable if it could not be."""
        try:
            user_hash = self.user_hash(team, user)
            values = {
                "team": team[:32],
                "section": section[:100],
                "decision": decision[:16],
                "helpful": helpful,
                "voted_at": time.time(),
            }
            with self.engine.begin() as connection:
                statement = insert_for(connection, FeedbackVote).values(
                    answer=answer[:120], user_hash=user_hash, reason=None, **values
                )
                connection.execute(
                    statement.on_conflict_do_update(
                        index_elements=["answer", "user_hash"], set_={**values, "reason": None}
                    )
                )
        except SQLAlchemyError as error:
            self.health.failed("feedback", error)
            raise StoreUnavailable from error
        self.health.worked()

    def reason(self, *, answer: str, team: str, user: str, text: str) -> None:
        """Keep what a 👎 voter was looking for, scrubbed of anything that identifies anyone."""
        try:
            with self.engine.begin() as connection:
                connection.execute(
                    update(FeedbackVote)
                    .where(
                        FeedbackVote.answer == answer[:120],
                        FeedbackVote.user_hash == self.user_hash(team, user),
                    )
                    .values(reason=scrub(text) or None)
                )
        except SQLAlchemyError as error:
            self.health.failed("feedback", error)
            raise StoreUnavailable from error
        self.health.worked()

    def purge(self, before: float) -> int:
        with self.engine.begin() as connection:
            result = connection.execute(delete(FeedbackVote).where(FeedbackVote.voted_at < before))
        return int(result.rowcount or 0)

    def forget_team(self, team: str) -> None:
        with self.engine.begin() as connection:
            connection.execute(delete(FeedbackVote).where(FeedbackVote.team == team))
