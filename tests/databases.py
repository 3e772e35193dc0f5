"""Databases for the store's tests: a SQLite file, or a PostgreSQL database of this test run.

PostgreSQL tests use the server at $TPM_BOT_TEST_POSTGRES (default postgresql://postgres@127.0.0.1:5432/test):
each test process creates databases of its own there (random names) and drops them at the
end, so workers and runs never see each other's rows. Without a reachable server they are
skipped, with the reason; CI (.ci/run) checks the server is up first, so there they run.
"""

from __future__ import annotations

import os
import uuid

import pytest

SERVER = os.environ.get("TPM_BOT_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
_reachable: list[bool] = []


def _admin_engine():
    from sqlalchemy import create_engine

    from bot.settings import database_url

    url, _ = database_url(SERVER)
    return create_engine(url, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 2})


def postgres_reachable() -> bool:
    if not _reachable:
        try:
            engine = _admin_engine()
            with engine.connect():
                pass
            engine.dispose()
            _reachable.append(True)
        except Exception:
            _reachable.append(False)
    return _reachable[0]


def require_postgres() -> None:
    if not postgres_reachable():
        pytest.skip(f"PostgreSQL is not reachable at {SERVER}; start it to run this test")


def new_postgres_database() -> tuple[str, object]:
    """(URL of a new empty database, function that drops it)."""
    require_postgres()
    from sqlalchemy import text

    name = f"tpm_test_{uuid.uuid4().hex[:12]}"
    admin = _admin_engine()
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    base = SERVER.rsplit("/", 1)[0]

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return f"{base}/{name}", drop
