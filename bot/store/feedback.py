"""👍 / 👎 on answers: one vote per user per answer (a second click replaces it), and the
optional "what were you looking for?" after a 👎.

Neither the voter nor the answer's channel is kept, only their keyed pseudonyms (see
bot.store.pseudonyms), so votes can be counted once per person without the database saying
who voted or where. What a 👎 voter typed is kept as it is for questions: its gap terms by
default, its cleaned text only with TPM_BOT_LOG_QUESTIONS=text.
"""

from __future__ import annotations

import time

from sqlalchemy import Engine, delete, update
from sqlalchemy.exc import SQLAlchemyError

from bot.core.privacy import scrub
from bot.store.database import Health
from bot.store.events import StoreUnavailable
from bot.store.models import FeedbackVote, StoreSecret
from bot.store.pseudonyms import Pseudonyms
from bot.store.questions import gap_terms
from bot.store.upsert import insert_for

#: The name under which earlier versions kept their user-hash salt (see `purge`).
OLD_SALT = "user_hash_salt"


class FeedbackLog:
    def __init__(
        self,
        engine: Engine,
        health: Health,
        pseudonyms: Pseudonyms | None = None,
        keep_text: bool = False,
    ) -> None:
        self.engine = engine
        self.health = health
        self.pseudonyms = pseudonyms or Pseudonyms()
        self.keep_text = keep_text

    def user_hash(self, team: str, user: str) -> str:
        return self.pseudonyms.of("user", f"{team}:{user}")

    def _answer(self, answer: str) -> str:
        """An answer is named by its channel and timestamp; the channel may name a DM."""
        return self.pseudonyms.of("answer", answer)

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
                    answer=self._answer(answer), user_hash=user_hash, reason=None, **values
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
        """Keep what a 👎 voter was looking for: its gap terms, or with text kept, its text
        scrubbed of anything that identifies anyone."""
        kept = scrub(text) if self.keep_text else gap_terms(text)
        try:
            with self.engine.begin() as connection:
                connection.execute(
                    update(FeedbackVote)
                    .where(
                        FeedbackVote.answer == self._answer(answer),
                        FeedbackVote.user_hash == self.user_hash(team, user),
                    )
                    .values(reason=kept or None)
                )
        except SQLAlchemyError as error:
            self.health.failed("feedback", error)
            raise StoreUnavailable from error
        self.health.worked()

    def purge(self, before: float) -> int:
        with self.engine.begin() as connection:
            result = connection.execute(delete(FeedbackVote).where(FeedbackVote.voted_at < before))
            # Earlier versions salted user hashes with a secret kept in the database itself,
            # beside the hashes it would let anyone test; it salts nothing now.
            connection.execute(delete(StoreSecret).where(StoreSecret.name == OLD_SALT))
        return int(result.rowcount or 0)

    def forget_team(self, team: str) -> None:
        with self.engine.begin() as connection:
            connection.execute(delete(FeedbackVote).where(FeedbackVote.team == team))
