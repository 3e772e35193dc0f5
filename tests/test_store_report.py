"""Knowledge gaps, privacy first, and `tpm-bot report` (JSON, table, HTML), on SQLite and
PostgreSQL."""

from __future__ import annotations

import json
import time

import pytest
from helpers import run_cli
from slack_harness import InProcessBot, mention, send_event
from sqlalchemy import select

from bot.core.holder import KnowledgeHolder
from bot.core.privacy import question_terms, scrub
from bot.store.models import Question
from bot.store.report import parse_since

PRIVATE = "how do I become an airline pilot? ask <@U777> or mail jo.doe@example.com, call 98765 43210, see https://x.example/p"


def rows(store) -> list:
    store.flush()
    with store.engine.connect() as connection:
        return list(connection.execute(select(Question).order_by(Question.id)).all())


def test_scrub_removes_people_links_and_numbers() -> None:
    cleaned = scrub(PRIVATE)
    for secret in ("U777", "jo.doe", "example.com", "98765", "https", "<", "@"):
        assert secret not in cleaned
    assert question_terms(PRIVATE) == "airline become call mail pilot see"


@pytest.mark.parametrize("keep_text", [False, True])
def test_gaps_keep_terms_or_cleaned_text_and_never_who_asked(
    slack, matcher, store_at, keep_text
) -> None:
    slack.reset()
    store = store_at(keep_question_text=keep_text)
    store.upgrade()
    bot = InProcessBot(slack.url, KnowledgeHolder(matcher), store=store)
    try:
        send_event(bot, mention(f"<@UBOT> {PRIVATE}", "800.1"), "EvGap1")
        send_event(bot, mention("<@UBOT> what does a senior tpm do?", "800.2"), "EvGap2")
        bot.finish_replies()
    finally:
        bot.close()
    answered, gap = sorted(rows(store), key=lambda r: r.status)  # replies run concurrently
    assert (gap.status, gap.section, gap.team) == ("none", None, "T1")
    assert gap.terms == "airline become call mail pilot see"
    if keep_text:
        assert gap.text.startswith("how do I become an airline pilot? ask or mail")
        assert "example" not in gap.text and "98765" not in gap.text
    else:
        assert gap.text is None
    assert (answered.status, answered.section, answered.terms, answered.text) == (
        "answer",
        "level-senior",
        None,
        None,
    )
    stored = json.dumps([list(r) for r in rows(store)])
    assert "U1" not in stored and "U777" not in stored


def test_old_rows_are_purged_after_the_retention_period(store_at) -> None:
    store = store_at(retention_days=30)
    store.upgrade()
    store.questions.record("T1", "none", None, "old question about pilots")
    store.flush()
    with store.engine.begin() as connection:
        connection.execute(Question.__table__.update().values(asked_at=time.time() - 31 * 86400))
    store.questions.record("T1", "none", None, "new question about pilots")
    assert store.purge()["questions"] == 1
    assert len(rows(store)) == 1


def test_report_json_table_and_html(database_url, store_at, tmp_path) -> None:
    store = store_at()
    store.upgrade()
    for _ in range(3):
        store.questions.record("T1", "answer", "salary-india", "tpm salary india")
    store.questions.record("T1", "partial", "levels", "levels at google")
    store.questions.record("T1", "none", None, "how do I become a pilot")
    store.questions.record("T2", "none", None, "pilot become how")
    store.questions.record("T2", "suggest", None, "career stuff")
    store.feedback.vote(
        answer="C1:1", team="T1", user="U1", section="salary-india", decision="answer", helpful=True
    )
    store.feedback.vote(
        answer="C1:1",
        team="T1",
        user="U2",
        section="salary-india",
        decision="answer",
        helpful=False,
    )
    store.feedback.reason(answer="C1:1", team="T1", user="U2", text="pay in 2025")
    store.flush()

    env = {"DATABASE_URL": database_url}
    result = run_cli("report", "--json", env=env)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["questions"] == 7
    assert report["by_status"] == {"answer": 3, "partial": 1, "suggest": 1, "none": 2}
    assert report["sections"][0] == {
        "id": "salary-india",
        "asked": 3,
        "helpful": 1,
        "not_helpful": 1,
        "helpful_rate": 0.5,
    }
    assert report["gaps"][0] == {"terms": "become pilot", "count": 2, "texts": []}
    assert report["gaps_total"] == 3  # become pilot, career stuff, google levels
    assert report["reasons"] == [{"text": "pay", "count": 1}]  # gap terms: the year is gone
    assert len(report["per_day"]) == 7 and report["per_day"][-1]["questions"] == 7

    table = run_cli("report", "--since", "1d", env=env).stdout
    assert "Questions: 7" in table and "salary-india" in table and "become pilot" in table

    page = tmp_path / "report.html"
    assert run_cli("report", "--html", str(page), env=env).returncode == 0
    text = page.read_text("utf-8")
    assert "<svg" in text and "<script" not in text and 'src="' not in text
    assert "become pilot" in text


def test_report_periods() -> None:
    assert parse_since("7d") == 7 * 86400
    assert parse_since("12h") == 12 * 3600
    with pytest.raises(ValueError):
        parse_since("7 days")
    assert run_cli("report", "--since", "soon").returncode == 2
    with pytest.raises(ValueError, match="at most 3650d"):
        parse_since("1000000d")  # past the calendar: it used to end in a traceback


def test_a_report_page_that_cannot_be_written_is_a_one_line_error(tmp_path) -> None:
    from helpers import run_cli

    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'bot.db'}"}
    assert run_cli("db", "upgrade", env=env).returncode == 0
    for target in (tmp_path / "missing" / "r.html", tmp_path):
        result = run_cli("report", "--html", str(target), env=env)
        assert result.returncode == 2 and "Traceback" not in result.stderr
        assert f"cannot write the report to {target}" in result.stderr
    written = run_cli("report", "--html", str(tmp_path / "r.html"), env=env)
    assert written.returncode == 0 and f"Wrote {tmp_path / 'r.html'}" in written.stderr


def test_report_refuses_a_sqlite_file_that_is_not_there_instead_of_creating_it(tmp_path) -> None:
    from helpers import run_cli

    missing = tmp_path / "typo" / "bot.db"
    result = run_cli("report", env={"DATABASE_URL": f"sqlite:///{missing}"})
    assert result.returncode == 2
    assert f"no database at {missing}" in result.stderr
    assert not missing.parent.exists()
