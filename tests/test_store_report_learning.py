"""`tpm-bot report` shows learning (issue 22, item 4): per ISO week (Monday, UTC) the examples
added and gaps marked by `review`, the share answered and the helpful rate, in the JSON, the
terminal table and the HTML chart, on SQLite and PostgreSQL. Weeks without data are gaps, not
zeros, and no question text or anything about a person enters the per-week figures."""

from __future__ import annotations

import json
import re
from datetime import datetime

from helpers import run_cli
from sqlalchemy import insert

from bot.store.models import FeedbackVote, Question
from bot.store.report import build_report, render_html, render_table, week_start


def _at(day: str, hour: int = 12) -> float:
    return datetime.fromisoformat(f"{day}T{hour:02d}:00:00+00:00").timestamp()


#: Sunday 29 June 2025, noon UTC; "4w" is then 2 June (a Monday) to today: four ISO weeks.
NOW = _at("2025-06-29")
SECRET = "how do I become a pilot? ask Priya"


def _question(day: str, status: str, hour: int = 12) -> dict[str, object]:
    gap = status != "answer"
    return {
        "team": "T1",
        "asked_at": _at(day, hour),
        "status": status,
        "section": None if gap else "levels",
        "terms": "become pilot" if gap else None,
        "text": SECRET if gap else None,
    }


def _vote(number: int, day: str, helpful: bool) -> dict[str, object]:
    return {
        "answer": f"answer-{number}",
        "user_hash": f"user-{number}",
        "team": "T1",
        "section": "levels",
        "decision": "answer",
        "helpful": helpful,
        "reason": None if helpful else "pay for a pilot",
        "voted_at": _at(day),
    }


def _three_weeks(store) -> None:
    """Questions, votes and teachings in the weeks of 2, 16 and 23 June; the week of 9 June
    has no questions and no votes, only a gap marked and an example written."""
    questions = [
        _question("2025-06-01", "answer"),  # the day before the period: not counted
        # Week of 2 June: 3 of 4 answered.
        _question("2025-06-02", "answer", hour=0),
        _question("2025-06-03", "answer"),
        _question("2025-06-05", "answer"),
        _question("2025-06-08", "none", hour=23),
        # Week of 16 June: 4 of 5 answered.
        *(_question(day, "answer") for day in ("2025-06-16", "2025-06-17", "2025-06-18")),
        _question("2025-06-19", "answer"),
        _question("2025-06-20", "partial"),
        # Week of 23 June: 2 of 2 answered, no votes.
        _question("2025-06-23", "answer"),
        _question("2025-06-29", "answer", hour=11),
    ]
    votes = [
        _vote(0, "2025-06-01", True),  # before the period
        # Week of 2 June: 1 of 2 helpful.
        _vote(1, "2025-06-03", True),
        _vote(2, "2025-06-04", False),
        # Week of 16 June: 3 of 4 helpful.
        _vote(3, "2025-06-16", True),
        _vote(4, "2025-06-17", True),
        _vote(5, "2025-06-18", True),
        _vote(6, "2025-06-22", False),
    ]
    with store.engine.begin() as connection:
        connection.execute(insert(Question), questions)
        connection.execute(insert(FeedbackVote), votes)
    teaching = store.teaching
    # Labelled in Slack (pending), then written to a file in the week of 9 June: counted
    # when written, not when labelled.
    slack = teaching.add(team="T1", question="what does a TPM do at <@U777>", section="role")
    teaching.written([slack], [(SECRET, None, "pilots are not TPMs")], at=_at("2025-06-11"))
    examples = [("levels at google", "levels", ""), ("tpm vs pm", "tpm-vs-pm", "")]
    teaching.written([], examples, at=_at("2025-06-17"))
    # Still pending (labelled, never written): not counted.
    teaching.add(team="T1", question="salary in berlin", section="salary-europe")


EXPECTED = [
    {"week": "2025-06-02", "questions": 4, "answered": 3, "answered_share": 0.75,
     "votes": 2, "helpful": 1, "helpful_rate": 0.5, "examples_added": 0, "gaps_marked": 0},
    {"week": "2025-06-09", "questions": 0, "answered": 0, "answered_share": None,
     "votes": 0, "helpful": 0, "helpful_rate": None, "examples_added": 1, "gaps_marked": 1},
    {"week": "2025-06-16", "questions": 5, "answered": 4, "answered_share": 0.8,
     "votes": 4, "helpful": 3, "helpful_rate": 0.75, "examples_added": 2, "gaps_marked": 0},
    {"week": "2025-06-23", "questions": 2, "answered": 2, "answered_share": 1.0,
     "votes": 0, "helpful": 0, "helpful_rate": None, "examples_added": 0, "gaps_marked": 0},
]  # fmt: skip


