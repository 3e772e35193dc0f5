"""Where knowledge files are: the shipped guide, extras from the environment, and folders."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping

import bot
from bot.core.models import Problem

#: Environment variable listing extra knowledge files or folders, separated by ":".
KNOWLEDGE_ENV = "TPM_BOT_KNOWLEDGE"
KNOWLEDGE_SUFFIXES = (".yaml", ".yml")


def shipped_knowledge_dir() -> str:
    """The guide's own knowledge files, installed inside the package as bot/knowledge."""
    return os.path.join(os.path.dirname(os.path.abspath(bot.__file__)), "knowledge")


def extra_knowledge_paths(environ: Mapping[str, str] | None = None) -> list[str]:
    """Paths named in TPM_BOT_KNOWLEDGE, in order."""
    value = (os.environ if environ is None else environ).get(KNOWLEDGE_ENV, "")
    return [p for p in value.split(":") if p.strip()]


def knowledge_paths(extra: Iterable[str] = ()) -> list[str]:
    """Extra knowledge paths from the environment, then those given on the command line."""
    return [*extra_knowledge_paths(), *extra]


def expand_paths(paths: Iterable[str | os.PathLike[str]]) -> tuple[list[str], list[Problem]]:
    """Turn files and folders into the files to read; a missing path or empty folder is a problem."""
    files: list[str] = []
    problems: list[Problem] = []
    for raw in paths:
        path = os.path.expanduser(os.fspath(raw))
        if os.path.isdir(path):
            found = sorted(
                os.path.join(path, name)
                for name in os.listdir(path)
                if name.endswith(KNOWLEDGE_SUFFIXES)
            )
            if not found:
                problems.append(Problem(path, 1, "folder has no .yaml knowledge files"))
            files.extend(found)
        elif os.path.exists(path):
            # Not only regular files: the loader reports a FIFO or device as such, unopened.
            files.append(path)
        else:
            problems.append(Problem(path, 1, "no such file or folder"))
    return files, problems
