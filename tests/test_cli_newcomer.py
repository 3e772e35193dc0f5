"""What a new user meets in the terminal (issue 21): the database made by `db upgrade`, a report
that says which step is missing, `ask --record`, and replies laid out for a terminal."""

from __future__ import annotations

import json
import uuid

import pytest
from databases import SERVER, _admin_engine, require_postgres
from helpers import run_cli
from sqlalchemy import text


def _server_url(database: str, user: str = "postgres") -> str:
    """A DATABASE_URL on the test server, for `user` and `database`."""
    base = SERVER.rsplit("/", 1)[0]
    scheme, rest = base.split("://", 1)
    host = rest.split("@", 1)[-1]
    return f"{scheme}://{user}@{host}/{database}"


@pytest.fixture
def missing_postgres_database():
    """The name of a PostgreSQL database that does not exist (dropped afterwards if made)."""
    require_postgres()
    name = f'tpm test "{uuid.uuid4().hex[:8]}'  # a space and a quote: the name must be quoted
    yield name
    admin = _admin_engine()
    with admin.connect() as connection:
        quoted = name.replace('"', '""')
        connection.execute(text(f'DROP DATABASE IF EXISTS "{quoted}" WITH (FORCE)'))
    admin.dispose()


def test_db_upgrade_creates_a_postgresql_database_that_does_not_exist(
    missing_postgres_database,
) -> None:
    env = {"DATABASE_URL": _server_url(missing_postgres_database)}
    result = run_cli("db", "upgrade", env=env)
    assert result.returncode == 0, result.stderr
    assert "created the database" in result.stdout
    assert "upgraded from an empty database" in result.stdout
    again = run_cli("db", "upgrade", env=env)
    assert again.returncode == 0 and "already at revision" in again.stdout
    report = run_cli("report", "--json", env=env)
    assert report.returncode == 0, report.stderr
    assert json.loads(report.stdout)["questions"] == 0


def test_db_upgrade_without_the_right_to_create_prints_the_createdb_command() -> None:
    require_postgres()
    role = f"tpm_nocreate_{uuid.uuid4().hex[:8]}"
    admin = _admin_engine()
    with admin.connect() as connection:
        connection.execute(text(f"CREATE ROLE {role} LOGIN NOCREATEDB"))
    try:
        env = {"DATABASE_URL": _server_url("tpm_never_made", user=role)}
        result = run_cli("db", "upgrade", env=env)
        assert result.returncode == 2
        assert "Traceback" not in result.stderr
        assert f"createdb -h 127.0.0.1 -p 5432 -O {role} tpm_never_made" in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
    finally:
        with admin.connect() as connection:
            connection.execute(text(f"DROP ROLE IF EXISTS {role}"))
        admin.dispose()


def test_report_on_a_missing_postgresql_database_says_to_run_db_upgrade() -> None:
    require_postgres()
    result = run_cli("report", env={"DATABASE_URL": _server_url("tpm_not_there_at_all")})
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "'tpm_not_there_at_all' does not exist" in result.stderr
    assert "tpm-bot db upgrade" in result.stderr


def test_report_on_a_missing_or_unmigrated_sqlite_file_says_to_run_db_upgrade(tmp_path) -> None:
    missing = run_cli("report", env={"DATABASE_URL": f"sqlite:///{tmp_path / 'none.db'}"})
    assert missing.returncode == 2 and "tpm-bot db upgrade" in missing.stderr
    empty = tmp_path / "empty.db"
    empty.touch()
    unmigrated = run_cli("report", env={"DATABASE_URL": f"sqlite:///{empty}"})
    assert unmigrated.returncode == 2 and "Traceback" not in unmigrated.stderr
    assert "no tpm-bot tables yet: run `tpm-bot db upgrade`" in unmigrated.stderr
