"""Shared fixtures: the shipped knowledge base and one matcher over it."""

from __future__ import annotations

import os

import pytest

from bot.core.loader import load_knowledge
from bot.core.matcher import Matcher


@pytest.fixture(autouse=True, scope="session")
def _private_cache_dir(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Keep the CLI's start-up cache out of the developer's home folder."""
    os.environ["TPM_BOT_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))
    os.environ.pop("TPM_BOT_KNOWLEDGE", None)


@pytest.fixture(scope="session")
def kb():
    return load_knowledge()


@pytest.fixture(scope="session")
def matcher(kb):
    return Matcher(kb)
