"""Helpers the tests share (fixtures live in conftest.py)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap


def run_cli(*args: str, stdin: str | None = None, env: dict[str, str] | None = None):
    """Run `tpm-bot` as a real process, the way a user does."""
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=60,
        check=False,
    )


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
