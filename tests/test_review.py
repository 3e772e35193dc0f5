"""Teaching the bot from the terminal (issue 22): a question the bot declined is recorded,
`tpm-bot review` labels it into a team knowledge file, and after a reload the bot answers it
and its paraphrases. Also: marking questions not covered, and what may be written."""

from __future__ import annotations

import io
import json
import time

import pytest

from bot.cli import main
from bot.core.holder import KnowledgeHolder
from bot.core.loader import load_knowledge
from bot.core.models import KnowledgeError
from bot.core.teach import Label, add_labels

DECLINED = "what does the glue person on a product team do"
PARAPHRASE = "what does the glue guy in a product team actually do"
GOOGLE = "how much does google pay its product managers"
GOOGLE_PARAPHRASE = "what's the google salary for a product manager"


@pytest.fixture
def teaching(tmp_path, monkeypatch):
    """A team knowledge file with nothing taught yet, a store for --record, and no .env."""
    team = tmp_path / "team.yaml"
    team.write_text("# our team's additions\nexamples: {}\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/tpm-bot.db")
    monkeypatch.setenv("TPM_BOT_LOG_QUESTIONS", "text")
    monkeypatch.setenv("TPM_BOT_KNOWLEDGE", str(team))
    return team


def review(monkeypatch, capsys, typed: str, *arguments: str) -> tuple[int, str]:
    """Run `tpm-bot review` with `typed` as the maintainer's answers."""
    capsys.readouterr()
    monkeypatch.setattr("sys.stdin", io.StringIO(typed))
    code = main(["review", *arguments])
    return code, capsys.readouterr().out


def test_a_declined_question_labelled_in_review_is_answered_with_its_section_after_a_reload(
    teaching, monkeypatch, capsys
) -> None:
    holder = KnowledgeHolder.load([str(teaching)])
    assert holder.matcher.match(DECLINED).status == "none"
    assert main(["ask", "--record", DECLINED]) == 0

    code, out = review(monkeypatch, capsys, "cross-functional-liaison\ny\n", "--to", str(teaching))
    assert code == 0, out
    assert "asked 1 time, declined" in out and DECLINED in out
    assert f"+    - {DECLINED}" in out  # the diff, shown before writing
    assert "# our team's additions" in teaching.read_text()  # the rest of the file is kept
    assert main(["validate", str(teaching)]) == 0

    assert holder.reload("test")
    for question in (DECLINED, PARAPHRASE):
        result = holder.matcher.match(question)
        assert (result.status, result.section and result.section.id) == (
            "answer",
            "cross-functional-liaison",
        ), question
    # Taught once: the next review does not offer it again.
    assert review(monkeypatch, capsys, "", "--json")[1].strip() == "[]"


def test_a_question_marked_not_in_the_guide_is_declined_with_its_note_after_a_reload(
    teaching, monkeypatch, capsys
) -> None:
    holder = KnowledgeHolder.load([str(teaching)])
    assert main(["ask", "--record", GOOGLE]) == 0
    code, out = review(monkeypatch, capsys, "n pay at Google\ny\n", "--to", str(teaching))
    assert code == 0, out
    assert "not_covered:" in teaching.read_text() and "note: pay at Google" in out
    assert holder.reload("test")
    for question in (GOOGLE, GOOGLE_PARAPHRASE):
        result = holder.matcher.match(question)
        assert (result.status, result.not_covered) == ("none", "pay at Google"), question
    assert main(["ask", GOOGLE]) == 0
    assert "The guide doesn't cover pay at Google." in capsys.readouterr().out
    # Everything else is answered as before.
    assert holder.matcher.match("tpm salary in india").section.id == "salary-india"


def test_review_writes_only_the_cleaned_question(teaching, monkeypatch, capsys) -> None:
    asked = "<@U0ABC123> what does the glue person do? mail priya@example.com or call 98450 12345"
    assert main(["ask", "--record", asked]) == 0
    code, out = review(monkeypatch, capsys, "cross-functional-liaison\ny\n", "--to", str(teaching))
    assert code == 0, out
    written = teaching.read_text()
    for secret in ("U0ABC123", "priya", "example.com", "98450", "12345", "@"):
        assert secret not in written
    assert "what does the glue person do? mail or call" in written