def test_week_start_is_monday_utc() -> None:
    assert week_start(_at("2025-06-02", 0)) == _at("2025-06-02", 0)
    assert week_start(_at("2025-06-08", 23)) == _at("2025-06-02", 0)  # Sunday night
    assert week_start(_at("2025-06-09", 0)) == _at("2025-06-09", 0)
    assert week_start(_at("2025-01-01")) == _at("2024-12-30", 0)  # ISO week 1 of 2025


def test_per_week_figures_table_and_chart(store_at) -> None:
    store = store_at()
    store.upgrade()
    _three_weeks(store)
    report = build_report(store.engine, 4 * 7 * 86400, now=NOW)
    assert report["since"] == "2025-06-02T00:00:00+00:00"
    assert report["per_week"] == EXPECTED
    assert sum(w["questions"] for w in report["per_week"]) == report["questions"] == 11

    # Privacy: counts and dates only.
    weekly = json.dumps(report["per_week"])
    for private in ("pilot", "Priya", "U777", "T1", "levels", "user-", "answer-", "berlin"):
        assert private not in weekly

    table = render_table(report)
    block = table[table.index("Per week") :].split("\n\n")[0].splitlines()
    assert block[0].startswith("Per week (from Monday, UTC)")
    assert block[1].split() == "week of asked answered votes helpful examples gaps".split()
    assert [line.split() for line in block[2:]] == [
        ["2025-06-02", "4", "75%", "2", "50%", "0", "0"],
        ["2025-06-09", "0", "-", "0", "-", "1", "1"],
        ["2025-06-16", "5", "80%", "4", "75%", "2", "0"],
        ["2025-06-23", "2", "100%", "0", "-", "0", "0"],
    ]

    page = render_html(report)
    assert "<script" not in page and 'src="' not in page and "href=" not in page
    assert "👍" not in page and "pilot" not in page.split("<h2>Most asked sections")[0]
    start = page.index("<h2>Is teaching helping?")
    chart = re.search(r'<svg[^>]*aria-label="Share answered[^"]*".*?</svg>', page[start:], re.S)
    assert chart, "no learning chart"
    svg = chart.group()
    # One point per week with data: questions in three weeks, votes in two.
    answered = re.findall(r'class="point answered-share"[^>]*>\s*<title>([^<]*)', svg)
    helpful = re.findall(r'class="point helpful-rate"[^>]*>\s*<title>([^<]*)', svg)
    assert answered == [
        "week of 2025-06-02: 75% share answered (3 of 4)",
        "week of 2025-06-16: 80% share answered (4 of 5)",
        "week of 2025-06-23: 100% share answered (2 of 2)",
    ]
    assert [t.split(":")[0] for t in helpful] == ["week of 2025-06-02", "week of 2025-06-16"]
    assert "2025-06-09: " not in "".join(answered + helpful)  # no questions: no point
    # Both lines break at the empty week of 9 June: answered in two pieces (2 June; 16–23
    # June), the helpful rate in two lone points (2 June; 16 June).
    lines = re.findall(r'<path class="line" d="([^"]*)"', svg)
    assert [d.count("M") for d in lines] == [2, 2]
    assert [d.count("L") for d in lines] == [1, 0]
    # The weeks examples or gaps were written, marked and said in words.
    taught = re.findall(r'<g class="taught"><title>([^<]*)', svg)
    assert taught == [
        "week of 2025-06-09: 1 example, 1 gap added",
        "week of 2025-06-16: 2 examples added",
    ]
    legend = page[start : start + chart.start()]
    for words in ("share of questions answered", "helpful rate", "Dashed line", "Triangle"):
        assert words in legend


def test_report_json_carries_per_week_through_the_cli(database_url, store_at) -> None:
    store = store_at()
    store.upgrade()
    store.questions.record("T1", "answer", "levels", "levels")
    store.questions.record("T1", "none", None, "how do I become a pilot")
    store.flush()
    env = {"DATABASE_URL": database_url}
    report = json.loads(run_cli("report", "--since", "1d", "--json", env=env).stdout)
    [week] = report["per_week"]
    assert (week["questions"], week["answered"], week["answered_share"]) == (2, 1, 0.5)
    assert (week["votes"], week["helpful_rate"]) == (0, None)
    assert "Per week" in run_cli("report", "--since", "1d", env=env).stdout
