"""Where knowledge files are: the shipped guide, and the files inside folders a user names."""

from __future__ import annotations

import os
from collections.abc import Iterable

from bot.core.models import Problem

KNOWLEDGE_SUFFIXES = (".yaml", ".yml")
_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_INSTALLED_KNOWLEDGE = os.path.join(_PACKAGE, "knowledge")
_CHECKOUT_KNOWLEDGE = os.path.normpath(os.path.join(_PACKAGE, "..", "knowledge"))


def shipped_knowledge_dir() -> str:
    """The guide's own knowledge files: package data `bot.knowledge`, mapped in pyproject.toml
    to the top-level `knowledge/` folder.

    Looked for on disk first (installed: `bot/knowledge/`; a source checkout or an editable
    install: `knowledge/` beside `bot/`), then through the import system; not through
    `importlib.resources`, whose import alone costs the CLI a third of its start-up time.
    """
    for folder in (_INSTALLED_KNOWLEDGE, _CHECKOUT_KNOWLEDGE):
        if os.path.isdir(folder):
            return folder
    from importlib.util import find_spec  # an unusual install (a zip, a custom finder)

    try:
        spec = find_spec("bot.knowledge")
    except ModuleNotFoundError:
        spec = None
    if spec is not None and spec.submodule_search_locations:
        return os.fspath(next(iter(spec.submodule_search_locations)))
    return _CHECKOUT_KNOWLEDGE


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
