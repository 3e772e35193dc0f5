"""The store under faults: a stalled link, a refused row, a full queue, a stop with rows still
queued, and a database that was down when the bot started (issue 19).

PostgreSQL sits behind tests/tcp_proxy.py, which can stall the link (bytes stop, connections
stay open), cut it, or refuse connections. The PostgreSQL tests skip, with the reason, when no
server is reachable (tests/databases.py).
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Iterator

import pytest
from databases import SERVER, new_postgres_database
from sqlalchemy import Connection, func, insert, select
from tcp_proxy import TcpProxy

from bot.settings import database_url as mapped_url
from bot.store.events import StoreUnavailable
from bot.store.models import Question
from bot.store.store import Store
from bot.store.writer import WriteBehind

#: A database nothing listens on: every connection is refused at once.
NOWHERE = "postgresql+psycopg://postgres@127.0.0.1:1/none"
#: What a caller may wait for a stalled database, at most (the deadline is 2.5 s).
PATIENCE = 3.0


@pytest.fixture
def log_lines(caplog: pytest.LogCaptureFixture) -> Iterator[list[str]]:
    """The bot's log lines, as a list that fills as the test runs."""
    caplog.set_level(logging.INFO, logger="tpm_bot")
    lines: list[str] = []

    class Handler(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(record.getMessage())

    handler = Handler()
    logging.getLogger("tpm_bot").addHandler(handler)
    yield lines
    logging.getLogger("tpm_bot").removeHandler(handler)


@pytest.fixture
def proxied() -> Iterator[tuple[TcpProxy, str]]:
    """(A proxy in front of PostgreSQL, the URL of a new database through it)."""
    url, drop = new_postgres_database()
    host_port = SERVER.split("@", 1)[1].split("/", 1)[0]
    host, port = host_port.split(":")
    proxy = TcpProxy(host, int(port))
    try:
        yield proxy, mapped_url(url)[0].replace(host_port, f"127.0.0.1:{proxy.port}")
    finally:
        proxy.resume()
        proxy.close()
        drop()  # type: ignore[operator]


def dropped(lines: list[str], reason: str) -> int:
    """Rows the log says were dropped for `reason`."""
    pattern = re.compile(rf"kind=store decision=dropped rows=(\d+) reason={reason}\b")
    return sum(int(m.group(1)) for line in lines if (m := pattern.search(line)))


def write_questions(connection: Connection, rows: list[dict[str, object]]) -> None:
    connection.execute(insert(Question), rows)


def question(text: str) -> dict[str, object]:
    return {
        "team": "T1",
        "asked_at": time.time(),
        "status": "none",
        "section": None,
        "terms": None,
        "text": text,
    }


def count_questions(store: Store) -> int:
    with store.engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(Question)).scalar_one())


# A stalled link ---------------------------------------------------------------------------


def test_takes_and_flushes_during_a_stall_fail_open_within_the_deadline(
    proxied: tuple[TcpProxy, str], log_lines: list[str]
) -> None:
    """Before: a take waited on the writer's lock, and the writer on the stalled link, for
    the whole stall (20 s and more). Now each caller gives up within the deadline, the outage
    is logged once, and the store works again as soon as bytes move."""
    proxy, url = proxied
    store = Store.open(url)
    try:
        store.upgrade()
        assert store.events.take("EvBefore")
        for n in range(5):  # a few connections in the pool, and rows for the writer
            store.questions.writer.put(question(f"queued {n}"))
        store.events.note("EvNoted")
        proxy.stall()
        results: dict[str, tuple[object, float]] = {}

        def take(event_id: str) -> None:
            started = time.monotonic()
            try:
                outcome: object = store.events.take(event_id)
            except StoreUnavailable:
                outcome = "unavailable"
            results[event_id] = (outcome, time.monotonic() - started)

        def flush() -> None:
            started = time.monotonic()
            outcome = store.flush()
            results["flush"] = (outcome, time.monotonic() - started)

        callers = [threading.Thread(target=take, args=(f"EvStalled{n}",)) for n in range(6)]
        callers.append(threading.Thread(target=flush))
        for caller in callers:
            caller.daemon = True  # one stuck on the link must not hold the test run up
            caller.start()
        for caller in callers:
            caller.join(PATIENCE + 1)
        assert len(results) == 7, f"{7 - len(results)} callers still waiting after {PATIENCE}s"
        flushed, flush_took = results.pop("flush")
        assert all(outcome == "unavailable" for outcome, _ in results.values())
        slowest = max(took for _, took in results.values())
        assert slowest < PATIENCE, f"a take waited {slowest:.1f}s"
        assert flushed is False and flush_took < PATIENCE, f"flush waited {flush_took:.1f}s"
        # A retry of an event this process noted itself needs no database at all; and once a
        # call has waited a whole deadline, the next decisions do not wait again.
        quick = time.monotonic()
        assert store.events.take("EvNoted") is False
        with pytest.raises(StoreUnavailable):
            store.events.take("EvLater")
        with pytest.raises(StoreUnavailable):
            store.conversations.recall("C1:1.1")
        assert time.monotonic() - quick < 0.5
        assert sum("decision=unreachable" in line for line in log_lines) == 1

        proxy.resume()
        deadline = time.monotonic() + 10
        for attempt in range(1000):  # an id a failed take queued counts as taken: a new one
            try:
                assert store.events.take(f"EvAfter{attempt}")
                break
            except StoreUnavailable:
                assert time.monotonic() < deadline, "the store did not come back"
                time.sleep(0.2)
        assert store.flush(5)
        assert count_questions(store) == 5  # queued before the stall, written after it
        # Taken (failed open) during the stall: remembered once the database was back.
        assert store.events.take("EvStalled0") is False
        assert store.events.take("EvLater") is False
        assert not any("Traceback" in line for line in log_lines)
    finally:
        proxy.resume()
        store.close()


