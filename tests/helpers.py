"""Helpers the tests share (fixtures live in conftest.py)."""

from __future__ import annotations

import contextlib
import io
import logging
import os
import subprocess
import sys
import textwrap
import traceback

#: Commands a process adds nothing to (no signals, no server, no start-up time measured): run
#: in the test's own process, where the knowledge and the sentence model are already loaded,
#: instead of paying a second of imports and model loading for each.
IN_PROCESS = frozenset({"ask", "chat", "topics", "validate", "report", "db"})


def run_cli(
    *args: str,
    stdin: str | None = None,
    env: dict[str, str] | None = None,
    cwd: str | os.PathLike[str] | None = None,
    process: bool = False,
) -> subprocess.CompletedProcess[str]:
    """Run `tpm-bot` with these arguments and return what it printed and its exit code. The
    commands in IN_PROCESS run `bot.cli.main` here, with the environment, working folder and
    standard streams a process would have; `process=True` (and every other command) runs
    `python -m bot` as a real process, the way a user does."""
    if not process and args and args[0] in IN_PROCESS:
        return _run_here(list(args), stdin, env or {}, cwd)
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=60,
        check=False,
    )


def _run_here(
    args: list[str], stdin: str | None, env: dict[str, str], cwd: str | os.PathLike[str] | None
) -> subprocess.CompletedProcess[str]:
    from bot.cli import main

    out, err = io.StringIO(), io.StringIO()
    saved_env, saved_cwd, saved_stdin = dict(os.environ), os.getcwd(), sys.stdin
    root = logging.getLogger()
    saved_handlers, saved_level = list(root.handlers), root.level
    os.environ.update(env)
    try:
        if cwd is not None:
            os.chdir(cwd)
        sys.stdin = io.StringIO(stdin or "")
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(args)
            except SystemExit as exit:  # argparse's usage errors, as the process would exit
                code = exit.code if isinstance(exit.code, int) else int(exit.code is not None)
            except Exception:  # what the process would print before exiting 1
                traceback.print_exc()
                code = 1
    finally:
        sys.stdin = saved_stdin
        os.chdir(saved_cwd)
        os.environ.clear()
        os.environ.update(saved_env)
        root.handlers[:], root.level = saved_handlers, saved_level
    return subprocess.CompletedProcess(["tpm-bot", *args], code, out.getvalue(), err.getvalue())


#: A team's own knowledge file, as a user would add with --knowledge or TPM_BOT_KNOWLEDGE.
TEAM_FILE = textwrap.dedent(
    """\
    guide:
      title: Team handbook
    sections:
      - id: team-oncall
        title: Our on-call rota
        summary: TPMs join the on-call rota for their product area once a quarter.
        body: Swap shifts in the rota channel.
        aliases: [on-call rota, pager duty]
        questions: ["when are TPMs on call?"]
        related: [responsibilities]
        source: Team handbook, on-call
    """
)


#: Markup that would notify people if the bot ever posted it.
BROADCASTS = ("<!channel>", "<!here>", "<!everyone>", "<!subteam", "<@")


def slack_limit_problems(message: dict, max_blocks: int = 50) -> list[str]:
    """Every way a chat.postMessage payload (or, with max_blocks=100, a view) breaks Slack's
    published limits (empty if none)."""
    problems = []
    blocks = message.get("blocks", [])
    text = message.get("text") or ""
    if not text.strip():
        problems.append("no text fallback")
    if len(text) > 40_000:
        problems.append("text fallback over 40,000 characters")
    if len(blocks) > max_blocks:
        problems.append(f"{len(blocks)} blocks")
    action_ids = []
    for block in blocks:
        kind = block["type"]
        if kind == "header" and len(block["text"]["text"]) > 150:
            problems.append("header over 150 characters")
        if kind == "section":
            if len(block.get("text", {}).get("text", "")) > 3000:
                problems.append("section text over 3,000 characters")
            fields = block.get("fields", [])
            if len(fields) > 10 or any(len(f["text"]) > 2000 for f in fields):
                problems.append("section fields over their limits")
        if kind == "actions":
            if len(block["elements"]) > 25:
                problems.append("more than 25 buttons in a row")
            for element in block["elements"]:
                action_ids.append(element["action_id"])
                if element["type"] == "button" and (
                    len(element["text"]["text"]) > 75 or len(element.get("value", "")) > 2000
                ):
                    problems.append("button over its limits")
                if element["type"] == "static_select":
                    options = element["options"]
                    if not 1 <= len(options) <= 100 or any(
                        len(o["text"]["text"]) > 75 or len(o["value"]) > 150 for o in options
                    ):
                        problems.append("select menu over its limits")
        if kind == "context" and len(block["elements"]) > 10:
            problems.append("context over 10 elements")
    if len(action_ids) != len(set(action_ids)):
        problems.append("duplicate action_id")
    return problems
