"""The store as the bot uses it: one engine, one health flag, and a part per thing remembered."""

from __future__ import annotations

import logging
import threading
import time
from typing import Protocol

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from bot.store.conversations import SqlConversations
from bot.store.database import Health, open_engine
from bot.store.events import EventLog
from bot.store.feedback import FeedbackLog
from bot.store.migrate import upgrade
from bot.store.questions import QuestionLog

log = logging.getLogger("tpm_bot")

#: Seconds between purges of expired rows while the bot runs.
PURGE_EVERY = 600


class TeamInstallations(Protocol):
    """Workspaces' installations kept in this database (bot.slack.installations, OAuth mode)."""

    def forget_team(self, team: str) -> None: ...

    def purge(self) -> int: ...


class Store:
    def __init__(
        self,
        engine: Engine,
        *,
        retention_days: int = 30,
        key: str = "",
        keep_question_text: bool = False,
    ) -> None:
        self.engine = engine
        self.retention_days = retention_days
        self.health = Health()
        self.events = EventLog(engine, self.health)
        self.feedback = FeedbackLog(engine, self.health, key)
        self.questions = QuestionLog(engine, self.health, keep_question_text)
        self.conversations = SqlConversations(engine, self.health)
        #: Whether the schema is known to be current (else the next purge migrates first).
        self.migrated = False
        #: Workspaces' installations and OAuth states, in OAuth mode (the Slack layer sets it).
        self.installations: TeamInstallations | None = None

    @classmethod
    def open(
        cls, url: str, *, retention_days: int = 30, key: str = "", keep_question_text: bool = False
    ) -> Store:
        """`key` (TPM_BOT_ENCRYPTION_KEY) salts user hashes (without one the store makes a
        salt); `keep_question_text` is TPM_BOT_LOG_QUESTIONS=text."""
        return cls(
            open_engine(url),
            retention_days=retention_days,
            key=key,
            keep_question_text=keep_question_text,
        )

    def upgrade(self) -> tuple[str | None, str | None]:
        revisions = upgrade(self.engine)
        self.migrated = True
        return revisions

    def try_upgrade(self) -> bool:
        """Migrate at start-up; if the database cannot be reached, log it once and go on."""
        try:
            self.upgrade()
        except SQLAlchemyError as error:
            self.health.failed("migrate", error)
            return False
        self.health.worked()
        return True

    def purge(self) -> dict[str, int]:
        """Delete every expired row; how many of each kind."""
        if not self.migrated:
            self.upgrade()
        kept_since = time.time() - self.retention_days * 86400
        purged = {
            "events": self.events.purge(),
            "feedback": self.feedback.purge(kept_since),
            "questions": self.questions.purge(kept_since),
            "conversations": self.conversations.purge(),
        }
        if self.installations is not None:
            purged["oauth_states"] = self.installations.purge()
        return purged

    def forget_team(self, team: str) -> None:
        """Delete everything kept about one workspace (it uninstalled the app or revoked its
        tokens): its installation first, so its token is gone even if the rest fails."""
        if self.installations is not None:
            self.installations.forget_team(team)
        self.feedback.forget_team(team)
        self.questions.forget_team(team)
        self.conversations.forget_team(team)

    def purge_in_background(self, stop: threading.Event) -> threading.Thread:
        """Purge now and every PURGE_EVERY seconds until `stop` is set; failures are logged."""

        def run() -> None:
            while True:
                try:
                    purged = self.purge()
                    self.health.worked()
                    if any(purged.values()):
                        log.info(
                            "kind=store decision=purged %s",
                            " ".join(f"{k}={v}" for k, v in purged.items()),
                        )
                except Exception as error:
                    self.health.failed("purge", error)
                if stop.wait(PURGE_EVERY):
                    return

        thread = threading.Thread(target=run, name="store-purge", daemon=True)
        thread.start()
        return thread

    def flush(self) -> None:
        """Write what is queued now (it would be written within a tick anyway)."""
        self.events.writer.flush()
        self.questions.writer.flush()
        self.conversations.writer.flush()

    def close(self) -> None:
        self.events.writer.close()
        self.questions.writer.close()
        self.conversations.writer.close()
        self.engine.dispose()
