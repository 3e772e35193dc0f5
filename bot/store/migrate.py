"""Apply the shipped migrations, one instance at a time.

Two instances starting together must not both create the tables: PostgreSQL serialises them
with an advisory lock held for the migration; SQLite with an exclusive lock on a file beside
the database (instances sharing a SQLite file share a machine).
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
from collections.abc import Iterator

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, text

from bot.store.database import sqlite_path

log = logging.getLogger("tpm_bot")

MIGRATIONS = os.path.join(os.path.dirname(__file__), "migrations")
#: pg_advisory_lock key: any constant that no other application on the server uses.
ADVISORY_LOCK_KEY = 0x7470_6D62  # "tpmb"


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", MIGRATIONS)
    config.attributes["connection"] = connection
    return config


def head() -> str:
    return str(ScriptDirectory.from_config(alembic_config()).get_current_head())


def current(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


@contextlib.contextmanager
def locked_connection(engine: Engine) -> Iterator[Connection]:
    """A connection held by one instance at a time.

    SQLite takes the file lock before it connects: the first connection to a new file switches
    it to WAL, which fails at once (no busy wait) while another process does the same.
    """
    path = sqlite_path(str(engine.url))
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": ADVISORY_LOCK_KEY})
            connection.commit()
            try:
                yield connection
            finally:
                connection.rollback()
                connection.execute(
                    text("SELECT pg_advisory_unlock(:key)"), {"key": ADVISORY_LOCK_KEY}
                )
                connection.commit()
    elif path:
        with open(f"{path}.lock", "a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                with engine.connect() as connection:
                    yield connection
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
    else:
        with engine.connect() as connection:
            yield connection


def upgrade(engine: Engine, revision: str = "head") -> tuple[str | None, str | None]:
    """Bring the database to `revision` under the lock; (revision before, revision after)."""
    if not log.isEnabledFor(logging.DEBUG):
        logging.getLogger("alembic").setLevel(logging.WARNING)  # one line of ours instead
    with locked_connection(engine) as connection:
        before = current(connection)
        connection.commit()
        command.upgrade(alembic_config(connection), revision)
        connection.commit()
        after = current(connection)
        connection.commit()
    if before != after:
        log.info("kind=store decision=migrated from=%s to=%s", before or "empty", after)
    return before, after
