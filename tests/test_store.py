"""The store's foundation: settings, migrations that keep rows, the migration lock, the CLI."""

from __future__ import annotations

import subprocess
import sys
import threading

from helpers import run_cli
from sqlalchemy import func, select, text

from bot.settings import database_url, load_settings
from bot.store.migrate import head
from bot.store.models import ProcessedEvent


def test_database_url_forms_platforms_hand_out() -> None:
    assert database_url("postgres://u:p@db:5432/app") == (
        "postgresql+psycopg://u:p@db:5432/app",
        "",
    )
    assert database_url("postgresql://u@db/app")[0] == "postgresql+psycopg://u@db/app"
    assert database_url("sqlite:////var/lib/bot.db")[0] == "sqlite:////var/lib/bot.db"
    assert database_url("mysql://u@db/app")[1].startswith("DATABASE_URL must be a sqlite://")
    assert database_url("nonsense")[1].startswith("DATABASE_URL must look like")


def test_default_database_is_a_file_in_the_users_data_folder() -> None:
    settings = load_settings({"XDG_DATA_HOME": "/data"}, dotenv=None)
    assert settings.database_url == "sqlite:////data/tpm-bot/tpm-bot.db"
    assert settings.database_default


def test_every_store_setting_problem_is_reported_at_once() -> None:
    settings = load_settings(
        {
            "DATABASE_URL": "mysql://root:hunter2@db/x",
            "TPM_BOT_LOG_QUESTIONS": "everything",
            "TPM_BOT_RETENTION_DAYS": "forever",
            "TPM_BOT_ENCRYPTION_KEY": "short",
        },
        dotenv=None,
    )
    assert len(settings.store_problems) == 4
    assert all(p in settings.problems for p in settings.store_problems)
    assert not any("hunter2" in p for p in settings.problems)


def test_secrets_include_the_database_password() -> None:
    settings = load_settings({"DATABASE_URL": "postgres://bot:s3cret-pw@db/app"}, dotenv=None)
    assert "s3cret-pw" in settings.secrets()
    assert settings.database_shown == "postgresql+psycopg://bot:***@db/app"


def test_an_old_database_upgrades_in_place_keeping_its_rows(store_at) -> None:
    store = store_at()
    from bot.store.migrate import upgrade

    assert upgrade(store.engine, "0001") == (None, "0001")
    with store.engine.begin() as connection:
        connection.execute(
            ProcessedEvent.__table__.insert(),
            [{"event_id": f"Ev{i}", "seen_at": 1.0 + i} for i in range(3)],
        )
    assert store.upgrade() == ("0001", head())
    assert store.upgrade() == (head(), head())
    with store.engine.connect() as connection:
        kept = connection.execute(select(ProcessedEvent.event_id).order_by("event_id")).scalars()
        assert list(kept) == ["Ev0", "Ev1", "Ev2"]
        assert connection.execute(text("SELECT count(*) FROM questions")).scalar() == 0


def test_instances_starting_together_migrate_once(store_at) -> None:
    stores = [store_at() for _ in range(4)]
    results: list[tuple] = []
    errors: list[BaseException] = []

    def start(store) -> None:
        try:
            results.append(store.upgrade())
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=start, args=(s,)) for s in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sum(1 for before, _ in results if before is None) == 1
    with stores[0].engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(ProcessedEvent)).scalar() == 0


def test_instances_opening_a_new_sqlite_file_together_never_meet_a_lock(tmp_path) -> None:
    """The first connection to a new file switches it to WAL, which fails at once (no busy
    wait) while another process does the same; the migration lock is taken before connecting.
    Each round opens eight instances on a fresh file; with the lock taken after connecting,
    most runs of this test met the error."""
    from bot.store.database import open_engine
    from bot.store.migrate import locked_connection

    errors: list[BaseException] = []

    def start(engine) -> None:
        try:
            with locked_connection(engine) as connection:
                connection.execute(text("SELECT 1"))
        except BaseException as error:
            errors.append(error)

    for round_ in range(60):
        engines = [open_engine(f"sqlite:///{tmp_path}/round-{round_}.db") for _ in range(8)]
        threads = [threading.Thread(target=start, args=(engine,)) for engine in engines]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        for engine in engines:
            engine.dispose()
    assert not errors


def test_db_upgrade_creates_then_keeps_the_database(database_url) -> None:
    env = {"DATABASE_URL": database_url}
    first = run_cli("db", "upgrade", env=env)
    assert first.returncode == 0, first.stderr
    assert f"upgraded from an empty database to revision {head()}" in first.stdout
    again = run_cli("db", "upgrade", env=env)
    assert again.returncode == 0
    assert f"already at revision {head()}" in again.stdout


def test_db_upgrade_reports_an_unreachable_database_in_one_line() -> None:
    result = run_cli("db", "upgrade", env={"DATABASE_URL": "postgresql://nobody@127.0.0.1:1/x"})
    assert result.returncode == 2
    assert result.stderr.startswith("tpm-bot: cannot open the database postgresql+psycopg://")
    assert "Connection refused" in result.stderr  # the driver's reason, not only its class
    assert len(result.stderr.splitlines()) == 1


def test_an_unreachable_database_never_shows_its_password() -> None:
    url = "postgresql://nobody:hunter2-secret@127.0.0.1:1/x"
    result = run_cli("db", "upgrade", env={"DATABASE_URL": url})
    assert result.returncode == 2 and "hunter2-secret" not in result.stderr


def test_help_names_the_default_database_file(tmp_path) -> None:
    result = run_cli("--help", env={"XDG_DATA_HOME": str(tmp_path)})
    unwrapped = "".join(result.stdout.split())  # argparse wraps long paths at hyphens
    assert f"sqlite:///{tmp_path}/tpm-bot/tpm-bot.db" in unwrapped
    assert "DATABASE_URL" in unwrapped


def test_terminal_commands_never_import_the_store(tmp_path) -> None:
    code = (
        "import sys; from bot.cli import main; main(['ask', 'what is a tpm']); "
        "main(['topics']); main(['validate']); "
        "print(sorted(m for m in sys.modules if m.startswith(('sqlalchemy', 'alembic', 'bot.store', 'psycopg'))))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"XDG_DATA_HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )
    assert out.stdout.strip().splitlines()[-1] == "[]"
    assert not (tmp_path / "tpm-bot").exists()