def test_a_stop_during_a_stall_is_bounded_and_counts_what_it_drops(
    proxied: tuple[TcpProxy, str], log_lines: list[str]
) -> None:
    """Before: rows queued at a stop during a stall were lost without a word (558 in the
    probe). Now the stop takes at most the drain time and logs how many rows it dropped."""
    proxy, url = proxied
    store = Store.open(url)
    store.upgrade()
    assert store.events.take("EvWarm")
    proxy.stall()
    for n in range(40):
        store.questions.writer.put(question(f"asked {n}"))
    started = time.monotonic()
    store.close(drain=1.0)
    took = time.monotonic() - started
    assert took < 1.5, f"close took {took:.1f}s"
    assert dropped(log_lines, "stopped") == 40
    assert store.questions.writer.dropped == 40


# Rows: written at a stop, a bad one alone refused, none lost without a count ------------------


def test_rows_queued_at_a_stop_are_written(store_at) -> None:
    """A writer that has not ticked yet still writes its rows when the store closes."""
    store = store_at()
    store.upgrade()
    writer = WriteBehind(store.engine, store.health, "test", write_questions, tick=60)
    for n in range(25):
        writer.put(question(f"asked {n}"))
    writer.close()
    assert writer.dropped == 0
    assert count_questions(store) == 25


def test_a_row_the_database_refuses_is_dropped_alone(store_at, log_lines) -> None:
    """Before: a lone surrogate raised UnicodeEncodeError out of the flush and its whole batch
    (0 of 10 rows written) was lost. Now the nine others are written, and one line says a row
    was dropped, without its text."""
    store = store_at()
    store.upgrade()
    writer = WriteBehind(store.engine, store.health, "test", write_questions, tick=60)
    for n in range(10):
        writer.put(question("secret \ud800 plan" if n == 3 else f"question number {n}"))
    assert writer.flush()
    assert count_questions(store) == 9
    assert writer.dropped == 1 and writer.dropped_by == {"bad_row": 1}
    assert dropped(log_lines, "bad_row") == 1
    assert not any("secret" in line or "plan" in line for line in log_lines)
    writer.close()


def test_a_nul_byte_is_refused_alone_by_postgresql(store_at, database_url, log_lines) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite stores NUL bytes")
    store = store_at()
    store.upgrade()
    writer = WriteBehind(store.engine, store.health, "test", write_questions, tick=60)
    for n in range(7):
        writer.put(question("a\x00b" if n in (0, 6) else f"question {n}"))
    assert writer.flush()
    assert count_questions(store) == 5
    assert dropped(log_lines, "bad_row") == 2
    assert store.health.up
    writer.close()


def test_a_question_with_a_lone_surrogate_is_stored_scrubbed(store_at) -> None:
    """TPM_BOT_LOG_QUESTIONS=text: scrub removes what no database can store."""
    store = store_at(keep_question_text=True)
    store.upgrade()
    store.questions.record("T1", "none", None, "how do pilots \ud800 become tpms")
    store.questions.record("T1", "none", None, "what about astronauts")
    assert store.flush(5)
    with store.engine.connect() as connection:
        texts = connection.execute(select(Question.text)).scalars().all()
    assert len(texts) == 2
    assert all(text is None or "\ud800" not in text for text in texts)


def test_rows_over_the_limit_are_counted_in_the_log(log_lines: list[str]) -> None:
    """Before: rows beyond the queue's limit went without a log line. Now every one is counted,
    in a few lines rather than one per row, and in `dropped` for the metrics."""
    store = Store.open(NOWHERE)
    writer = WriteBehind(store.engine, store.health, "test", write_questions, limit=50)
    try:
        for n in range(1050):
            writer.put(question(f"asked {n}"))
        writer.flush(1.0)  # the database refuses: the rows wait, within the limit
    finally:
        writer.close(0.5)
        store.close(0.5)
    assert writer.dropped_by == {"full": 1000, "stopped": 50}
    assert writer.dropped == 1050
    assert dropped(log_lines, "full") == 1000
    assert dropped(log_lines, "stopped") == 50
    assert sum("reason=full" in line for line in log_lines) <= 3  # rate-limited, not per row
    assert sum("decision=unreachable" in line for line in log_lines) == 1


# A database down at the first start ----------------------------------------------------------


def test_the_migration_runs_soon_after_the_database_comes_back(
    proxied: tuple[TcpProxy, str], log_lines: list[str]
) -> None:
    """Before: a database down at the first start stayed unmigrated until the purge thread's
    next round, ten minutes later. Now the migration is retried within seconds."""
    proxy, url = proxied
    proxy.down()
    store = Store.open(url)
    try:
        assert store.try_upgrade() is False
        assert not store.migrated
        time.sleep(0.3)
        proxy.up()
        came_back = time.monotonic()
        while not store.migrated:
            assert time.monotonic() - came_back < 5, "not migrated 5 s after the database came back"
            time.sleep(0.05)
        assert store.events.take("EvAfterMigration")
        assert sum("decision=migrated" in line for line in log_lines) == 1
    finally:
        store.close()


def test_closing_the_store_stops_the_migration_retries() -> None:
    store = Store.open(NOWHERE)
    assert store.try_upgrade() is False
    retrying = store.retry_upgrade()  # the one already running
    assert retrying.is_alive()
    store.close(0.5)
    retrying.join(2)
    assert not retrying.is_alive()
