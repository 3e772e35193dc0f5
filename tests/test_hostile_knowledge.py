"""Knowledge files built to exhaust the loader are refused quickly, with a `path:line` problem.

Files that could hang (a FIFO) or run away (an alias bomb) are loaded in a child process with a
deadline, so a regression fails the test instead of hanging the suite.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.core.chunks import MAX_BODY_BLOCKS
from bot.core.loader import MAX_DEPTH, MAX_FILE_BYTES, load_knowledge
from bot.core.models import KnowledgeError

#: Generous: the refusals below take milliseconds; before, the bomb took 28 s and 1.2 GB.
DEADLINE_SECONDS = 10

SECTION = """\
  - id: {id}
    title: Title of {id}
    summary: A short summary.
    body: {body}
    aliases: [{id} alias]
    questions: ["what is {id}?"]
    related: [{related}]
    source: Somewhere in the guide
"""


def section(id: str = "alpha", body: str = "A longer body.", related: str = "") -> str:
    return SECTION.format(id=id, body=body, related=related)


def problems(path: Path) -> list[str]:
    with pytest.raises(KnowledgeError) as error:
        load_knowledge([path], include_shipped=False)
    return [str(p) for p in error.value.problems]


def validate_in_child(path: Path) -> tuple[subprocess.CompletedProcess[str], float]:
    """`tpm-bot validate PATH` in its own process; TimeoutExpired fails the test, never hangs."""
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "bot", "validate", "--alone", str(path)],
        capture_output=True,
        text=True,
        timeout=DEADLINE_SECONDS,
        check=False,
    )
    return result, time.monotonic() - started


def alias_bomb() -> str:
    """28 KB: one section with 1,000 related ids, repeated 3,000 times by alias.

    Before the fix this produced three million problems: 28 s and 1.2 GB.
    """
    related = ", ".join(f"r{i}" for i in range(1000))
    text = "sections:\n  - &s\n    " + section("bomb", related=related)[4:]
    while len(text) < 28_000:
        text += "  - *s\n"
    return text


def test_an_alias_bomb_is_refused_at_its_first_alias_within_a_second(tmp_path: Path) -> None:
    path = tmp_path / "bomb.yaml"
    path.write_text(alias_bomb(), encoding="utf-8")
    result, seconds = validate_in_child(path)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        f"{path}:11: YAML aliases (*s) are not supported in knowledge files; write the text out"
    ]
    assert seconds < 5, f"took {seconds:.1f} s"


def test_a_fifo_named_yaml_in_a_folder_is_reported_without_being_opened(tmp_path: Path) -> None:
    (tmp_path / "good.yaml").write_text("sections:\n" + section(), encoding="utf-8")
    fifo = tmp_path / "x.yaml"
    os.mkfifo(fifo)
    result, seconds = validate_in_child(tmp_path)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [f"{fifo}:1: not a regular file"]
    assert seconds < 5


def test_a_fifo_named_on_the_command_line_is_not_a_regular_file(tmp_path: Path) -> None:
    fifo = tmp_path / "x.yaml"
    os.mkfifo(fifo)
    result, _ = validate_in_child(fifo)
    assert result.stdout.splitlines() == [f"{fifo}:1: not a regular file"]


def test_a_device_behind_a_yaml_name_is_not_read(tmp_path: Path) -> None:
    path = tmp_path / "zero.yaml"
    path.symlink_to("/dev/zero")
    result, _ = validate_in_child(path)
    assert result.stdout.splitlines() == [f"{path}:1: not a regular file"]


def test_a_file_over_the_size_limit_is_refused_unparsed(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    filler = "  # padding to make the file large\n" * (MAX_FILE_BYTES // 30)
    path.write_text("sections:\n" + section() + filler, encoding="utf-8")
    size_mb = path.stat().st_size / 1_000_000
    assert problems(path) == [
        f"{path}:1: file is {size_mb:.1f} MB; knowledge files are limited to 1 MB, "
        "so split it into several files"
    ]


def test_a_file_just_under_the_size_limit_loads(tmp_path: Path) -> None:
    path = tmp_path / "large.yaml"
    filler = "# padding\n" * ((MAX_FILE_BYTES - 1_000) // 10)
    path.write_text("sections:\n" + section() + filler, encoding="utf-8")
    assert [s.id for s in load_knowledge([path], include_shipped=False).sections] == ["alpha"]


def test_deep_nesting_is_a_problem_not_a_recursion_error(tmp_path: Path) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text("sections: " + "[" * 200 + "]" * 200 + "\n", encoding="utf-8")
    assert problems(path) == [f"{path}:1: values are nested more than {MAX_DEPTH} levels deep"]


def test_an_anchor_without_aliases_is_harmless(tmp_path: Path) -> None:
    path = tmp_path / "anchor.yaml"
    path.write_text("sections:\n  - &first\n    " + section()[4:], encoding="utf-8")
    assert [s.id for s in load_knowledge([path], include_shipped=False).sections] == ["alpha"]


def test_a_body_too_long_for_one_slack_message_is_reported(tmp_path: Path) -> None:
    paragraph = "word " * 590
    body = '"' + "\\n\\n".join([paragraph.strip()] * (MAX_BODY_BLOCKS + 1)) + '"'
    path = tmp_path / "long.yaml"
    path.write_text("sections:\n" + section(body=body), encoding="utf-8")
    [problem] = problems(path)
    assert problem.startswith(f"{path}:5: section 'alpha' body is ")
    assert f"{MAX_BODY_BLOCKS + 1} Slack blocks" in problem


def test_a_comparison_slack_cannot_show_is_reported(tmp_path: Path) -> None:
    rows = (
        "".join(f"        - {{aspect: aspect {i}, left: l, right: r}}\n" for i in range(47))
        + f"        - {{aspect: wide, left: {'x ' * 499}x, right: r}}\n"
    )
    comparison = (
        f"    comparison:\n      left: {'Column ' * 150}\n      right: B\n      rows:\n{rows}"
    )
    path = tmp_path / "compare.yaml"
    path.write_text("sections:\n" + section() + comparison, encoding="utf-8")
    reported = problems(path)
    assert (
        f"{path}:14: section 'alpha' comparison has 48 rows; a Slack message shows 46" in reported
    )
    assert any(
        p.startswith(f"{path}:61: section 'alpha' comparison row 'wide' is ") for p in reported
    )


def test_an_id_too_long_for_a_slack_button_is_reported(tmp_path: Path) -> None:
    long_id = "-".join(["part"] * 500)
    path = tmp_path / "id.yaml"
    path.write_text("sections:\n" + section(id=long_id), encoding="utf-8")
    assert (
        f"{path}:2: section '{long_id}' id is {len(long_id)} characters; "
        "Slack buttons carry at most 2000"
    ) in problems(path)
