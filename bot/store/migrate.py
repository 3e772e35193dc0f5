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
from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

from bot.store.database import CONNECT_TIMEOUT, sqlite_path

log = logging.getLogger("tpm_bot")

MIGRATIONS = os.path.join(os.path.dirname(__file__), "migrations")
#: pg_advisory_lock key: any constant that no other application on the server uses.
ADVISORY_LOCK_KEY = 0x7470_6D62  # "tpmb"


#: Databases every PostgreSQL server has, to connect to when the one named does not exist yet.
MAINTENANCE_DATABASES = ("postgres", "template1")


class CannotCreateDatabase(Exception):
    """The PostgreSQL database named does not exist and this role may not create it."""

    def __init__(self, name: str, command: str, reason: str) -> None:
        super().__init__(reason)
        self.name = name
        self.command = command
        self.reason = reason


def createdb_command(url: URL) -> str:
    """The shell command an administrator runs to create the database of `url` for its role
    (no password in it: it is a line to show people)."""
    import shlex

    parts = ["createdb"]
    if url.host:
        parts += ["-h", url.host]
    if url.port:
        parts += ["-p", str(url.port)]
    if url.username:
        parts += ["-O", url.username]
    parts.append(url.database or "")
    return " ".join(map(shlex.quote, parts))


def _maintenance_connection(url: URL) -> Connection | None:
    """An AUTOCOMMIT connection to a database every server has (CREATE DATABASE cannot run in
    a transaction), or None when the role may connect to none of them."""
    for name in MAINTENANCE_DATABASES:
        engine = create_engine(
            url.set(database=name),
            isolation_level="AUTOCOMMIT",
            poolclass=NullPool,
            connect_args={"connect_timeout": CONNECT_TIMEOUT},
        )
        try:
            return engine.connect()
        except SQLAlchemyError:
            engine.dispose()
    return None


def database_exists(url: str | URL) -> bool | None:
    """Whether the PostgreSQL database of `url` exists (None: not PostgreSQL, or the server
    cannot tell us, so the caller's own error stands)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql" or not parsed.database:
        return None
    connection = _maintenance_connection(parsed)
    if connection is None:
        return None
    try:
        found = connection.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": parsed.database}
        ).first()
        return found is not None
    except SQLAlchemyError:
        return None
    finally:
        connection.close()
        connection.engine.dispose()


def create_database(url: str | URL) -> bool:
    """Create the PostgreSQL database of `url` if it does not exist; True if it was created.

    `db upgrade` promises to create the database: platforms hand out a server and a role, and
    making people run `createdb` first is a step they would miss. When the role may not create
    databases, CannotCreateDatabase carries the `createdb` line an administrator can run.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql" or not parsed.database:
        return False
    name = parsed.database
    connection = _maintenance_connection(parsed)
    if connection is None:
        return False  # connecting to the database itself then says what is wrong
    try:
        exists = connection.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
        ).first()
        if exists:
            return False
        quoted = connection.dialect.identifier_preparer.quote_identifier(name)
        try:
            connection.execute(text(f"CREATE DATABASE {quoted}"))
        except SQLAlchemyError as error:
            cause = getattr(error, "orig", None) or error
            lines = str(cause).strip().splitlines()
            reason = lines[0][:200] if lines else type(error).__name__
            raise CannotCreateDatabase(name, createdb_command(parsed), reason) from None
    finally:
        connection.close()
        connection.engine.dispose()
    log.info("kind=store decision=created_database")
    return True


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
