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


def test_ask_and_chat_record_into_the_store_with_record(tmp_path) -> None:
    database = tmp_path / "try.db"
    env = {"DATABASE_URL": f"sqlite:///{database}"}
    plain = run_cli("ask", "how much does a TPM make in the US?", env=env)
    assert plain.returncode == 0 and not database.exists()  # never opened without --record
    asked = run_cli("ask", "--record", "how much does a TPM make in the US?", env=env)
    assert asked.returncode == 0, asked.stderr
    chatted = run_cli("chat", "--record", stdin="what does a senior tpm do?\nhello\n", env=env)
    assert chatted.returncode == 0, chatted.stderr
    piped = run_cli("ask", "--record", "--json", "-", stdin="tpm vs pm\n", env=env)
    assert piped.returncode == 0, piped.stderr
    report = json.loads(run_cli("report", "--json", env=env).stdout)
    assert report["questions"] == 3  # "hello" is a greeting: not counted, as in Slack
    assert report["by_status"]["partial"] == 1
    assert report["gaps"] == [{"terms": "howmuch make tpm us", "count": 1, "texts": []}]
    assert {s["id"] for s in report["sections"]} >= {"level-senior", "salary-india"}


def test_ask_record_with_text_logging_keeps_the_cleaned_text(tmp_path) -> None:
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'try.db'}", "TPM_BOT_LOG_QUESTIONS": "text"}
    question = "how much does a TPM make in the US? mail me at jo@example.com"
    assert run_cli("ask", "--record", question, env=env).returncode == 0
    table = run_cli("report", env=env).stdout
    assert "“how much does a TPM make in the US? mail me at”" in table


def test_chat_wraps_replies_to_the_terminal_width_without_splitting_words() -> None:
    questions = "what does a tpm do\nbuild technical expertise\n"
    narrow = run_cli("chat", stdin=questions, env={"COLUMNS": "50"}).stdout
    wide = run_cli("chat", stdin=questions, env={"COLUMNS": "1000"}).stdout
    assert max(len(line) for line in wide.splitlines()) > 50  # there was something to fold
    assert all(len(line) <= 50 for line in narrow.splitlines() if " " in line.strip())
    assert narrow.split() == wide.split()  # the same words, none cut in two


def test_ask_from_stdin_echoes_each_question_and_separates_replies() -> None:
    out = run_cli("ask", "-", stdin="what is a tpm\nlevels?\n").stdout
    first, second = out.split("\n" + "─" * 40 + "\n")
    assert first.startswith("> what is a tpm\n\n")
    assert second.lstrip("\n").startswith("> levels?\n\n")
    talk = run_cli(
        "ask", "--conversation", "-", stdin="tpm salary\nand for directors?\n\nwhat is a tpm\n"
    ).stdout
    assert [line for line in talk.splitlines() if line.startswith("> ")] == [
        "> tpm salary",
        "> and for directors?",
        "> what is a tpm",
    ]
    assert talk.count("─" * 40 + "\n") == 1 and "── new conversation" in talk
    as_json = run_cli("ask", "--json", "-", stdin="what is a tpm\n").stdout
    assert json.loads(as_json)["status"] == "answer"  # JSON Lines are unchanged
