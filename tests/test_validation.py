"""Every knowledge-file mistake is reported as `path:line: message`, all at once."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from helpers import run_cli

from bot.core.loader import load_knowledge
from bot.core.models import KnowledgeError

GOOD_SECTION = """\
  - id: {id}
    title: {title}
    summary: A short summary.
    body: A longer body.
    aliases: [{alias}]
    questions: ["{question}"]
    related: [{related}]
    source: Somewhere in the guide
"""


def section(id="alpha", title="Alpha", alias="alpha alias", question="what is alpha?", related=""):
    return GOOD_SECTION.format(id=id, title=title, alias=alias, question=question, related=related)


def write(tmp_path: Path, text: str, name: str = "team.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def problems(*paths: Path) -> list[str]:
    with pytest.raises(KnowledgeError) as error:
        load_knowledge(paths, include_shipped=False)
    return [str(p) for p in error.value.problems]


def test_a_valid_file_loads(tmp_path: Path) -> None:
    path = write(tmp_path, "sections:\n" + section() + section("beta", "Beta", "b", "b?", "alpha"))
    kb = load_knowledge([path], include_shipped=False)
    assert [s.id for s in kb.sections] == ["alpha", "beta"]
    assert kb["beta"].related == ("alpha",)


def test_yaml_syntax_error_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, "sections:\n  - id: a\n    title: [unclosed\n    body: x\n")
    [problem] = problems(path)
    assert problem.startswith(f"{path}:")
    assert "YAML syntax error" in problem
    assert int(problem.split(":")[1]) in (3, 4, 5)


def test_missing_required_field_points_at_the_section(tmp_path: Path) -> None:
    text = "sections:\n" + section().replace("    summary: A short summary.\n", "")
    path = write(tmp_path, text)
    assert problems(path) == [f"{path}:2: section 'alpha' is missing required field 'summary'"]


def test_wrong_types_are_reported_on_their_own_lines(tmp_path: Path) -> None:
    text = "sections:\n" + section().replace("aliases: [alpha alias]", "aliases: just text")
    text = text.replace("title: Alpha", "title: [a, b]")
    path = write(tmp_path, text)
    assert problems(path) == [
        f"{path}:3: section 'alpha' title must be text",
        f"{path}:6: section 'alpha' aliases must be a list (one '- item' per line)",
    ]


def test_empty_text_is_reported(tmp_path: Path) -> None:
    path = write(tmp_path, "sections:\n" + section().replace("body: A longer body.", 'body: "  "'))
    assert problems(path) == [f"{path}:5: section 'alpha' body is empty"]


def test_duplicate_ids_across_files_name_both_places(tmp_path: Path) -> None:
    first = write(tmp_path, "sections:\n" + section(), "a.yaml")
    second = write(tmp_path, "sections:\n" + section(alias="other", question="other?"), "b.yaml")
    assert problems(first, second) == [
        f"{second}:2: duplicate id 'alpha'; first defined at {first}:2"
    ]


def test_unknown_related_id_suggests_the_close_one(tmp_path: Path) -> None:
    text = "sections:\n" + section() + section("beta", "Beta", "b", "b?", "alpah")
    path = write(tmp_path, text)
    assert problems(path) == [
        f"{path}:16: related id 'alpah' does not exist; did you mean 'alpha'?"
    ]


def test_next_names_an_existing_other_section(tmp_path: Path) -> None:
    alpha = section().replace("source:", "next: alpah\n    source:")
    beta = section("beta", "Beta", "b", "b?").replace("source:", "next: beta\n    source:")
    path = write(tmp_path, "sections:\n" + alpha + beta)
    assert problems(path) == [
        f"{path}:9: next id 'alpah' does not exist; did you mean 'alpha'?",
        f"{path}:18: section 'beta' names itself as next",
    ]
    fixed = write(
        tmp_path,
        "sections:\n" + alpha.replace("alpah", "beta") + section("beta", "Beta", "b", "b?"),
        "b.yaml",
    )
    kb = load_knowledge([fixed], include_shipped=False)
    assert (kb["alpha"].next, kb["beta"].next) == ("beta", "")


def test_alias_claimed_by_two_sections_is_reported(tmp_path: Path) -> None:
    text = "sections:\n" + section() + section("beta", "Beta", "Alpha alias!", "b?")
    path = write(tmp_path, text)
    assert problems(path) == [
        f"{path}:14: 'Alpha alias!' is claimed by section 'alpha' too ({path}:6); keep it in one section"
    ]


def test_unknown_field_suggests_the_intended_one(tmp_path: Path) -> None:
    text = "sections:\n" + section().replace("questions:", "quesions:")
    path = write(tmp_path, text)
    reported = problems(path)
    assert f"{path}:7: unknown field 'quesions' in a section; did you mean 'questions'?" in reported


def test_slack_length_limits_are_checked(tmp_path: Path) -> None:
    text = "sections:\n" + section(title="T" * 151)
    text = text.replace("body: A longer body.", "body: " + "x" * 3001)
    path = write(tmp_path, text)
    reported = problems(path)
    assert f"{path}:3: section 'alpha' title is 151 characters; Slack headers allow 150" in reported
    assert any(p.startswith(f"{path}:5:") and "without spaces" in p for p in reported)


def test_long_bodies_that_split_at_sentences_are_fine(tmp_path: Path) -> None:
    body = " ".join(["This sentence is part of a long body."] * 200)
    path = write(tmp_path, "sections:\n" + section().replace("A longer body.", body))
    assert load_knowledge([path], include_shipped=False)["alpha"].body == body


def test_kebab_case_ids_are_required(tmp_path: Path) -> None:
    path = write(tmp_path, "sections:\n" + section(id="Alpha_One"))
    assert problems(path) == [f"{path}:2: id 'Alpha_One' must be kebab-case, like 'level-senior'"]


def test_empty_file_and_empty_sections_are_reported(tmp_path: Path) -> None:
    empty = write(tmp_path, "", "empty.yaml")
    none = write(tmp_path, "sections: []\n", "none.yaml")
    assert problems(empty, none) == [
        f"{empty}:1: file is empty; expected a mapping with a 'sections:' list",
        f"{none}:1: 'sections' is empty; add at least one section",
    ]


def test_non_utf8_file_is_reported_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes(("sections:\n" + section(title="Caf\xe9")).encode("latin-1"))
    assert problems(path) == [f"{path}:3: file is not UTF-8 text; save it with UTF-8 encoding"]


def test_all_problems_are_reported_in_one_run(tmp_path: Path) -> None:
    text = "sections:\n" + section(id="Bad_Id") + section("beta", "Beta", "b", "b?", "nope")
    text += section("gamma", "", "g", "g?")
    path = write(tmp_path, text)
    assert problems(path) == [
        f"{path}:2: id 'Bad_Id' must be kebab-case, like 'level-senior'",
        f"{path}:16: related id 'nope' does not exist",
        f"{path}:19: section 'gamma' title is empty",
    ]


def test_shipped_knowledge_base_is_valid() -> None:
    result = run_cli("validate")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("OK: ")


def test_validate_cli_prints_path_line_problems_and_exits_1(tmp_path: Path) -> None:
    path = write(tmp_path, "sections:\n" + section(id="Bad_Id"))
    result = run_cli("validate", str(path))
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        f"{path}:2: id 'Bad_Id' must be kebab-case, like 'level-senior'"
    ]
    assert "Traceback" not in result.stderr


def test_broken_extra_knowledge_stops_the_cli_with_exit_2(tmp_path: Path) -> None:
    path = write(tmp_path, "sections:\n  - id: [\n")
    result = run_cli("ask", "what is a tpm", env={"TPM_BOT_KNOWLEDGE": str(path)})
    assert result.returncode == 2
    assert result.stderr.startswith(f"{path}:")
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_a_tab_used_for_indentation_is_called_a_tab(tmp_path: Path) -> None:
    path = write(tmp_path, "sections:\n" + section().replace("    title:", "\ttitle:"))
    assert problems(path) == [f"{path}:3: a tab character is used for indentation; use spaces"]


def test_a_section_with_errors_still_gets_its_duplicate_and_related_checks(
    tmp_path: Path,
) -> None:
    broken = section(related="nope").replace("title: Alpha", "title: [a, b]")
    text = "sections:\n" + section(alias="first", question="first?") + broken
    path = write(tmp_path, text)
    assert problems(path) == [
        f"{path}:10: duplicate id 'alpha'; first defined at {path}:2",
        f"{path}:11: section 'alpha' title must be text",
        f"{path}:16: related id 'nope' does not exist",
    ]


def test_parts_name_existing_other_sections_in_order(tmp_path: Path) -> None:
    overview = section().replace("source:", "parts: [beta, gamma, alpah]\n    source:")
    path = write(tmp_path, "sections:\n" + overview + section("beta", "Beta", "b", "b?"))
    assert problems(path) == [
        f"{path}:9: parts id 'gamma' does not exist",
        f"{path}:9: parts id 'alpah' does not exist; did you mean 'alpha'?",
    ]
    fixed = section().replace("source:", "parts: [beta]\n    source:")
    good = write(tmp_path, "sections:\n" + fixed + section("beta", "Beta", "b", "b?"), "b.yaml")
    assert load_knowledge([good], include_shipped=False)["alpha"].parts == ("beta",)


def test_commands_name_a_slash_command_and_an_existing_section(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "commands:\n"
        "  /team-alpha: alpah\n"
        "  team-beta: alpha\n"
        "  /tpm: alpha\n"
        "  /Team-Gamma: alpha\n"
        "sections:\n" + section(),
    )
    assert problems(path) == [
        f"{path}:2: command '/team-alpha' shows unknown section 'alpah'; did you mean 'alpha'?",
        f"{path}:3: command 'team-beta' must be a slash command in lower case, like '/tpm-salary'",
        f"{path}:4: command '/tpm' is the bot's own; pick another name",
        f"{path}:5: command '/Team-Gamma' must be a slash command in lower case, like "
        "'/tpm-salary'",
    ]


def test_a_command_defined_in_two_files_names_the_first(tmp_path: Path) -> None:
    first = write(tmp_path, "commands:\n  /team-alpha: alpha\nsections:\n" + section(), "a.yaml")
    second = write(tmp_path, "commands:\n  /team-alpha: alpha\n", "b.yaml")
    assert problems(first, second) == [
        f"{second}:2: command '/team-alpha' is defined twice; first at {first}:2"
    ]
    assert load_knowledge([first], include_shipped=False).commands == {"/team-alpha": "alpha"}
