"""The store as the bot uses it: one engine, one health flag, and a part per thing remembered."""

from __future__ import annotations

import logging
import random
import threading
import time
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from bot.store.conversations import SqlConversations
from bot.store.database import DEADLINE_SECONDS, Health, open_engine, sqlite_path
from bot.store.events import EventLog
from bot.store.feedback import FeedbackLog
from bot.store.migrate import upgrade
from bot.store.pseudonyms import Pseudonyms
from bot.store.questions import QuestionLog
from bot.store.teaching import TeachingLog
from bot.store.writer import DRAIN_SECONDS, FLUSH_SECONDS, WriteBehind

if TYPE_CHECKING:
    from bot.settings import Settings

log = logging.getLogger("tpm_bot")

#: Seconds between purges of expired rows while the bot runs.
PURGE_EVERY = 600
#: Seconds before the first retry of a migration that failed at start; doubled after each
#: failure up to MIGRATE_RETRY_MAX, each wait shortened by up to a quarter at random so that
#: instances started together do not knock on the database in step.
MIGRATE_RETRY_FIRST = 1.0
MIGRATE_RETRY_MAX = 30.0


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
        #: Who and where, as keyed pseudonyms; the key is TPM_BOT_ENCRYPTION_KEY, never stored.
        self.pseudonyms = Pseudonyms(key)
        self.feedback = FeedbackLog(engine, self.health, self.pseudonyms, keep_question_text)
        self.questions = QuestionLog(engine, self.health, keep_question_text)
        self.conversations = SqlConversations(engine, self.health, pseudonyms=self.pseudonyms)
        #: Maintainers' labels: pending from Slack's shortcut, or written by `tpm-bot review`.
        self.teaching = TeachingLog(engine, self.health)
        #: Whether the schema is known to be current (else the next purge migrates first).
        self.migrated = False
        self._closing = threading.Event()
        self._migrating = threading.Lock()
        self._retrying: threading.Thread | None = None
        #: Workspaces' installations and OAuth states, in OAuth mode (the Slack layer sets it).
        self.installations: TeamInstallations | None = None

    @classmethod
    def open(
        cls,
        url: str,
        *,
        retention_days: int = 30,
        key: str = "",
        keep_question_text: bool = False,
        deadline: float | None = DEADLINE_SECONDS,
    ) -> Store:
        """`key` (TPM_BOT_ENCRYPTION_KEY) keys the pseudonyms of people and conversations
        (without one they last as long as the process); `keep_question_text` is TPM_BOT_LOG_QUESTIONS=text. `deadline` bounds every use
        of a connection (bot.store.database): the bot's decisions fail open past it; a
        command a person waits on (a report over months of rows) passes None."""
        return cls(
            open_engine(url, deadline),
            retention_days=retention_days,
            key=key,
            keep_question_text=keep_question_text,
        )

    @classmethod
    def configured(cls, settings: Settings, deadline: float | None = DEADLINE_SECONDS) -> Store:
        """The store DATABASE_URL names, kept as the settings say (retention, the key of its
        pseudonyms, whether question text is kept)."""
        return cls.open(
            settings.database_url,
            retention_days=settings.retention_days,
            key=settings.encryption_key,
            keep_question_text=settings.log_questions == "text",
            deadline=deadline,
        )

    def upgrade(self) -> tuple[str | None, str | None]:
        """Migrate to the shipped schema; (revision before, revision after).

        It runs on an engine of its own without the serving engine's deadlines: a migration
        may wait for another instance's to finish (PostgreSQL's advisory lock, another
        process writing the SQLite file), or take longer than a statement on the reply path
        may. An in-memory SQLite database exists only in its engine, so it shares that one.
        """
        with self._migrating:
            if self.engine.dialect.name == "sqlite" and sqlite_path(self.engine.url) is None:
                revisions = upgrade(self.engine)
            else:
                engine = open_engine(self.engine.url, deadline=None)
                try:
                    revisions = upgrade(engine)
                finally:
                    engine.dispose()
            self.migrated = True
        return revisions

    def try_upgrade(self) -> bool:
        """Migrate at start-up; if the database cannot be reached, log it once and go on,
        retrying in the background (`retry_upgrade`) until it works or the store closes."""
        if self._try_upgrade_once():
            return True
        self.retry_upgrade()
        return False

    def _try_upgrade_once(self) -> bool:
        try:
            self.upgrade()
        except SQLAlchemyError as error:
            self.health.failed("migrate", error)
            return False
        self.health.worked()
        return True

    def retry_upgrade(self) -> threading.Thread:
        """Retry the migration on a thread, soon at first and then less often (1 s doubling
        to 30 s, with jitter), until it works or the store closes.

        Until it works, a retry reaching another instance is answered twice (no event log),
        votes fail and every write is put back to wait: worth a try every few seconds, not
        only at the next purge ten minutes later.
        """
        if self._retrying is not None and self._retrying.is_alive():
            return self._retrying

        def run() -> None:
            wait = MIGRATE_RETRY_FIRST
            while not self.migrated:
                if self._closing.wait(wait * random.uniform(0.75, 1.0)):
                    return
                if self.migrated or self._try_upgrade_once():
                    return
                wait = min(wait * 2, MIGRATE_RETRY_MAX)

        self._retrying = threading.Thread(target=run, name="store-migrate", daemon=True)
        self._retrying.start()
        return self._retrying

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
            "teachings": self.teaching.purge(kept_since),
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
        self.teaching.forget_team(team)

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

    def flush(self, timeout: float = FLUSH_SECONDS) -> bool:
        """Write what is queued now (it would be written within a tick anyway), waiting at
        most `timeout` seconds in all; whether everything was written."""
        until = time.monotonic() + timeout
        written = True
        for writer in self._writers():
            written = writer.flush(max(0.0, until - time.monotonic())) and written
        return written

    @property
    def dropped_rows(self) -> int:
        """Rows the writers could not write and dropped, since start (for the metrics)."""
        return sum(writer.dropped for writer in self._writers())

    def _writers(self) -> list[WriteBehind[Any]]:
        return [self.events.writer, self.questions.writer, self.conversations.writer]

    def close(self, drain: float = DRAIN_SECONDS) -> None:
        """Stop retrying the migration, and write what is queued within `drain` seconds (the
        three writers drain together); rows left are counted as dropped in the log."""
        self._closing.set()
        writers = self._writers()
        for writer in writers:
            writer.stop()
        until = time.monotonic() + drain
        for writer in writers:
            writer.close(max(0.0, until - time.monotonic()))
        self.engine.dispose()
