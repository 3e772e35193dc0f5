"""`tpm-bot` as a user runs it: text and JSON answers, topics, extras, help and version."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from helpers import TEAM_FILE, run_cli

from bot import __version__


def test_ask_prints_the_section_as_readable_text() -> None:
    result = run_cli("ask", "what does a senior TPM do?")
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "Senior Technical Product Manager"
    assert set(lines[1]) == {"="}
    assert "product lines" in result.stdout
    assert (
        "Source: Emeritus, “Who is a Technical Product Manager? A Complete Guide” — "
        "Senior Technical Product Manager"
    ) in result.stdout
    assert "Related: TPM levels and seniority (levels)" in result.stdout
    assert "*" not in result.stdout, "Slack bold markers are not shown in a terminal"


def test_ask_says_honestly_when_the_guide_does_not_cover_it() -> None:
    result = run_cli("ask", "how", "do", "I", "become", "a", "pilot?")
    assert result.returncode == 0
    assert result.stdout.startswith("The guide doesn't cover that")
    assert "The nearest topics it does cover:\n• " in result.stdout
    assert "Every topic: tpm-bot topics" in result.stdout  # plain text: no markup in a terminal


def test_ask_json_has_exactly_the_documented_shape() -> None:
    result = run_cli("ask", "--json", "tpm salary in india")
    payload = json.loads(result.stdout)
    assert set(payload) == {
        "query",
        "status",
        "intent",
        "engine",
        "section",
        "not_covered",
        "also",
        "score",
        "candidates",
        "text",
    }
    assert payload["query"] == "tpm salary in india"
    assert payload["status"] == "answer" and payload["intent"] == "question"
    assert payload["not_covered"] is None and payload["also"] == []
    assert payload["section"] == {
        "id": "salary-india",
        "title": "Technical Product Manager salary in India",
    }
    assert isinstance(payload["score"], float)
    assert payload["candidates"][0] == {
        "id": "salary-india",
        "title": payload["section"]["title"],
        "score": payload["score"],
    }
    assert "₹26.5 lakh" in payload["text"]


def test_ask_json_suggest_and_none_have_no_section() -> None:
    result = run_cli("ask", "--json", "-", stdin="technical\nwhat is the capital of France\n")
    suggest, none = (json.loads(line) for line in result.stdout.splitlines())
    assert suggest["status"] == "suggest" and suggest["section"] is None
    assert len(suggest["candidates"]) >= 2
    assert none["status"] == "none" and none["section"] is None


def test_ask_json_stdin_answers_one_line_per_question() -> None:
    questions = ["what is a tpm", "hi", "", "tpm vs pm"]
    result = run_cli("ask", "--json", "-", stdin="\n".join(questions) + "\n")
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["query"] for r in rows] == questions, "one line out for every line in"
    assert [r["section"] and r["section"]["id"] for r in rows] == [
        "what-is-a-tpm",
        None,
        None,
        "pm-vs-tpm",
    ]
    assert [r["intent"] for r in rows] == ["question", "help", "help", "question"]
    assert rows[2]["status"] == "none"
    assert "Ask in your own words" in rows[1]["text"]


def test_ask_conversation_reads_stdin_as_conversations_split_by_blank_lines() -> None:
    stdin = "how much does a tpm earn\nwhat are the levels\n\n\nwhat is a tpm\n"
    result = run_cli("ask", "--json", "--conversation", "-", stdin=stdin)
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["query"] for r in rows] == [
        "how much does a tpm earn",
        "what are the levels",
        "what is a tpm",
    ]
    assert rows[0]["section"]["id"] == "salary-india"


def test_settings_in_a_dotenv_file_apply_to_every_command(tmp_path: Path) -> None:
    (tmp_path / "team.yaml").write_text(TEAM_FILE, encoding="utf-8")
    (tmp_path / ".env").write_text(f"TPM_BOT_KNOWLEDGE={tmp_path / 'team.yaml'}\n")
    result = run_cli("ask", "--json", "when are tpms on call", cwd=tmp_path)
    assert json.loads(result.stdout)["section"]["id"] == "team-oncall"
    assert "team-oncall" in run_cli("topics", cwd=tmp_path).stdout


def test_validate_checks_a_file_together_with_the_shipped_guide(tmp_path: Path) -> None:
    path = tmp_path / "team.yaml"
    path.write_text(TEAM_FILE, encoding="utf-8")  # related: [responsibilities], a shipped id
    result = run_cli("validate", str(path))
    assert result.returncode == 0, result.stdout
    assert result.stdout.startswith("OK: 18 sections in 3 files")
    alone = run_cli("validate", "--alone", str(path))
    assert alone.returncode == 1
    assert "related id 'responsibilities' does not exist" in alone.stdout


def test_validate_warns_when_an_added_file_takes_a_question_the_guide_answers(
    tmp_path: Path,
) -> None:
    path = tmp_path / "pay.yaml"
    path.write_text(
        TEAM_FILE.replace("team-oncall", "team-pay")
        .replace("Our on-call rota", "Our pay bands")
        .replace("[on-call rota, pager duty]", "[pay bands]")
        .replace('"when are TPMs on call?"', '"how much does a TPM earn in India?"'),
        encoding="utf-8",
    )
    result = run_cli("validate", str(path))
    assert result.returncode == 0  # a warning, not a problem: the team may mean it
    assert (
        "warning: 'how much does a TPM earn in India?' is answered by the guide's "
        "'salary-india' without your files; with them it gets 'team-pay'"
    ) in result.stdout
    assert "1 question the guide answers would be answered by the added sections" in result.stdout
    quiet = tmp_path / "team.yaml"
    quiet.write_text(TEAM_FILE, encoding="utf-8")
    assert "warning" not in run_cli("validate", str(quiet)).stdout


def test_serve_reports_every_missing_setting_at_once(tmp_path: Path) -> None:
    env = {"SLACK_BOT_TOKEN": "", "SLACK_SIGNING_SECRET": "", "PORT": "http", "LOG_LEVEL": "LOUD"}
    result = run_cli("serve", env=env, cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert lines == [
        "tpm-bot: SLACK_BOT_TOKEN is not set; get it from https://api.slack.com/apps > your app "
        "> OAuth & Permissions > Bot User OAuth Token",
        "tpm-bot: SLACK_SIGNING_SECRET is not set; get it from https://api.slack.com/apps > your "
        "app > Basic Information > App Credentials > Signing Secret",
        "tpm-bot: PORT must be a port number from 1 to 65535, not 'http'",
        "tpm-bot: LOG_LEVEL must be one of DEBUG, INFO, WARNING, ERROR, not 'LOUD'",
    ]


def test_topics_lists_every_section_id_and_title(kb) -> None:
    result = run_cli("topics")
    lines = result.stdout.splitlines()
    assert len(lines) == len(kb.sections)
    assert lines[0].split()[0] == "what-is-a-tpm"


def test_knowledge_option_adds_a_teams_sections(tmp_path: Path) -> None:
    path = tmp_path / "team.yaml"
    path.write_text(TEAM_FILE, encoding="utf-8")
    result = run_cli("ask", "--knowledge", str(path), "--json", "when are tpms on call")
    assert json.loads(result.stdout)["section"]["id"] == "team-oncall"
    topics = run_cli("topics", "-k", str(tmp_path)).stdout
    assert "team-oncall" in topics and "salary-india" in topics


def test_environment_variable_adds_folders_of_sections(tmp_path: Path) -> None:
    (tmp_path / "team.yaml").write_text(TEAM_FILE, encoding="utf-8")
    env = {"TPM_BOT_KNOWLEDGE": f"{tmp_path}:"}
    result = run_cli("ask", "--json", "who is on the on-call rota", env=env)
    assert json.loads(result.stdout)["section"]["id"] == "team-oncall"
    assert run_cli("validate", env=env).stdout.startswith("OK: 18 sections in 3 files")


def test_missing_extra_path_is_a_clear_error(tmp_path: Path) -> None:
    result = run_cli("ask", "-k", str(tmp_path / "nope.yaml"), "hi")
    assert result.returncode == 2
    assert f"{tmp_path / 'nope.yaml'}:1: no such file or folder" in result.stderr


def test_edits_to_knowledge_are_picked_up_despite_the_start_up_cache(tmp_path: Path) -> None:
    path = tmp_path / "team.yaml"
    path.write_text(TEAM_FILE, encoding="utf-8")
    assert "on-call rota" in run_cli("ask", "-k", str(path), "on-call rota").stdout
    path.write_text(TEAM_FILE.replace("Our on-call rota", "Our support rota"), encoding="utf-8")
    assert "Our support rota" in run_cli("ask", "-k", str(path), "on-call rota").stdout


def test_help_and_version() -> None:
    assert run_cli("--version").stdout.strip() == f"tpm-bot {__version__}"
    for command in ([], ["ask"], ["chat"], ["topics"], ["validate"], ["serve"], ["socket"]):
        result = run_cli(*command, "--help")
        assert result.returncode == 0 and "usage: tpm-bot" in result.stdout


def test_chat_answers_each_line_until_quit() -> None:
    result = run_cli("chat", stdin="what is a tpm\nhi\nquit\nnot reached\n")
    assert result.returncode == 0
    assert "What is a Technical Product Manager?" in result.stdout
    assert "Ask in your own words" in result.stdout


def test_cli_does_not_import_slack_libraries() -> None:
    code = (
        "import sys; from bot.cli import main; main(['ask', 'what is a tpm']); "
        "print(sorted(m for m in sys.modules if m.startswith(('slack', 'yaml'))))"
    )
    import subprocess

    # The first run may build the start-up cache (which reads YAML); the second reads it.
    run_cli("ask", "what is a tpm")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] in ("[]", "['yaml']")
    assert "slack" not in out.stdout.splitlines()[-1]


def test_validate_checks_a_team_file_together_with_the_shipped_guide(tmp_path: Path) -> None:
    path = tmp_path / "team.yaml"
    path.write_text(TEAM_FILE, encoding="utf-8")  # the README's example: related to a shipped id
    result = run_cli("validate", str(path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("OK: 18 sections in 3 files")


def test_validate_alone_checks_only_the_given_file(tmp_path: Path) -> None:
    path = tmp_path / "team.yaml"
    path.write_text(TEAM_FILE, encoding="utf-8")
    result = run_cli("validate", "--alone", str(path))
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        f"{path}:10: related id 'responsibilities' does not exist"
    ]
    assert run_cli("validate", "--alone").returncode == 2


def test_a_broken_knowledge_file_names_the_check_to_run_on_it(tmp_path: Path) -> None:
    path = tmp_path / "team.yaml"
    path.write_text(TEAM_FILE.replace("related: [responsibilities]", "related: [nope]"), "utf-8")
    result = run_cli("ask", "--knowledge", str(path), "what is a TPM?")
    assert result.returncode == 2
    assert (
        f"the knowledge base has 1 problem; fix it and check again with `tpm-bot validate {path}`"
    ) in result.stderr
    assert f"{path}:10: related id 'nope' does not exist" in result.stderr


def test_ask_conversation_without_standard_input_says_how_to_use_it() -> None:
    result = run_cli("ask", "--conversation", "and for seniors?")
    assert result.returncode == 2
    assert "tpm-bot ask --conversation -" in result.stderr


def test_every_sub_command_is_listed_for_the_quick_parser() -> None:
    """`main` builds only the sub-command it runs, found by name in COMMANDS."""
    import argparse

    from bot.cli import COMMANDS, build_parser

    subparsers = next(
        a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction)
    )
    assert tuple(subparsers.choices) == COMMANDS
    for command in COMMANDS:
        only = next(
            a for a in build_parser(command)._actions if isinstance(a, argparse._SubParsersAction)
        )
        assert tuple(only.choices) == (command,)


def test_in_a_conversation_a_number_picks_one_of_the_topics_offered() -> None:
    # "technical" alone could mean the skills, the roadmap or the role: topics are offered.
    stdin = "technical\nthe second one\n\ntechnical\nwhat is the first step?\n"
    lines = run_cli("ask", "--json", "--conversation", "-", stdin=stdin).stdout.splitlines()
    offered, chosen, again, question = (json.loads(line) for line in lines)
    assert offered["status"] == "suggest"
    assert f"2. {offered['candidates'][1]['title']}" in offered["text"]
    assert "Reply with a number to pick one" in offered["text"]
    assert chosen["status"] == "answer"
    assert chosen["section"]["id"] == offered["candidates"][1]["id"]
    # A question that mentions "first" is a question, not a pick
    assert again["status"] == "suggest" and question["section"]["id"] != "how-to-become"


def test_chat_lists_the_topics_and_picks_by_number() -> None:
    result = run_cli("chat", stdin="technical\n1\ntopics\nquit\n")
    assert result.returncode == 0
    assert "tpm> " not in result.stdout  # no prompt for piped questions
    assert "Step 1: Build technical expertise\n=====" in result.stdout
    assert "salary-india                      Technical Product Manager salary in India" in (
        result.stdout
    )


@pytest.mark.parametrize(
    ("reply", "index"),
    [
        ("2", 1),
        ("the first one", 0),
        ("option #3", 2),
        ("the last one", 2),
        ("pehla wala", 0),
        ("option two", 1),
        ("4", None),  # only three were offered
        ("the one", None),
        ("what is the first step?", None),
        ("1 and 2", None),
    ],
)
def test_a_pick_is_a_bare_choice_among_the_topics_offered(reply: str, index: int | None) -> None:
    from bot.core.conversations import picked

    assert picked(reply, 3) == index


def test_validate_alone_says_when_a_missing_id_is_one_of_the_shipped_guide(tmp_path: Path) -> None:
    path = tmp_path / "team.yaml"
    path.write_text(TEAM_FILE, encoding="utf-8")  # related: [responsibilities], a shipped id
    result = run_cli("validate", "--alone", str(path))
    assert result.returncode == 1
    assert "responsibilities is in the shipped guide, which --alone leaves out" in result.stderr
    assert run_cli("validate", str(path)).returncode == 0


def test_serve_refuses_malformed_yes_no_settings_and_env_example_placeholders(
    tmp_path: Path,
) -> None:
    # Copied from .env.example as it stands, with a yes/no setting and a port mistyped: every line is
    # reported at once, exit 2, before anything reaches Slack.
    env = {
        "SLACK_BOT_TOKEN": "xoxb-your-bot-token",
        "SLACK_SIGNING_SECRET": "your-signing-secret",
        "TPM_BOT_RELOAD": "maybe",
        "METRICS_PORT": "9o9",
        "SLACK_API_URL": "http://127.0.0.1:9/api/",  # nothing listens: it must not be tried
    }
    result = run_cli("serve", env=env, cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert lines[0].startswith(
        "tpm-bot: SLACK_BOT_TOKEN is still the placeholder from .env.example"
    )
    assert lines[1].startswith("tpm-bot: SLACK_SIGNING_SECRET is still the placeholder from")
    assert (
        "tpm-bot: TPM_BOT_RELOAD must be 1 or 0 (or on/off, true/false, yes/no), not 'maybe'"
        in lines
    )
    assert "tpm-bot: METRICS_PORT must be a port number from 1 to 65535, not '9o9'" in lines
    assert "reach" not in result.stderr


def test_yes_no_settings_take_every_usual_spelling() -> None:
    from bot.settings import load_settings

    for raw, expected in (("on", True), ("YES", True), ("1", True), ("off", False), ("0", False)):
        settings = load_settings({"TPM_BOT_RELOAD": raw}, dotenv=None)
        assert settings.reload_on_change is expected and not settings.problems


def test_tpm_bot_alone_prints_the_help() -> None:
    result = run_cli()
    assert result.returncode == 0 and result.stderr == ""
    assert result.stdout.startswith("usage: tpm-bot") and "ask" in result.stdout


def test_chat_numbers_the_topics_and_a_number_in_reply_reads_that_topic() -> None:
    result = run_cli("chat", stdin="topics\n12\nquit\n", env={"COLUMNS": "200"})
    assert " 1. what-is-a-tpm" in result.stdout and "12. salary-india" in result.stdout
    after = result.stdout.split("Reply with a number to read that topic.", 1)[1]
    assert after.strip().startswith("Technical Product Manager salary in India")