def test_nothing_is_written_unless_the_maintainer_says_yes(teaching, monkeypatch, capsys) -> None:
    before = teaching.read_text()
    assert main(["ask", "--record", DECLINED]) == 0
    code, out = review(monkeypatch, capsys, "levels\nn\n", "--to", str(teaching))
    assert code == 0 and "Nothing written." in out
    assert teaching.read_text() == before
    # Skipping or stopping writes nothing either, and a mistyped section says what was meant.
    code, out = review(monkeypatch, capsys, "level\nq\n", "--to", str(teaching))
    assert "no section 'level'; did you mean 'levels'?" in out and "Nothing labelled" in out


def test_review_json_lists_candidates_most_frequent_first_with_the_bots_decision(
    teaching, monkeypatch, capsys
) -> None:
    for question in (DECLINED, "tpm pay in the US?", "tpm pay in the US?"):
        assert main(["ask", "--record", question]) == 0
    code, out = review(monkeypatch, capsys, "", "--json")
    assert code == 0
    listed = json.loads(out)
    assert [(c["text"], c["count"], c["status"]) for c in listed] == [
        ("tpm pay in the US?", 2, "partial"),
        (DECLINED, 1, "none"),
    ]
    assert listed[0]["section"] == "salary-india"


def test_where_only_terms_are_kept_review_groups_them_and_asks_for_the_wording(
    teaching, monkeypatch, capsys
) -> None:
    monkeypatch.setenv("TPM_BOT_LOG_QUESTIONS", "terms")
    assert main(["ask", "--record", DECLINED]) == 0
    listed = json.loads(review(monkeypatch, capsys, "", "--json")[1])
    assert [c["kind"] for c in listed] == ["terms"] and listed[0]["text"] == ""
    typed = "cross-functional-liaison\nwho is the glue person in a product team\ny\n"
    code, out = review(monkeypatch, capsys, typed, "--to", str(teaching))
    assert code == 0, out
    assert "who is the glue person in a product team" in teaching.read_text()


def test_review_needs_a_file_to_write_to(teaching, monkeypatch, capsys) -> None:
    assert main(["ask", "--record", DECLINED]) == 0
    assert main(["review"]) == 2
    assert "--to PATH" in capsys.readouterr().err


def test_pending_labels_expire_with_the_retention_period(tmp_path) -> None:
    from slack_harness import fresh_store

    store = fresh_store()
    try:
        store.teaching.add(team="T1", question=DECLINED, section="levels")
        assert [c.kind for c in store.teaching.candidates(0)] == ["pending"]
        store.retention_days = 0
        time.sleep(0.01)
        assert store.purge()["teachings"] == 1
        assert store.teaching.candidates(0) == []
    finally:
        store.close()


def test_not_covered_entries_are_validated_with_file_and_line(tmp_path) -> None:
    team = tmp_path / "team.yaml"
    team.write_text(
        "not_covered:\n"
        "  - note: pay at Google\n"
        "    questions:\n"
        "      - How much does a TPM earn?\n"  # a question the guide answers
        "  - questions: [is google hiring]\n"  # no note
        "  - note: hiring\n"
        "    questions: [is google hiring, is google hiring]\n"
        "  - note: x\n"
        "    question: [typo]\n",
        encoding="utf-8",
    )
    with pytest.raises(KnowledgeError) as raised:
        load_knowledge([str(team)])
    shown = [str(p).replace(str(team), "team.yaml") for p in raised.value.problems]
    assert any(s.startswith("team.yaml:4: ") and "salary-india" in s for s in shown), shown
    assert any(s.startswith("team.yaml:5: ") and "missing 'note'" in s for s in shown), shown
    assert any(s.startswith("team.yaml:7: ") and "repeats" in s for s in shown), shown
    assert any("unknown field 'question'" in s and "did you mean 'questions'" in s for s in shown)


def test_adding_labels_keeps_the_rest_of_the_file_and_never_repeats_a_question() -> None:
    text = "# ours\nsections: []\nexamples:\n  levels:\n    - which level am I\n\ncommands: {}\n"
    after = add_labels(
        text,
        [
            Label("which level am I", "levels"),
            Label("what does the glue person do", "cross-functional-liaison"),
            Label("is google hiring", None, "hiring at Google."),
            Label("is amazon hiring", None, "hiring at Google"),
        ],
    )
    assert after.startswith("# ours\nsections: []\nexamples:\n  levels:\n    - which level am I\n")
    assert after.count("which level am I") == 1
    assert "commands: {}\n" in after
    assert "  - note: hiring at Google\n    questions:\n      - is google hiring\n" in after
    assert "      - is amazon hiring\n" in after
